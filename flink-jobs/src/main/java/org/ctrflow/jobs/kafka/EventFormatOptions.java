package org.ctrflow.jobs.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.connectors.formats.EventFormat;
import org.ctrflow.connectors.formats.EventMapping;

/**
 * How the jobs' input events are written (impressions and clicks for the label join, score requests
 * for scoring), declared once for both jobs. The mapping file is read at submission and travels in
 * the job graph, so task managers need no copy.
 */
public final class EventFormatOptions {

  private EventFormatOptions() {}

  public static final ConfigOption<String> EVENT_FORMAT =
      ConfigOptions.key("event-format")
          .stringType()
          .defaultValue("ctrflow")
          .withDescription(
              "How impressions, clicks and score requests are written: ctrflow (ctrflow's JSON"
                  + " events), json (your own JSON shape, read through --event-mapping) or avro"
                  + " (schema-registry wire format, writer schemas from --schema-registry-url;"
                  + " --event-mapping optional, default ctrflow's field names).");

  public static final ConfigOption<String> EVENT_MAPPING =
      ConfigOptions.key("event-mapping")
          .stringType()
          .defaultValue("")
          .withDescription(
              "A JSON file saying where each ctrflow field sits in your records, per event type"
                  + " (docs/concepts/jobs.md, Events in your own format). Empty: none.");

  public static final ConfigOption<String> SCHEMA_REGISTRY_URL =
      ConfigOptions.key("schema-registry-url")
          .stringType()
          .defaultValue("")
          .withDescription(
              "For --event-format avro: the schema registry's URL (Confluent API, e.g."
                  + " http://registry:8081 or Apicurio's http://registry:8080/apis/ccompat/v7), or"
                  + " file:/dir holding <schema id>.avsc files. Empty: none.");

  public static List<ConfigOption<?>> options() {
    return List.of(EVENT_FORMAT, EVENT_MAPPING, SCHEMA_REGISTRY_URL);
  }

  /**
   * The validated event format, its mapping file read.
   *
   * @throws IllegalArgumentException naming the option at fault
   */
  public static EventFormat eventFormat(Configuration config) {
    EventFormat.Kind kind;
    try {
      kind = EventFormat.Kind.parse(config.get(EVENT_FORMAT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + EVENT_FORMAT.key() + ": " + e.getMessage(), e);
    }
    String file = config.get(EVENT_MAPPING);
    EventMapping mapping = null;
    if (!file.isEmpty()) {
      try {
        mapping = EventMapping.parse(Files.readString(Path.of(file), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--" + EVENT_MAPPING.key() + ": cannot read " + file + ": " + e, e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--" + EVENT_MAPPING.key() + " " + file + ": " + e.getMessage(), e);
      }
    }
    String registry = config.get(SCHEMA_REGISTRY_URL);
    try {
      return EventFormat.of(kind, mapping, registry.isEmpty() ? null : registry);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + EVENT_FORMAT.key() + ": " + e.getMessage(), e);
    }
  }
}
