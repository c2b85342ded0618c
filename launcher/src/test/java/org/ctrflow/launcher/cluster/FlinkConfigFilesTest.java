package org.ctrflow.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class FlinkConfigFilesTest {

  @TempDir Path state;

  /** Reads the files back with Flink's own loader, so keys and value formats are Flink's. */
  @Test
  void flinkReadsTheWrittenConfig() throws Exception {
    ClusterLayout layout = ClusterLayout.under(state);
    ClusterSettings settings =
        new ClusterSettings(
            18081,
            16123,
            3,
            MemorySize.parse("1g"),
            ClusterSettings.memory("1536m", "--tm-memory"));
    List<String> opts =
        List.of(
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED");

    FlinkConfigFiles.write(layout, settings, opts);

    Configuration config = GlobalConfiguration.loadConfiguration(layout.conf().toString());
    assertEquals("127.0.0.1", config.get(JobManagerOptions.ADDRESS));
    assertEquals(16123, config.get(JobManagerOptions.PORT));
    assertEquals("127.0.0.1", config.get(RestOptions.BIND_ADDRESS));
    assertEquals(18081, config.get(RestOptions.PORT));
    assertEquals(3, config.get(TaskManagerOptions.NUM_TASK_SLOTS));
    assertEquals(MemorySize.parse("1g"), config.get(JobManagerOptions.TOTAL_PROCESS_MEMORY));
    assertEquals(MemorySize.parse("1536m"), config.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY));
    assertEquals("rocksdb", config.get(StateBackendOptions.STATE_BACKEND));
    assertEquals(
        "file://" + layout.checkpoints(), config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    assertEquals(
        "file://" + layout.savepoints(), config.get(CheckpointingOptions.SAVEPOINT_DIRECTORY));
    assertEquals("exponential-delay", config.get(RestartStrategyOptions.RESTART_STRATEGY));
    assertEquals(
        10, config.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));
    assertEquals(
        Duration.ofMinutes(10),
        config.get(
            RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD));
    assertEquals(String.join(" ", opts), config.get(CoreOptions.FLINK_JVM_OPTIONS));
    assertEquals(
        List.of("ai.djl."), config.get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL));
    assertTrue(
        Files.readString(layout.conf().resolve(FlinkConfigFiles.LOG4J_FILE))
            .contains("${sys:log.file}"));
  }

  @Test
  void yamlQuotesStringsAndKeepsNumbers() {
    Map<String, Object> entries = new LinkedHashMap<>();
    entries.put("a", "it's");
    entries.put("b", 2);

    String yaml = FlinkConfigFiles.toYaml(entries);

    assertEquals("a: 'it''s'\nb: 2\n", yaml.substring(yaml.indexOf('\n') + 1));
  }
}
