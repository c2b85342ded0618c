package org.ctrflow.jobs.join;

import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.join.UnattributedClickException.Kind;

/**
 * Joins impressions and clicks keyed by impression id, in event time, into labeled examples.
 *
 * <ul>
 *   <li>A click whose event time is at most {@code attributionWindow} after its impression's labels
 *       it 1, as soon as both are here (no wait for the window to close). With {@code
 *       holdPositives}, the label is decided then but the example leaves when the window closes,
 *       like a negative, so that examples leave in event-time order.
 *   <li>When the watermark passes the window's end without such a click, the impression is labeled
 *       0.
 *   <li>A click that arrives first waits for its impression until the watermark passes the click's
 *       time plus the window; then it is an orphan.
 *   <li>Repeats of an impression or of a click for an already labeled (or already waiting)
 *       impression are dropped and counted, for as long as the key's state lives ({@code
 *       stateTtl}).
 *   <li>Late clicks are sent to a side output, not corrected: a click that arrives after its
 *       impression was labeled 0 (its window closed, watermark included) goes to {@link
 *       #UNATTRIBUTED_CLICKS} as a {@link DeadLetter} naming the reason, as do clicks outside the
 *       window and orphans. Emitting a correcting positive would make the trainer see the
 *       impression twice, once with each label; keeping the label stream append-only with one
 *       example per impression keeps the trainer's example count equal to the impressions joined.
 * </ul>
 *
 * State per key, all with the TTL: the waiting impression, the earliest waiting click's time, and
 * the outcome once labeled (label and window end, for recognising repeats and late clicks; a held
 * positive has its outcome while its impression still waits).
 */
