package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where ctrflow's event fields sit in records of the user's own shape: per event type a section of
 * paths ({@link FieldPath}), e.g.
 *
 * <pre>{@code
 * {"impressions": {"id": "meta.impression_id", "eventTime": "meta.ts",
 *                  "features": {"user": "user.id", "item": "item.sku"},
 *                  "numericFeatures": {"price": "item.price"}},
 *  "clicks": {"impressionId": "impression", "eventTime": "ts", "eventTimeFormat": "iso-8601"},
 *  "scoreRequests": {"requestId": "rid", "eventTime": "ts", "features": "attributes"}}
 * }</pre>
 *
 * {@code features} and {@code numericFeatures} are either an object of feature name to path or one
 * path to an object whose members are the features. Sections a job does not read may be left out.
 * The reference is in docs/concepts/jobs.md ("Events in your own format").
 */
public final class EventMapping implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  /** How an event time is written. */
  public enum TimeFormat {
    EPOCH_MILLIS("epoch-millis"),
    EPOCH_SECONDS("epoch-seconds"),
    ISO_8601("iso-8601");

    final String label;

    TimeFormat(String label) {
      this.label = label;
    }

    static TimeFormat parse(String label, String where) {
      for (TimeFormat f : values()) {
        if (f.label.equals(label)) {
          return f;
        }
      }
      throw new IllegalArgumentException(
          where
              + ".eventTimeFormat: '"
              + label
              + "' is not one of epoch-millis, epoch-seconds, iso-8601");
    }
  }

  /**
   * One event type's paths.
   *
   * @param name the section's name, for messages ({@code impressions})
   * @param id the path of the event's id ({@code id}, {@code impressionId} or {@code requestId})
   * @param idField the ctrflow field the id fills
   * @param features feature name to path; empty with {@link #featuresObject}
   * @param featuresObject a path to an object of features, or null
   * @param numericFeatures feature name to path
   * @param numericObject a path to an object of numeric features, or null
   * @param topic the topic to read instead of ctrflow's, or null
   */
  record Section(
      String name,
      String idField,
      FieldPath id,
      FieldPath eventTime,
      TimeFormat timeFormat,
      Map<String, FieldPath> features,
      FieldPath featuresObject,
      Map<String, FieldPath> numericFeatures,
      FieldPath numericObject,
      String topic)
      implements Serializable {}

  /** The ctrflow event types a mapping has a section for, and their id fields. */
  private static final Map<String, String> SECTIONS =
      Map.of("impressions", "id", "clicks", "impressionId", "scoreRequests", "requestId");

  private final Map<String, Section> sections;

  private EventMapping(Map<String, Section> sections) {
    this.sections = sections;
  }

  /** The mapping that reads ctrflow's own field names (for Avro records of ctrflow's shape). */
  public static EventMapping identity() {
    return parse(
        "{\"impressions\": {\"id\": \"id\", \"eventTime\": \"eventTime\", \"features\": \"features\","
            + " \"numericFeatures\": \"numericFeatures\"},"
            + " \"clicks\": {\"impressionId\": \"impressionId\", \"eventTime\": \"eventTime\"},"
            + " \"scoreRequests\": {\"requestId\": \"requestId\", \"eventTime\": \"eventTime\","
            + " \"features\": \"features\", \"numericFeatures\": \"numericFeatures\"}}");
  }

  /**
   * Reads a mapping document.
   *
   * @throws IllegalArgumentException naming the member at fault and what is valid
   */
  public static EventMapping parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "event mapping is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "event mapping must be a JSON object with sections impressions, clicks, scoreRequests");
    }
    Map<String, Section> sections = new LinkedHashMap<>();
    for (var it = root.fields(); it.hasNext(); ) {
      var entry = it.next();
      String idField = SECTIONS.get(entry.getKey());
      if (idField == null) {
        throw new IllegalArgumentException(
            "event mapping has unknown section '"
                + entry.getKey()
                + "'; valid sections: impressions, clicks, scoreRequests");
      }
      sections.put(entry.getKey(), section(entry.getKey(), idField, entry.getValue()));
    }
    return new EventMapping(sections);
  }

  /** The section for {@code name} ({@code impressions}, {@code clicks}, {@code scoreRequests}). */
  Optional<Section> section(String name) {
    return Optional.ofNullable(sections.get(name));
  }

  /** The topic a section names instead of ctrflow's, if any. */
  public Optional<String> topic(String section) {
    return section(section).map(Section::topic);
  }

  private static Section section(String name, String idField, JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          name + ": must be an object of paths, e.g. {\"" + idField + "\": \"meta.id\", ...}");
    }
    boolean clicks = name.equals("clicks");
    List<String> valid =
        clicks
            ? List.of(idField, "eventTime", "eventTimeFormat", "topic")
            : List.of(
                idField, "eventTime", "eventTimeFormat", "features", "numericFeatures", "topic");
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String member = it.next();
      if (!valid.contains(member)) {
        throw new IllegalArgumentException(
            name
                + " has unknown member '"
                + member
                + "'; valid members: "
                + String.join(", ", valid));
      }
    }
    FieldPath id = path(node, idField, name, true);
    FieldPath eventTime = path(node, "eventTime", name, true);
    JsonNode format = node.get("eventTimeFormat");
    TimeFormat timeFormat =
        format == null ? TimeFormat.EPOCH_MILLIS : TimeFormat.parse(format.asText(), name);
    Map<String, FieldPath> features = new LinkedHashMap<>();
    FieldPath featuresObject = clicks ? null : features(node, "features", name, features, true);
    Map<String, FieldPath> numeric = new LinkedHashMap<>();
    FieldPath numericObject =
        clicks ? null : features(node, "numericFeatures", name, numeric, false);
    JsonNode topic = node.get("topic");
    if (topic != null && (!topic.isTextual() || topic.asText().isBlank())) {
      throw new IllegalArgumentException(
          name + ".topic: must be a topic name, e.g. shop.impressions");
    }
    return new Section(
        name,
        idField,
        id,
        eventTime,
        timeFormat,
        Map.copyOf(features),
        featuresObject,
        Map.copyOf(numeric),
        numericObject,
        topic == null ? null : topic.asText());
  }

  /** Fills {@code paths} from an object member, or returns the path of a features object. */
  private static FieldPath features(
      JsonNode node, String member, String where, Map<String, FieldPath> paths, boolean required) {
    JsonNode value = node.get(member);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(
            where
                + " lacks '"
                + member
                + "': an object {\"user\": \"user.id\", ...} or the path of an object of features");
      }
      return null;
    }
    if (value.isTextual()) {
      return path(node, member, where, true);
    }
    if (!value.isObject() || value.isEmpty()) {
      throw new IllegalArgumentException(
          where
              + "."
              + member
              + ": must be a non-empty object of feature name to path, or one path");
    }
    for (var it = value.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(
            where + "." + member + "." + e.getKey() + ": must be a path string, e.g. user.id");
      }
      paths.put(e.getKey(), path(e.getValue().asText(), where + "." + member + "." + e.getKey()));
    }
    return null;
  }

  private static FieldPath path(JsonNode node, String member, String where, boolean required) {
    JsonNode value = node.get(member);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          where
              + "."
              + member
              + ": "
              + (value == null ? "is required" : "must be a path string")
              + ", e.g. \"meta."
              + member
              + "\"");
    }
    return path(value.asText(), where + "." + member);
  }

  private static FieldPath path(String text, String where) {
    try {
      return new FieldPath(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }
}
