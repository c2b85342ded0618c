package org.ctrflow.labelqueue.hooks;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The events a subscriber can register for; the wire name goes in the payload's {@code type}. */
public enum HookEventType {
  TASK_CREATED("task.created"),
  TASK_LABELED("task.labeled");

  private final String wireName;

  HookEventType(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Parses a wire name; the message lists the valid ones. */
  public static HookEventType parse(String name) {
    return Arrays.stream(values())
        .filter(t -> t.wireName.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "events: unknown event '"
                        + name
                        + "'; valid: "
                        + Arrays.stream(values())
                            .map(HookEventType::wireName)
                            .collect(Collectors.joining(", "))));
  }
}
