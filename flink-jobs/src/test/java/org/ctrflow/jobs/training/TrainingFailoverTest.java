package org.ctrflow.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.Servable;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task fails on purpose mid-stream, after a checkpoint completed; Flink restarts the job from
 * that checkpoint inside the same TaskManager (this JVM, DJL's engine and PyTorch's natives stay
 * loaded) and the trainers come back from their checkpointed state. Asserts that the trainer
 * learned from exactly the input (its example count, restored from the checkpoint and continued
 * from the source's checkpointed offsets, equals the examples in the topic), and that a {@code
 * read_committed} consumer sees each model's versions increasing, without a duplicate or a gap in
 * the chain of deltas.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TrainingFailoverTest {

  @RegisterExtension static final MiniClusterExtension FLINK = TrainingJobHarness.miniCluster();

  @TempDir Path store;

  @Test
  @Timeout(150)
  void aFailedTaskRestoresTheTrainerWithoutLosingOrRepeatingExamples(KafkaTestCluster kafka)
      throws Exception {
    Path frappe = SharedData.dataset("frappe/nfm_split/frappe.test.libfm");
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
      admin.createTopics(Topic.specs(prefix));
    }
    TrainingJobHarness io = new TrainingJobHarness(kafka.bootstrapServers(), prefix);
    long start = System.nanoTime();
    int examples = io.produceFrappe(frappe, List.of());
    System.out.printf(
        "produced %d examples in %.1f s%n", examples, (System.nanoTime() - start) / 1e9);

    TrainingSetup setup =
        TrainingSetup.of(
            TrainingFixtures.FRAPPE,
            List.of(CtrModelConfig.frappe("finalmlp", TrainingFixtures.FRAPPE.totalRows())),
            TrainerConfig.builder().batchSize(256).build(),
            1_000,
            60_000,
            5,
            200,
            store.toString());
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
        java.time.Duration.ofMillis(200));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(300);
    TrainingJob job = io.job(setup);
    job.train(
        job.parsedExamples(env)
            .map(new FailOnceAfterCheckpoint())
            .returns(TypeInformation.of(LabeledExample.class))
            .uid("fail-once")
            .name("fail once after a checkpoint"));
    start = System.nanoTime();
    env.execute("training job with a failover");
    System.out.printf("job ran %.1f s%n", (System.nanoTime() - start) / 1e9);

    assertThat(FailOnceAfterCheckpoint.FAILED).as("the injected failure happened").isTrue();
    assertThat(FailOnceAfterCheckpoint.ATTEMPTS).as("task attempts seen").contains(0, 1);

    TrainingMetrics last = io.lastMetrics().get("finalmlp");
    assertThat(last.examplesTrained()).isEqualTo(examples);

    List<ModelUpdate> updates = io.committedUpdates();
    assertThat(updates).isNotEmpty();
    try (Servable model =
        TrainingJobHarness.follow(updates, "finalmlp", new DirectoryModelStore(store))) {
      assertThat(model.info().version()).isEqualTo(last.modelVersion());
    }
    long distinct =
        updates.stream().map(u -> u.version() + "/" + u.chunkIndex()).distinct().count();
    assertThat(distinct).as("no update committed twice").isEqualTo(updates.size());
    System.out.printf(
        "failover: %d examples trained, %d committed updates, last version %d, uncommitted records"
            + " seen read_uncommitted: %d%n",
        last.examplesTrained(),
        updates.size(),
        last.modelVersion(),
        io.readAll(Topic.MODEL_UPDATES, "read_uncommitted").size());
  }

  /**
   * Passes examples through; in the first attempt, throws once some examples have passed after a
   * completed checkpoint. Static flags, because Flink serializes a copy of the function per task.
   */
  static final class FailOnceAfterCheckpoint extends RichMapFunction<LabeledExample, LabeledExample>
      implements CheckpointListener {

    private static final long serialVersionUID = 1L;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final Set<Integer> ATTEMPTS = ConcurrentHashMap.newKeySet();

    private transient boolean checkpointed;
    private transient int sinceCheckpoint;

    @Override
    public LabeledExample map(LabeledExample example) {
      ATTEMPTS.add(getRuntimeContext().getTaskInfo().getAttemptNumber());
      if (checkpointed && ++sinceCheckpoint == 10_000 && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after a completed checkpoint");
      }
      return example;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      checkpointed = true;
    }
  }
}
