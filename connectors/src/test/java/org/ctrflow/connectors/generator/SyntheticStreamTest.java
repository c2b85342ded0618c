package org.ctrflow.connectors.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.testing.CollectingPublisher;
import org.junit.jupiter.api.Test;

class SyntheticStreamTest {

  /** Deviations beyond this many standard deviations fail; about 1 in 15,000 by chance. */
  private static final double Z = 4;

  private static List<SyntheticEvent> take(GeneratorConfig config, int n) {
    SyntheticStream stream = new SyntheticStream(config);
    List<SyntheticEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(stream.next());
    }
    return events;
  }

  @Test
  void theSameSeedYieldsTheSameEventsAndAnotherSeedOthers() {
    GeneratorConfig config =
        GeneratorConfig.builder().seed(7).drift(DriftScript.parse(DriftScript.DEMO_SPEC)).build();
    List<SyntheticEvent> once = take(config, 5_000);
    assertThat(take(config, 5_000)).isEqualTo(once);
    List<SyntheticEvent> other = take(GeneratorConfig.builder().seed(8).build(), 5_000);
    assertThat(other.stream().map(e -> e.impression().features()).toList())
        .isNotEqualTo(once.stream().map(e -> e.impression().features()).toList());
  }

  @Test
  void eventTimeAdvancesAtTheConfiguredRateAndClicksFollowTheirImpression() {
    GeneratorConfig config = GeneratorConfig.builder().eventsPerSecond(500).build();
    List<SyntheticEvent> events = take(config, 2_000);
    assertThat(events.get(0).impression().eventTime()).isEqualTo(config.startTimeMillis());
    assertThat(events.get(1_000).impression().eventTime())
        .isEqualTo(config.startTimeMillis() + 2_000);
    for (SyntheticEvent e : events) {
      e.click()
          .ifPresent(
              c ->
                  assertThat(c.eventTime() - e.impression().eventTime())
                      .isBetween(1_000L, 30_000L));
    }
  }

  @Test
  void theEmpiricalCtrMatchesTheTeachersMeanProbability() {
    List<SyntheticEvent> events = take(GeneratorConfig.builder().seed(3).build(), 100_000);
    double sumP = 0;
    double variance = 0;
    long clicks = 0;
    for (SyntheticEvent e : events) {
      sumP += e.pTrue();
      variance += e.pTrue() * (1 - e.pTrue());
      clicks += e.click().isPresent() ? 1 : 0;
    }
    // Clicks are independent Bernoulli(p_i): their count has mean sum p_i, variance sum p_i(1-p_i).
    assertThat((double) clicks)
        .isCloseTo(sumP, org.assertj.core.data.Offset.offset(Z * Math.sqrt(variance)));
    assertThat(sumP / events.size()).isBetween(0.05, 0.3);
  }

  @Test
  void aFlipSegmentDriftMovesThatSegmentsCtr() {
    int at = 60_000;
    GeneratorConfig config =
        GeneratorConfig.builder()
            .seed(11)
            .drift(DriftScript.parse(at + ":flip-segment:category=0"))
            .build();
    List<SyntheticEvent> events = take(config, 2 * at);
    Segment before = Segment.of(events.subList(0, at), "category", "0");
    Segment after = Segment.of(events.subList(at, 2 * at), "category", "0");

    assertThat(events.get(at - 1).phase()).isZero();
    assertThat(events.get(at).phase()).isEqualTo(1);
    // The flip moves the segment's weight by at least 1.5 logits: its true CTR moves a lot ...
    assertThat(Math.abs(after.meanP() - before.meanP())).isGreaterThan(0.05);
    // ... and the observed CTR follows, beyond sampling noise, in the same direction.
    double diff = after.ctr() - before.ctr();
    double std = Math.sqrt(before.variance() + after.variance());
    assertThat(Math.abs(diff)).isGreaterThan(Z * std);
    assertThat(Math.signum(diff)).isEqualTo(Math.signum(after.meanP() - before.meanP()));
  }

  @Test
  void newItemsAppearOnlyAfterTheirDriftPoint() {
    int at = 20_000;
    GeneratorConfig config =
        GeneratorConfig.builder().drift(DriftScript.parse(at + ":new-items:200")).build();
    List<SyntheticEvent> events = take(config, 2 * at);
    Set<Integer> before = items(events.subList(0, at));
    Set<Integer> after = items(events.subList(at, 2 * at));
    assertThat(before).allMatch(item -> item < 2_000);
    Set<Integer> fresh = after.stream().filter(item -> item >= 2_000).collect(Collectors.toSet());
    // New items take the top popularity ranks: many of the 200 show up at once.
    assertThat(fresh).hasSizeGreaterThan(100).allMatch(item -> item < 2_200);
  }

  @Test
  void aBaseRateDriftShiftsTheOverallCtr() {
    GeneratorConfig config =
        GeneratorConfig.builder().drift(DriftScript.parse("30000:base-rate:0.01")).build();
    List<SyntheticEvent> events = take(config, 60_000);
    double before =
        events.subList(0, 30_000).stream()
            .mapToDouble(SyntheticEvent::pTrue)
            .average()
            .orElseThrow();
    double after =
        events.subList(30_000, 60_000).stream()
            .mapToDouble(SyntheticEvent::pTrue)
            .average()
            .orElseThrow();
    assertThat(after).isLessThan(before / 3);
  }

  @Test
  void theTruthFileHasOneRowPerImpressionMatchingTheEvents() throws Exception {
    GeneratorConfig config =
        GeneratorConfig.builder().drift(DriftScript.parse("500:base-rate:0.3")).build();
    CollectingPublisher publisher = new CollectingPublisher();
    StringWriter truth = new StringWriter();
    GeneratorStats stats =
        new StreamGenerator(1_000, 0, Duration.ofSeconds(1))
            .run(new SyntheticStream(config), publisher, truth, p -> {});
    List<SyntheticEvent> expected = take(config, 1_000);

    String[] lines = truth.toString().split("\n");
    assertThat(lines[0]).isEqualTo(StreamGenerator.TRUTH_HEADER);
    assertThat(lines).hasSize(1_001);
    for (int i = 0; i < 1_000; i++) {
      String[] cols = lines[i + 1].split(",");
      SyntheticEvent e = expected.get(i);
      assertThat(cols[0])
          .isEqualTo(e.impression().id())
          .isEqualTo(publisher.impressions.get(i).id());
      assertThat(Long.parseLong(cols[1])).isEqualTo(i);
      assertThat(Double.parseDouble(cols[2]))
          .isCloseTo(e.pTrue(), org.assertj.core.data.Offset.offset(1e-6));
      assertThat(Integer.parseInt(cols[3])).isEqualTo(i < 500 ? 0 : 1);
    }
    assertThat(publisher.impressions).extracting(Impression::id).doesNotHaveDuplicates();
    assertThat(stats.impressions()).isEqualTo(1_000);
    assertThat(stats.clicks()).isEqualTo(publisher.clicks.size());
    assertThat(stats.phases()).extracting(PhaseStats::impressions).containsExactly(500L, 500L);
    assertThat(publisher.flushes).isEqualTo(1);
  }

  private static Set<Integer> items(List<SyntheticEvent> events) {
    return events.stream()
        .map(e -> Integer.parseInt(e.impression().features().get("item")))
        .collect(Collectors.toSet());
  }

  /** A segment's clicks and truth over a span of events. */
  private record Segment(long n, long clicks, double sumP) {
    static Segment of(List<SyntheticEvent> events, String field, String value) {
      List<SyntheticEvent> in =
          events.stream().filter(e -> value.equals(e.impression().features().get(field))).toList();
      return new Segment(
          in.size(),
          in.stream().filter(e -> e.click().isPresent()).count(),
          in.stream().mapToDouble(SyntheticEvent::pTrue).sum());
    }

    double ctr() {
      return (double) clicks / n;
    }

    double meanP() {
      return sumP / n;
    }

    /** The variance of the segment's observed CTR, from the binomial with the true mean. */
    double variance() {
      return meanP() * (1 - meanP()) / n;
    }
  }
}
