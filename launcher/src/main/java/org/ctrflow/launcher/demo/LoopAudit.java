package org.ctrflow.launcher.demo;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.topics.Topic;

/**
 * What the loop acknowledged, and whether the topics hold all of it, once and only once: the check
 * of a run with faults. It records the impressions and score requests the broker acknowledged to
 * the demo's producers and the labels the queue acknowledged to the labeler, then reads what the
 * jobs and the queue committed ({@code read_committed}, as every consumer of the loop reads).
 * Recording is off unless the run checks: the sets grow with the stream.
 */
final class LoopAudit {

  /**
   * How far behind the newest impression an impression must be for the join to have emitted its
   * example: its attribution window and out-of-orderness (14 s in the demo), with room to spare.
   */
  static final long JOIN_HORIZON_MS = 30_000;

  /**
   * The counts of one check.
   *
   * @param impressionsAcknowledged impressions the broker acknowledged to the feeder
   * @param impressionsMissing of those, not in the impressions topic
   * @param impressionsDuplicated impression ids in the topic more than once
   * @param examples click-join examples in labeled-examples (one per impression id)
   * @param examplesDuplicated ids with more than one click-join example
   * @param impressionsPastHorizon acknowledged impressions old enough to have their example
   * @param examplesMissing of those, without an example
   * @param examplesTrained examples the served model learned from (its last training report)
   * @param examplesInTopic every example in labeled-examples, human ones included
   * @param labelsAcknowledged labels the queue acknowledged to the labeler
   * @param labelsPublished distinct sample ids in human-labels
   * @param labelsMissing acknowledged labels not in human-labels
   * @param labelsDuplicated sample ids in human-labels more than once
   * @param humanExamples human examples in labeled-examples
   * @param humanExamplesMissing published labels without their human example
   * @param scoreRequestsAcknowledged score requests the broker acknowledged
   * @param predictions distinct request ids in predictions
   * @param predictionsMissing acknowledged requests without a prediction
   * @param predictionsDuplicated request ids with more than one prediction
   * @param servedOverHttp requests the model server answered 200 over HTTP
   */
  record Counts(
      long impressionsAcknowledged,
      long impressionsMissing,
      long impressionsDuplicated,
      long examples,
      long examplesDuplicated,
      long impressionsPastHorizon,
      long examplesMissing,
      long examplesTrained,
      long examplesInTopic,
      long labelsAcknowledged,
      long labelsPublished,
      long labelsMissing,
      long labelsDuplicated,
      long humanExamples,
      long humanExamplesMissing,
      long scoreRequestsAcknowledged,
      long predictions,
      long predictionsMissing,
      long predictionsDuplicated,
      long servedOverHttp) {

    /** Nothing acknowledged lost, nothing doubled, and every example trained on. */
    boolean addsUp() {
      return impressionsMissing == 0
          && impressionsDuplicated == 0
          && examplesDuplicated == 0
          && examplesMissing == 0
          && labelsMissing == 0
          && labelsDuplicated == 0
          && humanExamplesMissing == 0
          && predictionsMissing == 0
          && predictionsDuplicated == 0
          && examplesTrained == examplesInTopic;
    }
  }

  private final boolean recording;
  private final Set<String> impressions = ConcurrentHashMap.newKeySet();
  private final Set<String> scoreRequests = ConcurrentHashMap.newKeySet();
  private final Set<String> labels = ConcurrentHashMap.newKeySet();

  LoopAudit(boolean recording) {
    this.recording = recording;
  }

  void impressionAcknowledged(String id) {
    if (recording) {
      impressions.add(id);
    }
  }

  void scoreRequestAcknowledged(String id) {
    if (recording) {
      scoreRequests.add(id);
    }
  }

  void labelAcknowledged(String sampleId) {
    if (recording) {
      labels.add(sampleId);
    }
  }

  long impressionsAcknowledged() {
    return impressions.size();
  }

  long labelsAcknowledged() {
    return labels.size();
  }

  long scoreRequestsAcknowledged() {
    return scoreRequests.size();
  }

  /**
   * Reads the topics and counts.
   *
   * @param examplesTrained what the served model's last training report says it learned from
   * @param servedOverHttp what the model server answered over HTTP
   */
  Counts check(String bootstrap, String prefix, long examplesTrained, long servedOverHttp) {
    Map<String, Long> impressionTimes = new HashMap<>();
    Map<String, Integer> impressionCounts = new HashMap<>();
    readAll(
        bootstrap,
        Topic.IMPRESSIONS.name(prefix),
        (key, value) -> {
          impressionCounts.merge(key, 1, Integer::sum);
          impressionTimes.put(key, EventSerde.IMPRESSION.deserialize(value).eventTime());
        });
    Map<String, Integer> examples = new HashMap<>();
    Map<String, Integer> human = new HashMap<>();
    long[] inTopic = new long[1];
    readAll(
        bootstrap,
        Topic.LABELED_EXAMPLES.name(prefix),
        (key, value) -> {
          LabeledExample e = EventSerde.LABELED_EXAMPLE.deserialize(value);
          inTopic[0]++;
          (e.source() == LabelSource.HUMAN ? human : examples).merge(e.id(), 1, Integer::sum);
        });
    Map<String, Integer> published = counts(bootstrap, Topic.HUMAN_LABELS.name(prefix));
    Map<String, Integer> predictions = counts(bootstrap, Topic.PREDICTIONS.name(prefix));

    long newest = impressionTimes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    List<String> pastHorizon =
        impressions.stream()
            .filter(id -> impressionTimes.getOrDefault(id, newest) < newest - JOIN_HORIZON_MS)
            .toList();
    return new Counts(
        impressions.size(),
        missing(impressions, impressionCounts),
        duplicated(impressionCounts),
        examples.size(),
        duplicated(examples),
        pastHorizon.size(),
        missing(pastHorizon, examples),
        examplesTrained,
        inTopic[0],
        labels.size(),
        published.size(),
        missing(labels, published),
        duplicated(published),
        human.size(),
        missing(published.keySet(), human),
        scoreRequests.size(),
        predictions.size(),
        missing(scoreRequests, predictions),
        duplicated(predictions),
        servedOverHttp);
  }

  private static long missing(java.util.Collection<String> expected, Map<String, ?> found) {
    return expected.stream().filter(id -> !found.containsKey(id)).count();
  }

  private static long duplicated(Map<String, Integer> counts) {
    return counts.values().stream().filter(n -> n > 1).count();
  }

  /** How often each record key occurs in {@code topic}. */
  private static Map<String, Integer> counts(String bootstrap, String topic) {
    Map<String, Integer> counts = new HashMap<>();
    readAll(bootstrap, topic, (key, value) -> counts.merge(key, 1, Integer::sum));
    return counts;
  }

  /** Every committed record of {@code topic}, from its beginning to its end now. */
  private static void readAll(String bootstrap, String topic, BiConsumer<String, byte[]> each) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ctrflow-demo-audit");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed, the end offsets are the last stable offsets.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            each.accept(r.key(), r.value());
          }
        }
      }
    }
  }
}
