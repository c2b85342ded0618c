package org.ctrflow.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-type rules of the event contracts, and the exact JSON users send. */
class EventContractsTest {

  private static final Map<String, String> FEATURES = Map.of("user", "u1");
  private static final String SHA = "ab".repeat(32);

  private static <T extends Event> InvalidEventException rejected(
      EventSerde<T> serde, String json) {
    try {
      serde.deserialize(json.getBytes(StandardCharsets.UTF_8));
    } catch (InvalidEventException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void documentedJsonShapesParse() {
    Impression impression =
        EventSerde.IMPRESSION.deserialize(
            """
            {"id":"imp-1","eventTime":1700000000000,
             "features":{"user":"u1","item":"i9"},"numericFeatures":{"price":3}}"""
                .getBytes(StandardCharsets.UTF_8));
    assertThat(impression.numericFeatures()).containsEntry("price", 3.0);
    assertThat(impression.features()).containsKeys("user", "item");

    LabeledExample example =
        EventSerde.LABELED_EXAMPLE.deserialize(
            """
            {"id":"imp-1","eventTime":1,"features":{"user":"u1"},"label":1,"weight":2.5,
             "source":"human"}"""
                .getBytes(StandardCharsets.UTF_8));
    assertThat(example.source()).isEqualTo(LabelSource.HUMAN);
    assertThat(example.numericFeatures()).isEmpty();
    assertThat(new String(EventSerde.LABELED_EXAMPLE.serialize(example), StandardCharsets.UTF_8))
        .contains("\"source\":\"human\"");
  }

  @Test
  void clickNeedsImpressionId() {
    assertThat(rejected(EventSerde.CLICK, "{\"eventTime\":5}").field()).isEqualTo("impressionId");
    assertThat(new Click("imp-1", 7).key()).isEqualTo("imp-1");
  }

  @ParameterizedTest
  @CsvSource({
    "'{\"impressionId\":\"a\",\"eventTime\":5} trailing', $",
    "'not json', $",
    "'[1,2]', $",
    "'null', $",
    "'{\"impressionId\":\"a\",\"eventTime\":5,\"eventTime\":6}', $",
    "'{\"impressionId\":\"a\",\"eventTime\":\"5\"}', eventTime",
    "'{\"impressionId\":\"a\",\"eventTime\":5.5}', eventTime",
    "'{\"impressionId\":7,\"eventTime\":5}', impressionId",
  })
  void malformedJsonIsRejectedWithTheField(String json, String field) {
    assertThat(rejected(EventSerde.CLICK, json).field()).isEqualTo(field);
  }

  @Test
  void emptyAndOversizePayloadsAreRejectedBeforeParsing() {
    assertThatThrownBy(() -> EventSerde.CLICK.deserialize(new byte[0]))
        .hasMessageContaining("payload is empty");
    byte[] big = new byte[EventSerde.CLICK.maxBytes() + 1];
    assertThatThrownBy(() -> EventSerde.CLICK.deserialize(big))
        .hasMessageContaining("exceeds the 4096-byte limit of Click");
  }

  @Test
  void predictionScoresMustBeProbabilities() {
    assertThatThrownBy(() -> new Prediction("r", 1, 1.5, "finalmlp", 3, Map.of(), 0.1))
        .hasMessage("score: must be in [0, 1], was 1.5");
    assertThatThrownBy(
            () -> new Prediction("r", 1, 0.5, "finalmlp", 3, Map.of("memnet", Double.NaN), 0.1))
        .hasMessage("modelScores.memnet: must be a finite number, was NaN");
    assertThatThrownBy(() -> new Prediction("r", 1, 0.5, "finalmlp", -1, Map.of(), 0.1))
        .hasMessageStartingWith("modelVersion:");
    assertThatThrownBy(() -> new Prediction("r", 1, 0.5, " ", 1, Map.of(), 0.1))
        .hasMessageStartingWith("modelName:");
  }

  @Test
  void labelRequestWeightIsInverseQueryProbability() {
    LabelRequest request =
        new LabelRequest("s", 1, FEATURES, null, 0.5, 0.9, 0.25, "entropy", "finalmlp", 4);
    assertThat(request.importanceWeight()).isEqualTo(4.0);
    assertThatThrownBy(
            () -> new LabelRequest("s", 1, FEATURES, null, 0.5, 0.9, 0.0, "entropy", "m", 4))
        .hasMessageStartingWith("queryProbability: must be > 0");
  }

  @Test
  void humanLabelBecomesAWeightedHumanExample() {
    HumanLabel label = new HumanLabel("s", 10, 20, FEATURES, Map.of("x", 1.0), 1, 4.0, "alice");
    LabeledExample example = label.toExample();
    assertThat(example.source()).isEqualTo(LabelSource.HUMAN);
    assertThat(example.weight()).isEqualTo(4.0);
    assertThat(example.eventTime()).isEqualTo(10);
    assertThatThrownBy(() -> new HumanLabel("s", 10, 20, FEATURES, null, 1, 1.0, ""))
        .hasMessageStartingWith("labeler:");
  }

  @Test
  void idsMustBeValidUnicode() {
    // Two ids that differ only in a lone surrogate would share one UTF-8 key.
    assertThat(
            rejected(
                    EventSerde.LABEL_REQUEST,
                    """
                    {"sampleId":"\\ud800x","eventTime":1,"features":{"user":"u1"},"score":0.5,
                     "uncertainty":0.5,"queryProbability":0.5,"strategy":"s","modelName":"m",
                     "modelVersion":1}""")
                .getMessage())
        .startsWith("sampleId: holds a lone UTF-16 surrogate (\\ud800) at index 0");
    assertThatThrownBy(() -> new Click("x\udc00", 1)).hasMessageStartingWith("impressionId:");
    assertThat(new Click("emoji-\ud83d\ude00", 1).impressionId()).endsWith("\ud83d\ude00");
    assertThatThrownBy(() -> new HumanLabel("s", 10, 20, FEATURES, null, 1, 1.0, "l".repeat(257)))
        .hasMessageStartingWith("labeler: must be at most 256");
  }

  @Test
  void modelUpdateBuilderNamesTheMissingRequiredValueAndCopiesWhole() {
    assertThatThrownBy(
            () ->
                ModelUpdate.builder()
                    .setModelName("m")
                    .setVersion(3)
                    .setKind(ModelUpdate.Kind.SNAPSHOT)
                    .setSizeBytes(10)
                    .setPublishedAt(5)
                    .optLocation("file:///m/3")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ModelUpdate needs setSha256(...)");
    ModelUpdate delta =
        ModelUpdate.builder()
            .setModelName("m")
            .setVersion(4)
            .setKind(ModelUpdate.Kind.DELTA)
            .setSha256(SHA)
            .setSizeBytes(10)
            .setPublishedAt(5)
            .optBaseVersion(3)
            .optChunkIndex(1)
            .optChunkCount(2)
            .optPayload(new byte[] {1})
            .build();
    assertThat(delta.toBuilder().build()).isEqualTo(delta);
  }

  @Test
  void modelUpdateKindsCarryWhatTheyNeed() {
    ModelUpdate snapshot =
        ModelUpdate.builder()
            .setModelName("finalmlp")
            .setVersion(3)
            .setKind(ModelUpdate.Kind.SNAPSHOT)
            .setSha256(SHA)
            .setSizeBytes(10)
            .setPublishedAt(5)
            .optLocation("file:///m/3")
            .build();
    assertThat(snapshot.key()).isEqualTo("finalmlp");
    ModelUpdate delta =
        ModelUpdate.builder()
            .setModelName("finalmlp")
            .setVersion(4)
            .setKind(ModelUpdate.Kind.DELTA)
            .setSha256(SHA)
            .setSizeBytes(10)
            .setPublishedAt(5)
            .optBaseVersion(3)
            .optChunkIndex(1)
            .optChunkCount(2)
            .optPayload(new byte[] {1})
            .build();
    assertThat(delta.key()).isEqualTo("finalmlp/delta/1");

    assertThatThrownBy(
            () ->
                ModelUpdate.builder()
                    .setModelName("m")
                    .setVersion(3)
                    .setKind(ModelUpdate.Kind.SNAPSHOT)
                    .setSha256(SHA)
                    .setSizeBytes(10)
                    .setPublishedAt(5)
                    .build())
        .hasMessageStartingWith("location:");
    assertThatThrownBy(
            () ->
                ModelUpdate.builder()
                    .setModelName("m")
                    .setVersion(4)
                    .setKind(ModelUpdate.Kind.DELTA)
                    .setSha256(SHA)
                    .setSizeBytes(10)
                    .setPublishedAt(5)
                    .optBaseVersion(4)
                    .optPayload(new byte[1])
                    .build())
        .hasMessageStartingWith("baseVersion:");
    assertThatThrownBy(
            () ->
                ModelUpdate.builder()
                    .setModelName("m")
                    .setVersion(4)
                    .setKind(ModelUpdate.Kind.DELTA)
                    .setSha256(SHA)
                    .setSizeBytes(10)
                    .setPublishedAt(5)
                    .optBaseVersion(3)
                    .optChunkIndex(2)
                    .optChunkCount(2)
                    .optPayload(new byte[1])
                    .build())
        .hasMessageStartingWith("chunkIndex:");
    assertThatThrownBy(
            () ->
                ModelUpdate.builder()
                    .setModelName("m")
                    .setVersion(4)
                    .setKind(ModelUpdate.Kind.DELTA)
                    .setSha256("ABC")
                    .setSizeBytes(10)
                    .setPublishedAt(5)
                    .optBaseVersion(3)
                    .optPayload(new byte[1])
                    .build())
        .hasMessageStartingWith("sha256:");
    assertThatThrownBy(
            () ->
                ModelUpdate.builder()
                    .setModelName("m")
                    .setVersion(4)
                    .setKind(ModelUpdate.Kind.DELTA)
                    .setSha256(SHA)
                    .setSizeBytes(10)
                    .setPublishedAt(5)
                    .optBaseVersion(3)
                    .optPayload(new byte[ModelUpdate.MAX_CHUNK_BYTES + 1])
                    .build())
        .hasMessageStartingWith("payload: a chunk must be at most");
  }

  @Test
  void largestDeltaChunkFitsTheTopic() {
    ModelUpdate delta =
        ModelUpdate.builder()
            .setModelName("finalmlp")
            .setVersion(4)
            .setKind(ModelUpdate.Kind.DELTA)
            .setSha256(SHA)
            .setSizeBytes(10)
            .setPublishedAt(5)
            .optBaseVersion(3)
            .optPayload(new byte[ModelUpdate.MAX_CHUNK_BYTES])
            .build();
    assertThat(EventSerde.MODEL_UPDATE.serialize(delta).length)
        .isLessThan(org.ctrflow.connectors.topics.Topic.MODEL_UPDATES.maxMessageBytes());
  }

  @Test
  void deadLetterKeepsTheOriginalAndCutsOnlyWhatCannotFit() {
    byte[] original = "{\"id\":".getBytes(StandardCharsets.UTF_8);
    DeadLetter letter =
        DeadLetter.of(
            original, "ctrflow.impressions", 2, 41, new InvalidEventException("id", "x"), 9);
    assertThat(letter.original()).isEqualTo(original);
    assertThat(letter.errorClass()).isEqualTo(InvalidEventException.class.getName());
    assertThat(letter.errorMessage()).isEqualTo("id: x");

    byte[] huge = new byte[DeadLetter.MAX_ORIGINAL_BYTES + 10];
    DeadLetter cut = DeadLetter.of(huge, "t", 0, 0, new IllegalStateException("too big"), 9);
    assertThat(cut.original()).hasSize(DeadLetter.MAX_ORIGINAL_BYTES);
    assertThat(cut.errorMessage()).contains("original cut to");
    assertThat(EventSerde.DEAD_LETTER.serialize(cut).length)
        .isLessThanOrEqualTo(org.ctrflow.connectors.topics.Topic.DEAD_LETTER.maxMessageBytes());
  }

  @Test
  void featureMapsAreImmutableCopies() {
    var mutable = new java.util.HashMap<>(FEATURES);
    Impression impression = new Impression("i", 1, mutable, null);
    mutable.put("item", "x");
    assertThat(impression.features()).containsOnlyKeys("user");
    assertThatThrownBy(() -> impression.features().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void everyEventTypeHasASerde() {
    for (Class<?> type : Event.class.getPermittedSubclasses()) {
      @SuppressWarnings("unchecked")
      Class<? extends Event> eventType = (Class<? extends Event>) type;
      assertThat(EventSerde.of(eventType).type()).isEqualTo(type);
    }
  }
}
