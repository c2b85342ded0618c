package org.ctrflow.launcher.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one demo run does, validated by {@link DemoCommand}.
 *
 * @param stateDir where the run directory goes
 * @param duration how long to run, or null for until Ctrl-C
 * @param sessionCluster the standalone session cluster instead of a MiniCluster
 * @param dataset {@code synthetic}, or a dataset replayed from {@code file}
 * @param file the dataset file, null for the synthetic stream
 * @param models the models trained, the first one served and followed by the scoring job
 * @param rate impressions per second fed
 * @param drift the synthetic stream's drift script
 * @param seed seed of the synthetic stream and of the click delays
 * @param autoLabel whether the simulated labeler answers label requests
 * @param labelDelay how long the simulated labeler takes per label
 * @param dashboardPort the dashboard's port, 0 for any free one
 * @param topicPrefix the topics' prefix
 * @param kafkaProperties extra Kafka client settings for the jobs, the queue and the model server,
 *     or null
 * @param faults whether to run the fault drill ({@link FaultDrill}) and check the counts after it
 * @param brokerPause how long the fault drill freezes the broker
 * @param schemaFile a feature schema replacing the dataset preset ({@code dataset} is then {@code
 *     schema}), or null
 */
record DemoSettings(
    Path stateDir,
    Duration duration,
    boolean sessionCluster,
    String dataset,
    Path file,
    List<String> models,
    double rate,
    String drift,
    long seed,
    boolean autoLabel,
    Duration labelDelay,
    int dashboardPort,
    String topicPrefix,
    Path kafkaProperties,
    boolean faults,
    Duration brokerPause,
    Path schemaFile) {

  String primaryModel() {
    return models.get(0);
  }

  boolean synthetic() {
    return file == null;
  }
}