public class LabelJoinFunction
    extends KeyedCoProcessFunction<String, Impression, Click, LabeledExample> {

  private static final long serialVersionUID = 1L;

  /** Clicks that labeled nothing, as dead letters with the reason. */
  public static final OutputTag<DeadLetter> UNATTRIBUTED_CLICKS =
      new OutputTag<>("unattributed-clicks", TypeInformation.of(DeadLetter.class));

  /**
   * What became of a labeled impression.
   *
   * @param label the label emitted
   * @param windowEnd end of its attribution window, event time ms
   */
  public record Outcome(int label, long windowEnd) {}

  private final long windowMs;
  private final boolean holdPositives;
  private final LabelJoinOptions.Settings settings;

  private transient ValueState<Impression> waiting;
  private transient ValueState<Long> earlyClick;
  private transient ValueState<Outcome> outcome;
  private transient JoinCounters counters;
  private transient String clicksTopic;

  public LabelJoinFunction(LabelJoinOptions.Settings settings) {
    this.settings = settings;
    this.windowMs = settings.attributionWindow().toMillis();
    this.holdPositives = settings.holdPositives();
  }

  @Override
  public void open(OpenContext context) {
    StateTtlConfig ttl =
        StateTtlConfig.newBuilder(settings.stateTtl())
            .updateTtlOnCreateAndWrite()
            .neverReturnExpired()
            .build();
    waiting = getRuntimeContext().getState(withTtl("waiting-impression", Impression.class, ttl));
    earlyClick = getRuntimeContext().getState(withTtl("early-click-time", Long.class, ttl));
    outcome = getRuntimeContext().getState(withTtl("outcome", Outcome.class, ttl));
    counters = new JoinCounters(getRuntimeContext().getMetricGroup());
    clicksTopic = Topic.CLICKS.name(settings.topicPrefix());
  }

  private static <T> ValueStateDescriptor<T> withTtl(
      String name, Class<T> type, StateTtlConfig ttl) {
    ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, type);
    descriptor.enableTimeToLive(ttl);
    return descriptor;
  }

  @Override
  public void processElement1(Impression impression, Context ctx, Collector<LabeledExample> out)
      throws Exception {
    counters.recordsIn.inc();
    if (outcome.value() != null || waiting.value() != null) {
      counters.recordsDeduplicated.inc();
      return;
    }
    long windowEnd = impression.eventTime() + windowMs;
    Long clickTime = earlyClick.value();
    if (clickTime != null) {
      earlyClick.clear();
      ctx.timerService().deleteEventTimeTimer(clickTime + windowMs);
      if (clickTime <= windowEnd) {
        if (holdPositives) {
          // The click goes on waiting, now with its impression.
          hold(impression, windowEnd, ctx);
          counters.recordsPending.inc();
          return;
        }
        counters.recordsPending.dec();
        emit(impression, 1, windowEnd, out);
        counters.recordsJoined.inc(2);
        return;
      }
      counters.recordsPending.dec();
      unattributed(
          ctx,
          new Click(impression.id(), clickTime),
          Kind.OUTSIDE_WINDOW,
          "click at "
              + Instant.ofEpochMilli(clickTime)
              + " is after the window that closed at "
              + Instant.ofEpochMilli(windowEnd));
    }
    waiting.update(impression);
    ctx.timerService().registerEventTimeTimer(windowEnd);
    counters.recordsPending.inc();
  }

  @Override
  public void processElement2(Click click, Context ctx, Collector<LabeledExample> out)
      throws Exception {
    counters.recordsIn.inc();
    Outcome done = outcome.value();
    if (done != null) {
      if (done.label() == 1) {
        counters.recordsDeduplicated.inc();
      } else if (click.eventTime() <= done.windowEnd()) {
        unattributed(
            ctx,
            click,
            Kind.LATE,
            "the impression's window closed at "
                + Instant.ofEpochMilli(done.windowEnd())
                + " (watermark) before this click arrived; it stays labeled 0");
      } else {
        unattributed(ctx, click, Kind.OUTSIDE_WINDOW, outsideWindow(click, done.windowEnd()));
      }
      return;
    }
    Impression impression = waiting.value();
    if (impression != null) {
      long windowEnd = impression.eventTime() + windowMs;
      if (click.eventTime() > windowEnd) {
        unattributed(ctx, click, Kind.OUTSIDE_WINDOW, outsideWindow(click, windowEnd));
        return;
      }
      if (holdPositives) {
        outcome.update(new Outcome(1, windowEnd));
        counters.recordsPending.inc();
        return;
      }
      waiting.clear();
      ctx.timerService().deleteEventTimeTimer(windowEnd);
      counters.recordsPending.dec();
      emit(impression, 1, windowEnd, out);
      counters.recordsJoined.inc(2);
      return;
    }
    Long clickTime = earlyClick.value();
    if (clickTime != null) {
      counters.recordsDeduplicated.inc();
      if (click.eventTime() < clickTime) {
        // Keep the earliest click: it is the one an impression is most likely to claim.
        ctx.timerService().deleteEventTimeTimer(clickTime + windowMs);
        earlyClick.update(click.eventTime());
        ctx.timerService().registerEventTimeTimer(click.eventTime() + windowMs);
      }
      return;
    }
    earlyClick.update(click.eventTime());
    ctx.timerService().registerEventTimeTimer(click.eventTime() + windowMs);
    counters.recordsPending.inc();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<LabeledExample> out)
      throws Exception {
    Impression impression = waiting.value();
    if (impression != null && timestamp >= impression.eventTime() + windowMs) {
      waiting.clear();
      // Only a held positive has an outcome while its impression waits; without holding, no
      // state read is needed for the (far more common) negative.
      int label = holdPositives && outcome.value() != null ? 1 : 0;
      int records = 1 + label;
      counters.recordsPending.dec(records);
      emit(impression, label, impression.eventTime() + windowMs, out);
      counters.recordsJoined.inc(records);
    }
    Long clickTime = earlyClick.value();
    if (clickTime != null && timestamp >= clickTime + windowMs) {
      earlyClick.clear();
      counters.recordsPending.dec();
      unattributed(
          ctx,
          new Click(ctx.getCurrentKey(), clickTime),
          Kind.ORPHAN,
          "no impression with this id arrived within the attribution window of "
              + settings.attributionWindow());
    }
  }

  /** A positive decided now, emitted by the window-end timer. */
  private void hold(Impression impression, long windowEnd, Context ctx) throws Exception {
    outcome.update(new Outcome(1, windowEnd));
    waiting.update(impression);
    ctx.timerService().registerEventTimeTimer(windowEnd);
  }

  private void emit(Impression impression, int label, long windowEnd, Collector<LabeledExample> out)
      throws Exception {
    outcome.update(new Outcome(label, windowEnd));
    out.collect(
        new LabeledExample(
            impression.id(),
            impression.eventTime(),
            impression.features(),
            impression.numericFeatures(),
            label,
            1.0,
            LabelSource.CLICK_JOIN));
    counters.examplesOut.inc();
  }

  private static String outsideWindow(Click click, long windowEnd) {
    return "click at "
        + Instant.ofEpochMilli(click.eventTime())
        + " is after its impression's attribution window, which ends at "
        + Instant.ofEpochMilli(windowEnd);
  }

  private void unattributed(Context ctx, Click click, Kind kind, String reason) {
    counters.recordsDeadLettered.inc();
    switch (kind) {
      case LATE -> counters.lateClicks.inc();
      case OUTSIDE_WINDOW -> counters.clicksOutsideWindow.inc();
      case ORPHAN -> counters.orphanClicks.inc();
    }
    ctx.output(
        UNATTRIBUTED_CLICKS,
        DeadLetter.of(
            EventSerde.CLICK.serialize(click),
            clicksTopic,
            -1,
            -1,
            new UnattributedClickException(kind, kind.name().toLowerCase() + " click: " + reason),
            ctx.timerService().currentProcessingTime()));
  }
}
