package org.ctrflow.jobs.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.EventSerde;

/**
 * Parses raw Kafka records into events of one type. A record that breaks the contract goes to the
 * {@link #DEAD_LETTERS} side output with its bytes, coordinates and the reason; nothing is dropped
 * and the job never fails on bad input. Counters {@code eventsIn}, {@code eventsParsed} and {@code
 * eventsDeadLettered} always satisfy in = parsed + dead-lettered.
 */
public class EventParser<T extends Event> extends ProcessFunction<RawRecord, T>
    implements ResultTypeQueryable<T> {

  private static final long serialVersionUID = 1L;

  /** Where records that fail to parse or validate go. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>(
          "dead-letters",
          org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));

  private final Class<T> type;
  private transient EventSerde<T> serde;
  private transient Counter in;
  private transient Counter parsed;
  private transient Counter deadLettered;

  public EventParser(Class<T> type) {
    this.type = type;
  }

  /** Events are records: Flink serializes them field by field, no Kryo fallback. */
  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext context) {
    serde = EventSerde.of(type);
    var metrics = getRuntimeContext().getMetricGroup();
    in = metrics.counter("eventsIn");
    parsed = metrics.counter("eventsParsed");
    deadLettered = metrics.counter("eventsDeadLettered");
  }

  @Override
  public void processElement(RawRecord record, Context ctx, Collector<T> out) {
    in.inc();
    T event;
    try {
      event = serde.deserialize(record.value());
    } catch (RuntimeException e) {
      deadLettered.inc();
      ctx.output(
          DEAD_LETTERS,
          DeadLetter.of(
              record.value(),
              record.topic(),
              record.partition(),
              record.offset(),
              e,
              ctx.timerService().currentProcessingTime()));
      return;
    }
    parsed.inc();
    out.collect(event);
  }
}
