package org.ctrflow.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.snapshot.DeltaChunks;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelDelta;
import org.ctrflow.models.snapshot.ModelInfo;
import org.ctrflow.models.snapshot.ModelSnapshot;
import org.ctrflow.models.snapshot.Servable;
import org.ctrflow.models.snapshot.SnapshotAnnouncements;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;

/**
 * The training job's side of model refresh, for tests: a real {@link OnlineTrainer} on the Frappe
 * schema that takes a step on random rows per version and publishes it as a snapshot (stored, then
 * announced) or as a delta (chunks on the topic), optionally corrupted.
 */
final class TrainerSide implements AutoCloseable {

  static final String MODEL = "finalmlp";
  static final FeatureSchema SCHEMA = FeatureSchemas.frappe();

  private final String model;
  private final OnlineTrainer trainer;
  private final DirectoryModelStore store;
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final Random random = new Random(5);
  private long version;
  private long lastSentNanos;

  /** A FinalMLP trainer; see {@link #TrainerSide(String, Path, String, String)}. */
  TrainerSide(Path store, String bootstrap, String topicPrefix) {
    this(MODEL, store, bootstrap, topicPrefix);
  }

  /**
   * @param model the architecture and model name, e.g. finalmlp or dnn
   * @param bootstrap Kafka, or null to only write the store
   */
  TrainerSide(String model, Path store, String bootstrap, String topicPrefix) {
    this.model = model;
    trainer =
        new OnlineTrainer(
            CtrModelConfig.frappe(model, SCHEMA.totalRows()), TrainerConfig.builder().build());
    this.store = new DirectoryModelStore(store);
    topic = Topic.MODEL_UPDATES.name(topicPrefix);
    if (bootstrap == null) {
      producer = null;
    } else {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * Topic.MAX_MESSAGE_BYTES);
      props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      producer = new KafkaProducer<>(props);
    }
  }

  long version() {
    return version;
  }

  /**
   * {@link System#nanoTime()} when the last publication started sending, after the training step
   * and the serialization: the start of its refresh lag.
   */
  long lastSentNanos() {
    return lastSentNanos;
  }

  /** The trainer's weights as they are now (the last published version), scoring locally. */
  Servable current() throws IOException {
    return Servable.load(
        ModelSnapshot.write(new ModelInfo(model, version, 0L), SCHEMA, trainer.block()));
  }

  /** Trains a step, then stores the weights as the next version; returns its announcement. */
  ModelUpdate storeSnapshot() throws IOException {
    step();
    ModelInfo info = new ModelInfo(model, ++version, System.currentTimeMillis());
    trainer.clearTouched();
    return SnapshotAnnouncements.publish(
        store,
        info,
        ModelSnapshot.write(info, SCHEMA, trainer.block()),
        System.currentTimeMillis());
  }

  /** {@link #storeSnapshot()} and announce it on the topic; returns the announcement. */
  ModelUpdate announceSnapshot() throws Exception {
    ModelUpdate announcement = storeSnapshot();
    send(List.of(announcement));
    return announcement;
  }

  /** {@link #announceSnapshot()}; returns the version. */
  long publishSnapshot() throws Exception {
    announceSnapshot();
    return version;
  }

  /** Trains a step and publishes the delta from the previous version; corrupt flips a byte. */
  long publishDelta(boolean corrupt) throws Exception {
    step();
    long base = version;
    ModelInfo info = new ModelInfo(model, ++version, System.currentTimeMillis());
    ModelDelta delta =
        ModelDelta.capture(info, base, trainer.block(), trainer.touchedRowsSinceClear());
    trainer.clearTouched();
    List<ModelUpdate> chunks =
        new ArrayList<>(DeltaChunks.split(delta, System.currentTimeMillis()));
    if (corrupt) {
      ModelUpdate c = chunks.get(0);
      byte[] payload = c.payload();
      payload[payload.length - 40] ^= 0x08;
      chunks.set(0, c.toBuilder().optPayload(payload).build());
    }
    send(chunks);
    return version;
  }

  /** Sends updates to the topic as they are (the hostile tests send malformed ones). */
  void send(List<ModelUpdate> updates) throws Exception {
    lastSentNanos = System.nanoTime();
    for (ModelUpdate u : updates) {
      producer.send(new ProducerRecord<>(topic, u.key(), EventSerde.MODEL_UPDATE.serialize(u)));
    }
    producer.flush();
  }

  private void step() {
    int batch = 64;
    long[] rows = new long[batch * SCHEMA.fieldCount()];
    for (int i = 0; i < rows.length; i++) {
      int f = i % SCHEMA.fieldCount();
      rows[i] = SCHEMA.offset(f) + random.nextInt(SCHEMA.rows(f));
    }
    float[] labels = new float[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = random.nextInt(4) == 0 ? 1 : 0;
    }
    trainer.train(rows, batch, labels, null);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close();
    }
    trainer.close();
  }
}
