package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.InvalidEventException;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.formats.EventMapping.Section;

/**
 * Builds ctrflow events from a record tree (JSON, or Avro turned into one) by a mapping section. A
 * value that does not map fails with an {@link InvalidEventException} naming the ctrflow field and
 * the path it was read from; the event's own contract checks follow.
 */
final class MappedEvents {

  private MappedEvents() {}

  /** The section an event type reads. */
  static String sectionOf(Class<? extends Event> type) {
    if (type == Impression.class) {
      return "impressions";
    } else if (type == Click.class) {
      return "clicks";
    } else if (type == ScoreRequest.class) {
      return "scoreRequests";
    }
    throw new IllegalArgumentException(
        type.getSimpleName()
            + " events are always ctrflow JSON; only impressions, clicks and score requests map");
  }

  static Event build(Section s, JsonNode root) {
    if (!root.isObject()) {
      throw new InvalidEventException(
          "$", "expected a record (JSON object), was " + root.getNodeType());
    }
    String id = id(s, root);
    long eventTime = eventTime(s, root);
    return switch (s.name()) {
      case "clicks" -> new Click(id, eventTime);
      case "impressions" -> new Impression(id, eventTime, categorical(s, root), numeric(s, root));
      default -> new ScoreRequest(id, eventTime, categorical(s, root), numeric(s, root));
    };
  }

  private static String id(Section s, JsonNode root) {
    JsonNode value = required(s.id(), root, s.idField());
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isIntegralNumber()) {
      return value.asText();
    }
    throw invalid(
        s.idField(), s.id(), "must be a string or an integer, was " + value.getNodeType());
  }

  private static long eventTime(Section s, JsonNode root) {
    JsonNode value = required(s.eventTime(), root, "eventTime");
    switch (s.timeFormat()) {
      case ISO_8601 -> {
        if (!value.isTextual()) {
          throw invalid(
              "eventTime",
              s.eventTime(),
              "must be an ISO-8601 string such as 2026-01-01T00:00:00Z, was "
                  + value.getNodeType());
        }
        try {
          return Instant.parse(value.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
          throw invalid(
              "eventTime",
              s.eventTime(),
              "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, was '"
                  + value.asText()
                  + "'");
        }
      }
      case EPOCH_SECONDS -> {
        if (!value.isNumber()) {
          throw invalid(
              "eventTime",
              s.eventTime(),
              "must be a number of epoch seconds, was " + value.getNodeType());
        }
        return (long) (value.asDouble() * 1000);
      }
      default -> {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
          throw invalid(
              "eventTime", s.eventTime(), "must be an integer of epoch milliseconds, was " + value);
        }
        return value.asLong();
      }
    }
  }

  private static Map<String, String> categorical(Section s, JsonNode root) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.featuresObject() != null) {
      JsonNode object = required(s.featuresObject(), root, "features");
      if (!object.isObject()) {
        throw invalid(
            "features",
            s.featuresObject(),
            "must be an object of features, was " + object.getNodeType());
      }
      object.fields().forEachRemaining(e -> put(out, e.getKey(), e.getValue(), s.featuresObject()));
    }
    s.features()
        .forEach(
            (name, path) -> {
              JsonNode value = path.resolve(root);
              if (value != null) {
                put(out, name, value, path);
              }
            });
    return out;
  }

  private static void put(Map<String, String> out, String name, JsonNode value, FieldPath path) {
    if (value.isNull()) {
      return;
    }
    if (value.isTextual() || value.isIntegralNumber() || value.isBoolean()) {
      out.put(name, value.asText());
    } else {
      throw invalid(
          "features." + name,
          path,
          "must be a string, an integer or a boolean, was " + value.getNodeType());
    }
  }

  private static Map<String, Double> numeric(Section s, JsonNode root) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (s.numericObject() != null) {
      JsonNode object = s.numericObject().resolve(root);
      if (object != null && !object.isObject()) {
        throw invalid(
            "numericFeatures",
            s.numericObject(),
            "must be an object of numbers, was " + object.getNodeType());
      }
      if (object != null) {
        object
            .fields()
            .forEachRemaining(e -> putNumber(out, e.getKey(), e.getValue(), s.numericObject()));
      }
    }
    s.numericFeatures()
        .forEach(
            (name, path) -> {
              JsonNode value = path.resolve(root);
              if (value != null) {
                putNumber(out, name, value, path);
              }
            });
    return out;
  }

  private static void putNumber(
      Map<String, Double> out, String name, JsonNode value, FieldPath path) {
    if (value.isNull()) {
      return;
    }
    if (!value.isNumber()) {
      throw invalid(
          "numericFeatures." + name, path, "must be a number, was " + value.getNodeType());
    }
    out.put(name, value.asDouble());
  }

  private static JsonNode required(FieldPath path, JsonNode root, String field) {
    JsonNode value = path.resolve(root);
    if (value == null) {
      throw invalid(field, path, "is missing");
    }
    return value;
  }

  private static InvalidEventException invalid(String field, FieldPath path, String problem) {
    return new InvalidEventException(field, "(path " + path.text() + ") " + problem);
  }
}
