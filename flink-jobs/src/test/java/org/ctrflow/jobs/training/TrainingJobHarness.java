package org.ctrflow.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.models.snapshot.DeltaChunks;
import org.ctrflow.models.snapshot.ModelStore;
import org.ctrflow.models.snapshot.Servable;

/** Kafka in and out of the training job for the MiniCluster tests. */
final class TrainingJobHarness {

  private final String bootstrap;
  private final String prefix;

  TrainingJobHarness(String bootstrap, String prefix) {
    this.bootstrap = bootstrap;
    this.prefix = prefix;
  }

  /** The job against this broker, reading the examples present when it starts. */
  TrainingJob job(TrainingSetup setup) {
    return TrainingJob.onKafka(
        bootstrap,
        prefix,
        KafkaEvents.rawSource(
                bootstrap,
                List.of(Topic.LABELED_EXAMPLES.name(prefix)),
                prefix + "-training",
                OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .build(),
        setup);
  }

  /** One TaskManager with two slots: both trainer subtasks share this JVM, as in a failover. */
  static MiniClusterExtension miniCluster() {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());
  }

  /** Frappe's rows as labeled examples (ids from line numbers), then {@code malformed} records. */
  int produceFrappe(Path libFm, List<byte[]> malformed) throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    String topic = Topic.LABELED_EXAMPLES.name(prefix);
    int count = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props);
        LibFmReader reader = new LibFmReader(libFm, LibFmReader.FRAPPE_FIELDS)) {
      while (reader.hasNext()) {
        DatasetRow row = reader.next();
        LabeledExample example =
            new LabeledExample(
                "frappe-" + row.lineNumber(),
                1_000L * row.lineNumber(),
                row.categorical(),
                row.numeric(),
                row.label(),
                1.0,
                LabelSource.REPLAY);
        producer.send(
            new ProducerRecord<>(
                topic,
                example.key().getBytes(StandardCharsets.UTF_8),
                EventSerde.LABELED_EXAMPLE.serialize(example)));
        count++;
      }
      for (byte[] bad : malformed) {
        producer.send(new ProducerRecord<>(topic, bad));
      }
      producer.flush();
    }
    return count;
  }

  /** Everything on a topic, read until it has been quiet for two seconds. */
  List<byte[]> readAll(Topic topic, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + isolation + "-" + topic.name(prefix));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    List<byte[]> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.name(prefix)));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < deadline
          && System.nanoTime() - quietSince < Duration.ofSeconds(2).toNanos()) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          records.forEach(r -> values.add(r.value()));
          quietSince = System.nanoTime();
        }
      }
    }
    return values;
  }

  List<ModelUpdate> committedUpdates() {
    return readAll(Topic.MODEL_UPDATES, "read_committed").stream()
        .map(EventSerde.MODEL_UPDATE::deserialize)
        .toList();
  }

  /** The last report per model (the topic has one partition, so Kafka order is emission order). */
  Map<String, TrainingMetrics> lastMetrics() {
    Map<String, TrainingMetrics> last = new HashMap<>();
    readAll(Topic.METRICS, "read_committed").stream()
        .map(EventSerde.TRAINING_METRICS::deserialize)
        .forEach(m -> last.put(m.modelName(), m));
    return last;
  }

  /**
   * Follows one model's updates as a server would: loads each snapshot, applies each delta once all
   * its chunks are in. Asserts the stream is gap-free and in order: versions strictly increase and
   * every delta applies to the version just before it.
   *
   * @return the model at its last version
   */
  static Servable follow(List<ModelUpdate> updates, String model, ModelStore store)
      throws Exception {
    Servable current = null;
    List<ModelUpdate> chunks = new ArrayList<>();
    long lastVersion = 0;
    for (ModelUpdate u : updates) {
      if (!u.modelName().equals(model)) {
        continue;
      }
      if (u.kind() == ModelUpdate.Kind.SNAPSHOT) {
        assertThat(u.version())
            .as("snapshot version after %d", lastVersion)
            .isGreaterThan(lastVersion);
        if (current != null) {
          current.close();
        }
        current = Servable.load(store.get(URI.create(u.location())));
        assertThat(current.info().version()).isEqualTo(u.version());
        lastVersion = u.version();
        continue;
      }
      chunks.add(u);
      if (chunks.size() < u.chunkCount()) {
        continue;
      }
      assertThat(current).as("a delta before any snapshot: %s", u).isNotNull();
      assertThat(u.baseVersion()).as("base of %s", u).isEqualTo(lastVersion);
      Servable next = current.applyDelta(DeltaChunks.assemble(chunks));
      current.close();
      current = next;
      lastVersion = u.version();
      chunks.clear();
    }
    assertThat(chunks).as("incomplete delta at the end").isEmpty();
    return current;
  }
}
