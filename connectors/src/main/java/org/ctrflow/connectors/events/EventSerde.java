package org.ctrflow.connectors.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde of one event type. Strict by design: unknown fields, missing required fields, wrong
 * JSON types (a number for a string, {@code true} or {@code 1.0} for a label) and payloads over the
 * type's size limit are rejected with an {@link InvalidEventException} that names the field.
 * Nothing is coerced.
 *
 * <p>Thread-safe; share the constants.
 */
public final class EventSerde<T extends Event> {

  /**
   * Feature-carrying events: 64 KiB is far above any sane CTR event and far below the topic limit.
   */
  private static final int FEATURE_EVENT_MAX_BYTES = 64 * 1024;

  // Declared before the serde constants: their constructors read it.
  private static final ObjectMapper MAPPER = strictMapper();

  public static final EventSerde<Impression> IMPRESSION =
      new EventSerde<>(Impression.class, FEATURE_EVENT_MAX_BYTES);
  public static final EventSerde<Click> CLICK = new EventSerde<>(Click.class, 4 * 1024);
  public static final EventSerde<LabeledExample> LABELED_EXAMPLE =
      new EventSerde<>(LabeledExample.class, FEATURE_EVENT_MAX_BYTES);
  public static final EventSerde<ScoreRequest> SCORE_REQUEST =
      new EventSerde<>(ScoreRequest.class, FEATURE_EVENT_MAX_BYTES);
  public static final EventSerde<Prediction> PREDICTION =
      new EventSerde<>(Prediction.class, FEATURE_EVENT_MAX_BYTES);
  public static final EventSerde<LabelRequest> LABEL_REQUEST =
      new EventSerde<>(LabelRequest.class, FEATURE_EVENT_MAX_BYTES);
  public static final EventSerde<HumanLabel> HUMAN_LABEL =
      new EventSerde<>(HumanLabel.class, FEATURE_EVENT_MAX_BYTES);
  public static final EventSerde<ModelUpdate> MODEL_UPDATE =
      new EventSerde<>(ModelUpdate.class, org.ctrflow.connectors.topics.Topic.MAX_MESSAGE_BYTES);
  public static final EventSerde<DeadLetter> DEAD_LETTER =
      new EventSerde<>(
          DeadLetter.class, org.ctrflow.connectors.topics.Topic.DEAD_LETTER.maxMessageBytes());

  public static final EventSerde<TrainingMetrics> TRAINING_METRICS =
      new EventSerde<>(TrainingMetrics.class, 64 * 1024);

  private static final java.util.List<EventSerde<?>> ALL =
      java.util.List.of(
          IMPRESSION,
          CLICK,
          LABELED_EXAMPLE,
          SCORE_REQUEST,
          PREDICTION,
          LABEL_REQUEST,
          HUMAN_LABEL,
          MODEL_UPDATE,
          DEAD_LETTER,
          TRAINING_METRICS);

  private final Class<T> type;
  private final int maxBytes;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private EventSerde(Class<T> type, int maxBytes) {
    this.type = type;
    this.maxBytes = maxBytes;
    this.reader = MAPPER.readerFor(type);
    this.writer = MAPPER.writerFor(type);
  }

  /**
   * The serde of an event type. Lets serializable code (Flink functions) keep a {@code Class} and
   * find the serde again after deserialization.
   */
  @SuppressWarnings("unchecked")
  public static <T extends Event> EventSerde<T> of(Class<T> type) {
    return (EventSerde<T>)
        ALL.stream()
            .filter(s -> s.type.equals(type))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no serde for " + type.getName()));
  }

  public Class<T> type() {
    return type;
  }

  /** The largest payload this serde accepts, in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /** The event as UTF-8 JSON. */
  public byte[] serialize(T event) {
    try {
      return writer.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialize " + event, e);
    }
  }

  /**
   * Parses and validates one event.
   *
   * @throws InvalidEventException naming the field at fault when the payload breaks the contract
   */
  public T deserialize(byte[] json) {
    if (json == null || json.length == 0) {
      throw new InvalidEventException("$", "payload is empty; expected a JSON " + describe());
    }
    requireWithinLimit(json);
    try {
      T event = reader.readValue(json);
      if (event == null) {
        throw new InvalidEventException("$", "expected a JSON " + describe() + ", was null");
      }
      return event;
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof InvalidEventException invalid) {
        throw invalid;
      }
      throw new InvalidEventException(path(e), e.getOriginalMessage(), e);
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(", "));
      throw new InvalidEventException(
          path(e), "unknown field in " + describe() + "; known fields: " + known, e);
    } catch (JsonMappingException e) {
      String message = firstLine(e.getOriginalMessage());
      if (message.startsWith("Cannot map `null`")) {
        message = "is required (missing or null)";
      }
      throw new InvalidEventException(path(e), message, e);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(
          "$", "not valid JSON: " + firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks a serialized event against this type's size limit, as {@link #deserialize} does: a
   * producer calls it before sending what a consumer would refuse.
   *
   * @throws InvalidEventException naming the size and the limit
   */
  public void requireWithinLimit(byte[] json) {
    if (json.length > maxBytes) {
      throw new InvalidEventException(
          "$",
          "payload of "
              + json.length
              + " bytes exceeds the "
              + maxBytes
              + "-byte limit of "
              + describe());
    }
  }

  /** A Kafka serializer for this event type. */
  public Serializer<T> serializer() {
    return (topic, event) -> event == null ? null : serialize(event);
  }

  /**
   * A Kafka deserializer for this event type; invalid records throw {@link InvalidEventException}.
   */
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> deserialize(bytes);
  }

  private String describe() {
    return type.getSimpleName();
  }

  private static String path(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(
                ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path.isEmpty() ? "$" : path;
  }

  /** Jackson's first line, without its hints on how to loosen the mapper. */
  private static String firstLine(String message) {
    if (message == null) {
      return "malformed";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    int hint = line.indexOf(" (but ");
    return hint < 0 ? line : line.substring(0, hint);
  }

  private static ObjectMapper strictMapper() {
    JsonMapper mapper =
        JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();
    // A number where a string belongs (e.g. a categorical value sent as 25) is an error, not "25".
    // An integer where a floating-point number belongs (weight 1) is exact and stays allowed.
    mapper
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    mapper
        .coercionConfigDefaults()
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    return mapper;
  }
}
