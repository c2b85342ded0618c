package org.ctrflow.launcher.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ctrflow.jobs.submit.ClusterRequirements;

/**
 * Writes the configuration directory the Flink entry points read ({@code --configDir}): {@code
 * config.yaml} (Flink 2.x ignores the old {@code flink-conf.yaml}) and {@code log4j.properties}.
 */
public final class FlinkConfigFiles {

  static final String CONFIG_FILE = "config.yaml";
  static final String LOG4J_FILE = "log4j.properties";

  private FlinkConfigFiles() {}

  /** Writes both files into {@code layout.conf()}, replacing earlier ones. */
  public static void write(ClusterLayout layout, ClusterSettings settings, List<String> javaOpts)
      throws IOException {
    Files.createDirectories(layout.conf());
    Files.writeString(
        layout.conf().resolve(CONFIG_FILE),
        toYaml(entries(layout, settings, javaOpts)),
        StandardCharsets.UTF_8);
    try (InputStream log4j =
        FlinkConfigFiles.class.getResourceAsStream("log4j-cluster.properties")) {
      if (log4j == null) {
        throw new IOException("log4j-cluster.properties is missing from the launcher jar");
      }
      Files.copy(log4j, layout.conf().resolve(LOG4J_FILE), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The settings as Flink option keys, in the order they are written. */
  static Map<String, Object> entries(
      ClusterLayout layout, ClusterSettings settings, List<String> javaOpts) {
    Map<String, Object> c = new LinkedHashMap<>();
    // Loopback only: this is a single-machine cluster and must not be reachable from outside.
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", settings.rpcPort());
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("jobmanager.memory.process.size", settings.jmMemory().toString());
    c.put("taskmanager.host", "127.0.0.1");
    c.put("taskmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.numberOfTaskSlots", settings.slots());
    c.put("taskmanager.memory.process.size", settings.tmMemory().toString());
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", settings.restPort());
    c.put("state.backend.type", "rocksdb");
    c.put("execution.checkpointing.dir", "file://" + layout.checkpoints());
    c.put("execution.checkpointing.savepoint-dir", "file://" + layout.savepoints());
    // Flink's default with checkpointing on is to restart forever; a broken job should stop, but
    // a job that ran well for a while should survive the next broker stall or TaskManager loss
    // too (a fixed count of attempts over the job's life does not). The policy of k8s/base/flink.
    c.put("restart-strategy.type", "exponential-delay");
    c.put("restart-strategy.exponential-delay.initial-backoff", "1 s");
    c.put("restart-strategy.exponential-delay.max-backoff", "1 min");
    c.put("restart-strategy.exponential-delay.backoff-multiplier", 2.0);
    c.put("restart-strategy.exponential-delay.reset-backoff-threshold", "10 min");
    c.put("restart-strategy.exponential-delay.jitter-factor", 0.1);
    c.put("restart-strategy.exponential-delay.attempts-before-reset-backoff", 10);
    // RPC answers within 10 s by default; on a loaded two-core machine the dispatcher took longer
    // to accept a second job while the first one took its first checkpoint, and the submission
    // failed with an AskTimeoutException.
    c.put("pekko.ask.timeout", "60 s");
    c.put("io.tmp.dirs", layout.tmp().toString());
    c.put("web.tmpdir", layout.tmp().toString());
    c.put("web.upload.dir", layout.uploads().toString());
    // The entry points do not read this key (flink-dist's scripts do); the launcher passes the
    // same flags on the command line. It is written so tools reading this directory agree.
    c.put("env.java.opts.all", String.join(" ", javaOpts));
    // PyTorch's native library can be loaded by one class loader per JVM only: when DJL is on
    // the cluster class path, jobs must share that copy instead of loading their own child-first.
    c.put(
        "classloader.parent-first-patterns.additional",
        ClusterRequirements.DJL_PARENT_FIRST_PATTERNS);
    return c;
  }

  /** Flat YAML: numbers as they are, every other value as a single-quoted string. */
  static String toYaml(Map<String, Object> entries) {
    StringBuilder yaml =
        new StringBuilder("# Written by `ctrflow cluster start`; rewritten on each start.\n");
    entries.forEach(
        (key, value) -> {
          String scalar =
              value instanceof Number
                  ? value.toString()
                  : "'" + value.toString().replace("'", "''") + "'";
          yaml.append(key).append(": ").append(scalar).append('\n');
        });
    return yaml.toString();
  }
}
