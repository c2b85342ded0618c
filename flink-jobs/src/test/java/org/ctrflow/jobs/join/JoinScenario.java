package org.ctrflow.jobs.join;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.testing.TopicRecords.Entry;
import org.ctrflow.connectors.topics.Topic;

/**
 * Input for the job tests with outcomes that do not depend on how Flink interleaves the topics:
 * every partition is written in event-time order, so a click inside its window always reaches the
 * join before the watermark that would close the window. Impression {@code i} happens at {@code i *
 * 100 ms}; the attribution window is 10 s.
 *
 * <ul>
 *   <li>{@code i % 4 == 0}: clicked 2 s later, label 1 ({@code i % 40 == 0}: clicked twice);
 *   <li>{@code i % 10 == 3}: clicked 20 s later, outside the window: label 0 and a dead letter;
 *   <li>the rest: label 0; {@code i % 50 == 7} is shown twice;
 *   <li>20 clicks for impressions that never come (orphans, dead letters);
 *   <li>30 human labels, 5 of them published twice; 2 malformed records per topic.
 * </ul>
 */
final class JoinScenario {

  static final long WINDOW_MS = 10_000;
  static final int IMPRESSIONS = 1_200;
  static final int HUMAN_LABELS = 30;
  static final int EXAMPLES = IMPRESSIONS + HUMAN_LABELS;
  static final int POSITIVES = IMPRESSIONS / 4;
  static final int OUTSIDE_WINDOW = IMPRESSIONS / 10;
  static final int ORPHANS = 20;
  static final int MALFORMED_PER_TOPIC = 2;
  static final int DEAD_LETTERS = OUTSIDE_WINDOW + ORPHANS + 3 * MALFORMED_PER_TOPIC;
  static final int DUPLICATE_IMPRESSIONS = IMPRESSIONS / 50;
  static final int DUPLICATE_CLICKS = IMPRESSIONS / 40;
  static final int CLICKS = POSITIVES + DUPLICATE_CLICKS + OUTSIDE_WINDOW + ORPHANS;

  private JoinScenario() {}

  static Impression impression(int i) {
    return new Impression(
        "imp-" + i, i * 100L, Map.of("user", "u" + (i % 17), "item", "i" + (i % 5)), Map.of());
  }

  static List<Entry> impressions() {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < IMPRESSIONS; i++) {
      Impression impression = impression(i);
      Entry entry = Entry.of(impression.key(), EventSerde.IMPRESSION.serialize(impression));
      out.add(entry);
      if (i % 50 == 7) {
        out.add(entry);
      }
      if (i == 100 || i == 900) {
        out.add(
            Entry.of("bad", bytes("{\"id\":\"x\",\"eventTime\":-1,\"features\":{\"u\":\"1\"}}")));
      }
    }
    return out;
  }

  static List<Entry> clicks() {
    List<Click> clicks = new ArrayList<>();
    for (int i = 0; i < IMPRESSIONS; i++) {
      long shown = i * 100L;
      if (i % 4 == 0) {
        clicks.add(new Click("imp-" + i, shown + 2_000));
        if (i % 40 == 0) {
          clicks.add(new Click("imp-" + i, shown + 2_050));
        }
      }
      if (i % 10 == 3) {
        clicks.add(new Click("imp-" + i, shown + 2 * WINDOW_MS));
      }
    }
    for (int k = 0; k < ORPHANS; k++) {
      clicks.add(new Click("ghost-" + k, k * 5_000L));
    }
    clicks.sort(Comparator.comparingLong(Click::eventTime));
    List<Entry> out = new ArrayList<>();
    for (Click c : clicks) {
      out.add(Entry.of(c.key(), EventSerde.CLICK.serialize(c)));
    }
    out.add(Entry.of("bad", bytes("{\"impressionId\":\"\",\"eventTime\":5}")));
    out.add(Entry.of("bad", bytes("{\"impressionId\":\"imp-1\"}")));
    return out;
  }

  static List<Entry> humanLabels() {
    List<Entry> out = new ArrayList<>();
    for (int k = 0; k < HUMAN_LABELS; k++) {
      HumanLabel label =
          new HumanLabel(
              "imp-" + k * 7,
              k * 700L,
              200_000,
              Map.of("user", "u" + k),
              Map.of(),
              k % 2,
              2.0 + k,
              "alice");
      Entry entry = Entry.of(label.key(), EventSerde.HUMAN_LABEL.serialize(label));
      out.add(entry);
      if (k % 6 == 0) {
        out.add(entry);
      }
    }
    out.add(Entry.of("bad", bytes("{\"sampleId\":\"s\",\"label\":2}")));
    out.add(Entry.of("bad", bytes("\u0000\u0001")));
    return out;
  }

  /** The expected example ids, {@code <id>/<source>/<label>}. */
  static Set<String> expectedExamples() {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < IMPRESSIONS; i++) {
      out.add("imp-" + i + "/CLICK_JOIN/" + (i % 4 == 0 ? 1 : 0));
    }
    for (int k = 0; k < HUMAN_LABELS; k++) {
      out.add("imp-" + k * 7 + "/HUMAN/" + k % 2);
    }
    return out;
  }

  static Map<Topic, List<Entry>> all() {
    return Map.of(
        Topic.IMPRESSIONS,
        impressions(),
        Topic.CLICKS,
        clicks(),
        Topic.HUMAN_LABELS,
        humanLabels());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
