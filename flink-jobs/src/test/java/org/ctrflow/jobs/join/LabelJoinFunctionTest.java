package org.ctrflow.jobs.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The join's state, timers, late and duplicate events, on Flink's operator harness with the RocksDB
 * state backend the job runs with. Window 10 s; watermarks are set by hand.
 */
@Timeout(60)
class LabelJoinFunctionTest {

  private static final long WINDOW = 10_000;
  private static final LabelJoinOptions.Settings SETTINGS =
      LabelJoinOptions.Settings.of(Duration.ofMillis(WINDOW), Duration.ofSeconds(1))
          .withStateTtl(Duration.ofMinutes(10))
          .withTopicPrefix("test");

  private KeyedTwoInputStreamOperatorTestHarness<String, Impression, Click, LabeledExample> harness;

  @BeforeEach
  void open() throws Exception {
    harness = newHarness(SETTINGS);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static KeyedTwoInputStreamOperatorTestHarness<String, Impression, Click, LabeledExample>
      newHarness(LabelJoinOptions.Settings settings) throws Exception {
    // Built by hand, not by ProcessFunctionTestHarnesses: that one opens the harness at once,
    // before a state backend or a snapshot to restore can be given.
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new LabelJoinFunction(settings)),
            (KeySelector<Impression, String>) Impression::id,
            (KeySelector<Click, String>) Click::impressionId,
            Types.STRING);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  @Test
  void aClickWithinTheWindowLabelsOneAtOnceAndTheTimerAddsNothing() throws Exception {
    impression("a", 1_000);
    click("a", 1_000 + WINDOW); // the window's last millisecond still counts

    assertThat(examples()).containsExactly(example("a", 1_000, 1));
    watermark(60_000);
    assertThat(examples()).hasSize(1);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void noClickLabelsZeroExactlyWhenTheWatermarkPassesTheWindowEnd() throws Exception {
    impression("a", 1_000);
    watermark(1_000 + WINDOW - 1);
    assertThat(examples()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    watermark(1_000 + WINDOW);
    assertThat(examples()).containsExactly(example("a", 1_000, 0));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aLateClickGoesToTheDeadLettersAndTheZeroStands() throws Exception {
    impression("a", 1_000);
    watermark(20_000);
    click("a", 5_000); // within the window by event time, but the window has closed

    assertThat(examples()).containsExactly(example("a", 1_000, 0));
    DeadLetter late = single(deadLetters());
    assertThat(late.errorClass()).isEqualTo(UnattributedClickException.class.getName());
    assertThat(late.errorMessage()).startsWith("late click:").contains("stays labeled 0");
    assertThat(late.topic()).isEqualTo("test.clicks");
    assertThat(EventSerde.CLICK.deserialize(late.original())).isEqualTo(new Click("a", 5_000));
  }

  @Test
  void aClickAfterTheWindowLabelsNothingAndTheImpressionGetsZero() throws Exception {
    impression("a", 1_000);
    click("a", 1_000 + WINDOW + 1);
    watermark(30_000);

    assertThat(examples()).containsExactly(example("a", 1_000, 0));
    assertThat(single(deadLetters()).errorMessage()).startsWith("outside_window click:");
  }

  @Test
  void duplicateImpressionsAndClicksYieldOneExample() throws Exception {
    impression("a", 1_000);
    impression("a", 1_000);
    click("a", 2_000);
    click("a", 2_000);
    impression("a", 1_000);
    click("a", 3_000);
    watermark(60_000);

    assertThat(examples()).containsExactly(example("a", 1_000, 1));
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void aClickBeforeItsImpressionWaitsAndJoins() throws Exception {
    click("a", 2_000);
    click("a", 1_500); // a repeat; the earlier one is kept
    watermark(1_900);
    impression("a", 1_000);

    assertThat(examples()).containsExactly(example("a", 1_000, 1));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aClickWithoutImpressionBecomesAnOrphanWhenItsWindowCloses() throws Exception {
    click("b", 2_000);
    watermark(2_000 + WINDOW - 1);
    assertThat(deadLetters()).isEmpty();

    watermark(2_000 + WINDOW);
    assertThat(single(deadLetters()).errorMessage()).startsWith("orphan click:");
    assertThat(examples()).isEmpty();
  }

  @Test
  void pendingImpressionsSurviveACheckpointAndRestore() throws Exception {
    impression("a", 1_000);
    impression("b", 1_000);
    click("c", 1_500);
    restart(SETTINGS);
    click("a", 4_000);
    impression("c", 1_200);
    watermark(60_000);

    assertThat(examples())
        .containsExactlyInAnyOrder(
            example("a", 1_000, 1), example("c", 1_200, 1), example("b", 1_000, 0));
  }

  @Test
  void keysAreForgottenAfterTheStateTtlSoTheDedupHorizonIsTheTtl() throws Exception {
    harness.setStateTtlProcessingTime(0);
    impression("a", 1_000);
    watermark(20_000);
    assertThat(examples()).hasSize(1);

    harness.setStateTtlProcessingTime(Duration.ofMinutes(10).toMillis() + 1);
    impression("a", 1_000); // expired outcome: seen as new
    watermark(40_000);
    assertThat(examples()).hasSize(2);
  }

  @Test
  void heldPositivesLeaveAtTheirWindowEndInEventTimeOrder() throws Exception {
    reopen(SETTINGS.withHoldPositives(true));
    impression("a", 1_000);
    impression("b", 2_000);
    click("b", 2_500);
    click("c", 3_500); // before its impression
    impression("c", 3_000);
    click("b", 2_600); // a repeat of a held positive's click
    assertThat(examples()).isEmpty();

    watermark(2_000 + WINDOW - 1);
    assertThat(examples()).containsExactly(example("a", 1_000, 0));
    watermark(60_000);
    assertThat(examples())
        .containsExactly(example("a", 1_000, 0), example("b", 2_000, 1), example("c", 3_000, 1));
    assertThat(deadLetters()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isZero();

    click("a", 1_500); // late: a's zero stands
    impression("b", 2_000); // a repeat of a labeled impression
    assertThat(examples()).hasSize(3);
    assertThat(single(deadLetters()).errorMessage()).startsWith("late click:");
  }

  @Test
  void aHeldPositiveSurvivesACheckpointAndRestore() throws Exception {
    LabelJoinOptions.Settings hold = SETTINGS.withHoldPositives(true);
    reopen(hold);
    impression("a", 1_000);
    click("a", 1_500);
    restart(hold);
    click("a", 1_600);
    assertThat(examples()).isEmpty();
    watermark(1_000 + WINDOW);
    assertThat(examples()).containsExactly(example("a", 1_000, 1));
  }

  /** Takes a checkpoint, closes the operator, and restores a new one from the checkpoint. */
  private void restart(LabelJoinOptions.Settings settings) throws Exception {
    OperatorSubtaskState snapshot = harness.snapshot(1, 1);
    harness.close();
    harness = newHarness(settings);
    harness.initializeState(snapshot);
    harness.open();
  }

  private void reopen(LabelJoinOptions.Settings settings) throws Exception {
    harness.close();
    harness = newHarness(settings);
    harness.open();
  }

  private void impression(String id, long time) throws Exception {
    harness.processElement1(
        new StreamRecord<>(new Impression(id, time, Map.of("user", "u-" + id), Map.of()), time));
  }

  private void click(String id, long time) throws Exception {
    harness.processElement2(new StreamRecord<>(new Click(id, time), time));
  }

  private void watermark(long time) throws Exception {
    harness.processBothWatermarks(new Watermark(time));
  }

  private List<LabeledExample> examples() {
    return harness.extractOutputValues();
  }

  private List<DeadLetter> deadLetters() {
    var side = harness.getSideOutput(LabelJoinFunction.UNATTRIBUTED_CLICKS);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private static DeadLetter single(List<DeadLetter> letters) {
    assertThat(letters).hasSize(1);
    return letters.get(0);
  }

  private static LabeledExample example(String id, long time, int label) {
    return new LabeledExample(
        id, time, Map.of("user", "u-" + id), Map.of(), label, 1.0, LabelSource.CLICK_JOIN);
  }
}
