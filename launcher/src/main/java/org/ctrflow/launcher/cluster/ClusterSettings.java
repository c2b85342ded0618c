package org.ctrflow.launcher.cluster;

import java.util.Objects;
import org.apache.flink.configuration.MemorySize;

/**
 * What a user chooses about the session cluster. Defaults suit a 2-core, 24 GiB machine: a 1 GiB
 * JobManager (it only schedules) and one 2 GiB TaskManager with 2 slots, one per core.
 */
public record ClusterSettings(
    int restPort, int rpcPort, int slots, MemorySize jmMemory, MemorySize tmMemory) {

  public static final int DEFAULT_REST_PORT = 8081;
  public static final int DEFAULT_RPC_PORT = 6123;
  public static final int DEFAULT_SLOTS = 2;
  public static final String DEFAULT_JM_MEMORY = "1g";
  public static final String DEFAULT_TM_MEMORY = "2g";

  public ClusterSettings {
    requirePort(restPort, "--rest-port");
    requirePort(rpcPort, "--rpc-port");
    if (restPort == rpcPort) {
      throw new IllegalArgumentException(
          "--rest-port and --rpc-port must differ; both are " + restPort);
    }
    if (slots < 1 || slots > 64) {
      throw new IllegalArgumentException("--slots must be between 1 and 64, got " + slots);
    }
    Objects.requireNonNull(jmMemory, "jmMemory");
    Objects.requireNonNull(tmMemory, "tmMemory");
  }

  public static ClusterSettings defaults() {
    return new ClusterSettings(
        DEFAULT_REST_PORT,
        DEFAULT_RPC_PORT,
        DEFAULT_SLOTS,
        memory(DEFAULT_JM_MEMORY, "--jm-memory"),
        memory(DEFAULT_TM_MEMORY, "--tm-memory"));
  }

  /**
   * Parses a memory size the way Flink's config does, naming the option on a bad value. Whether the
   * size is enough is Flink's to say, when it splits it into heap, managed memory and so on.
   */
  public static MemorySize memory(String value, String option) {
    try {
      return MemorySize.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option + ": '" + value + "' is not a memory size; use e.g. 1g, 1536m, 2g", e);
    }
  }

  private static void requirePort(int port, String option) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          option + " must be a TCP port between 1 and 65535, got " + port);
    }
  }
}
