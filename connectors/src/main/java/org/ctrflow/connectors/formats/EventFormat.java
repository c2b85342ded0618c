package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.InvalidEventException;

/**
 * How the records of the user-facing input topics (impressions, clicks, score requests) are
 * written: ctrflow's JSON events, JSON of the user's own shape read through an {@link
 * EventMapping}, or Avro in the schema-registry wire format read through a mapping (ctrflow's field
 * names when none is given). Serializable, so a job carries it to its tasks; {@link #decoder}
 * builds the parser there.
 */
public final class EventFormat implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The encodings of the input records. */
  public enum Kind {
    CTRFLOW,
    JSON,
    AVRO;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException listing the valid names
     */
    public static Kind parse(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label.strip().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "event format '" + label + "' is not one of ctrflow, json, avro");
    }
  }

  /** Parses one record into an event; thread-confined. */
  public interface Decoder<T extends Event> {
    /**
     * @throws InvalidEventException naming the field when the record does not map
     * @throws SchemaRegistryUnavailableException when the writer schema cannot be fetched now
     */
    T decode(byte[] value);
  }

  private final Kind kind;
  private final EventMapping mapping;
  private final String registryUrl;

  private EventFormat(Kind kind, EventMapping mapping, String registryUrl) {
    this.kind = kind;
    this.mapping = mapping;
    this.registryUrl = registryUrl;
  }

  /** ctrflow's JSON events, as the jobs always read them. */
  public static EventFormat ctrflow() {
    return new EventFormat(Kind.CTRFLOW, null, null);
  }

  /**
   * @param kind the records' encoding
   * @param mapping where ctrflow's fields sit in the records (required for json; optional for avro,
   *     whose default reads ctrflow's field names); null for none
   * @param registryUrl for avro: the registry's URL or a {@code file:} directory of {@code
   *     <id>.avsc} files
   * @throws IllegalArgumentException naming the missing or invalid part
   */
  public static EventFormat of(Kind kind, EventMapping mapping, String registryUrl) {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.CTRFLOW) {
      if (mapping != null || registryUrl != null) {
        throw new IllegalArgumentException(
            "ctrflow events need no event mapping or schema registry; set the event format to json"
                + " or avro to use them");
      }
      return ctrflow();
    }
    if (kind == Kind.JSON && mapping == null) {
      throw new IllegalArgumentException(
          "event format json needs an event mapping file: where each ctrflow field sits in your"
              + " records");
    }
    if (kind == Kind.AVRO && registryUrl == null) {
      throw new IllegalArgumentException(
          "event format avro needs a schema registry URL (http://host:8081, or file:/dir of"
              + " <id>.avsc files)");
    }
    if (kind == Kind.JSON && registryUrl != null) {
      throw new IllegalArgumentException("a schema registry applies to event format avro only");
    }
    return new EventFormat(kind, mapping == null ? EventMapping.identity() : mapping, registryUrl);
  }

  public Kind kind() {
    return kind;
  }

  /** The topic the mapping reads for {@code type} instead of ctrflow's, or null. */
  public String topic(Class<? extends Event> type) {
    return mapping == null ? null : mapping.topic(MappedEvents.sectionOf(type)).orElse(null);
  }

  /**
   * A decoder of {@code type}'s records. Human labels and model updates are always ctrflow JSON.
   *
   * @throws IllegalArgumentException when the mapping has no section for {@code type}
   */
  public <T extends Event> Decoder<T> decoder(Class<T> type) {
    EventSerde<T> serde = EventSerde.of(type);
    if (kind == Kind.CTRFLOW || !mapped(type)) {
      return serde::deserialize;
    }
    String name = MappedEvents.sectionOf(type);
    EventMapping.Section section =
        mapping
            .section(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "the event mapping has no '" + name + "' section, which this job reads"));
    int maxBytes = serde.maxBytes();
    Function<byte[], JsonNode> tree;
    if (kind == Kind.JSON) {
      tree = new JsonRecords();
    } else {
      AvroRecords avro = new AvroRecords(new SchemaRegistry(registryUrl));
      tree = avro::read;
    }
    return value -> {
      if (value == null || value.length == 0) {
        throw new InvalidEventException("$", "payload is empty");
      }
      if (value.length > maxBytes) {
        throw new InvalidEventException(
            "$", "payload of " + value.length + " bytes exceeds the " + maxBytes + "-byte limit");
      }
      @SuppressWarnings("unchecked")
      T event = (T) MappedEvents.build(section, tree.apply(value));
      return event;
    };
  }

  private static boolean mapped(Class<? extends Event> type) {
    try {
      MappedEvents.sectionOf(type);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
