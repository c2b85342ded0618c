package org.ctrflow.connectors.topics;

import java.util.Map;
import java.util.Objects;

/**
 * A topic's name and the settings it is created with.
 *
 * @param name full topic name, prefix included
 * @param partitions number of partitions, at least 1
 * @param configs topic-level configs (cleanup.policy, retention.ms, max.message.bytes, ...)
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "partitions of topic " + name + " must be at least 1, was " + partitions);
    }
    configs = Map.copyOf(configs);
  }

  /** Whether the topic keeps only the latest record per key. */
  public boolean compacted() {
    return configs.getOrDefault("cleanup.policy", "delete").contains("compact");
  }

  /** The largest record batch the topic accepts, in bytes. */
  public int maxMessageBytes() {
    return Integer.parseInt(configs.getOrDefault("max.message.bytes", "1048588"));
  }
}
