package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.jobs.join.LabelJoinOptions;
import org.ctrflow.jobs.scoring.ScoringConfig;
import org.ctrflow.jobs.scoring.ScoringOptions;
import org.ctrflow.jobs.submit.JobArguments;
import org.ctrflow.jobs.training.TrainingJobOptions;
import org.ctrflow.jobs.training.TrainingSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The arguments the demo gives the three jobs are what the jobs' own parsers accept. */
@Timeout(60)
class DemoJobsTest {

  @TempDir Path dir;

  private DemoSettings settings() {
    return new DemoSettings(
        dir,
        Duration.ofSeconds(90),
        false,
        "synthetic",
        null,
        List.of("finalmlp", "dnn"),
        300,
        DemoCommand.DEMO_DRIFT,
        42,
        true,
        Duration.ofSeconds(1),
        0,
        "ctrflow",
        null,
        false,
        Duration.ofSeconds(75),
        null);
  }

  @Test
  void everyJobAcceptsTheDemosArgumentsAndFiles() throws Exception {
    DemoSettings s = settings();
    GeneratorConfig generator = DemoFeeds.generator(s);
    DemoModels.JobFiles files =
        DemoModels.write(dir.resolve("config"), DemoModels.syntheticSchema(generator), "finalmlp");
    List<DemoJobs.Job> jobs = DemoJobs.all(s, "127.0.0.1:9092", dir.resolve("models"), files);
    assertThat(jobs)
        .extracting(DemoJobs.Job::mainClass)
        .containsExactly(DemoJobs.JOIN, DemoJobs.TRAINING, DemoJobs.SCORING);

    LabelJoinOptions.Settings join =
        LabelJoinOptions.settings(
            JobArguments.parse(
                jobs.get(0).args().toArray(String[]::new), LabelJoinOptions.allOptions()));
    // The window must hold every click of the feed.
    assertThat(join.attributionWindow()).isGreaterThan(DemoFeeds.clickDelay(1).max());

    TrainingSetup setup =
        TrainingJobOptions.setup(
            TrainingJobOptions.parse(jobs.get(1).args().toArray(String[]::new)));
    assertThat(setup.modelNames()).containsExactly("finalmlp", "dnn");

    ScoringConfig scoring = ScoringOptions.parse(jobs.get(2).args().toArray(String[]::new));
    assertThat(scoring.models()).containsExactly("finalmlp", "dnn");
    assertThat(scoring.modelStore()).isEqualTo(dir.resolve("models").toString());
    assertThat(scoring.labelsPerMinute()).isEqualTo(240.0);
  }
}
