package org.ctrflow.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every event type survives serialize -> deserialize unchanged. */
class EventSerdeRoundTripTest {

  private static <T extends Event> void assertRoundTrip(EventSerde<T> serde, T event) {
    byte[] json = serde.serialize(event);
    assertThat(json.length).isLessThanOrEqualTo(serde.maxBytes());
    assertThat(serde.deserialize(json)).isEqualTo(event);
  }

  @Property(tries = 250)
  void impressions(@ForAll("impressions") Impression event) {
    assertRoundTrip(EventSerde.IMPRESSION, event);
  }

  @Property(tries = 250)
  void clicks(@ForAll("clicks") Click event) {
    assertRoundTrip(EventSerde.CLICK, event);
  }

  @Property(tries = 250)
  void labeledExamples(@ForAll("labeledExamples") LabeledExample event) {
    assertRoundTrip(EventSerde.LABELED_EXAMPLE, event);
  }

  @Property(tries = 250)
  void scoreRequests(@ForAll("scoreRequests") ScoreRequest event) {
    assertRoundTrip(EventSerde.SCORE_REQUEST, event);
  }

  @Property(tries = 250)
  void predictions(@ForAll("predictions") Prediction event) {
    assertRoundTrip(EventSerde.PREDICTION, event);
  }

  @Property(tries = 250)
  void labelRequests(@ForAll("labelRequests") LabelRequest event) {
    assertRoundTrip(EventSerde.LABEL_REQUEST, event);
  }

  @Property(tries = 250)
  void humanLabels(@ForAll("humanLabels") HumanLabel event) {
    assertRoundTrip(EventSerde.HUMAN_LABEL, event);
  }

  @Property(tries = 250)
  void modelUpdates(@ForAll("modelUpdates") ModelUpdate event) {
    assertRoundTrip(EventSerde.MODEL_UPDATE, event);
  }

  @Property(tries = 250)
  void deadLetters(@ForAll("deadLetters") DeadLetter event) {
    assertRoundTrip(EventSerde.DEAD_LETTER, event);
  }

  @Provide
  Arbitrary<Impression> impressions() {
    return EventArbitraries.impressions();
  }

  @Provide
  Arbitrary<Click> clicks() {
    return Combinators.combine(EventArbitraries.ids(), EventArbitraries.eventTimes())
        .as(Click::new);
  }

  @Provide
  Arbitrary<LabeledExample> labeledExamples() {
    return EventArbitraries.labeledExamples();
  }

  @Provide
  Arbitrary<ScoreRequest> scoreRequests() {
    return EventArbitraries.impressions()
        .map(i -> new ScoreRequest(i.id(), i.eventTime(), i.features(), i.numericFeatures()));
  }

  @Provide
  Arbitrary<Prediction> predictions() {
    Arbitrary<Map<String, Double>> scores =
        Arbitraries.maps(
                Arbitraries.of("finalmlp", "memnet", "hybrid"), EventArbitraries.probabilities())
            .ofMaxSize(3);
    return Combinators.combine(
            EventArbitraries.ids(),
            EventArbitraries.eventTimes(),
            EventArbitraries.probabilities(),
            Arbitraries.longs().between(0, Long.MAX_VALUE),
            scores,
            EventArbitraries.probabilities())
        .as((id, t, score, v, ms, u) -> new Prediction(id, t, score, "finalmlp", v, ms, u));
  }

  @Provide
  Arbitrary<LabelRequest> labelRequests() {
    return Combinators.combine(
            EventArbitraries.impressions(),
            EventArbitraries.probabilities(),
            EventArbitraries.probabilities(),
            Arbitraries.doubles().between(1e-6, 1.0).ofScale(8),
            Arbitraries.longs().between(0, 1_000_000))
        .as(
            (i, score, u, p, v) ->
                new LabelRequest(
                    i.id(),
                    i.eventTime(),
                    i.features(),
                    i.numericFeatures(),
                    score,
                    u,
                    p,
                    "entropy",
                    "finalmlp",
                    v));
  }

  @Provide
  Arbitrary<HumanLabel> humanLabels() {
    return Combinators.combine(
            EventArbitraries.labeledExamples(),
            EventArbitraries.eventTimes(),
            EventArbitraries.ids())
        .as(
            (e, at, who) ->
                new HumanLabel(
                    e.id(),
                    e.eventTime(),
                    at,
                    e.features(),
                    e.numericFeatures(),
                    e.label(),
                    e.weight(),
                    who));
  }

  @Provide
  Arbitrary<ModelUpdate> modelUpdates() {
    Arbitrary<String> sha = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    Arbitrary<ModelUpdate> snapshots =
        Combinators.combine(
                Arbitraries.longs().between(1, 1 << 40), sha, EventArbitraries.eventTimes())
            .as(
                (v, h, t) ->
                    ModelUpdate.builder()
                        .setModelName("finalmlp")
                        .setVersion(v)
                        .setKind(ModelUpdate.Kind.SNAPSHOT)
                        .setSha256(h)
                        .setSizeBytes(1234)
                        .setPublishedAt(t)
                        .optLocation("file:///models/" + v)
                        .build());
    Arbitrary<ModelUpdate> deltas =
        Combinators.combine(
                Arbitraries.longs().between(2, 1 << 40),
                sha,
                Arbitraries.integers().between(1, 8),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(256),
                EventArbitraries.eventTimes())
            .as(
                (v, h, chunks, payload, t) ->
                    ModelUpdate.builder()
                        .setModelName("memnet")
                        .setVersion(v)
                        .setKind(ModelUpdate.Kind.DELTA)
                        .setSha256(h)
                        .setSizeBytes(payload.length)
                        .setPublishedAt(t)
                        .optBaseVersion(v - 1)
                        .optChunkIndex(chunks - 1)
                        .optChunkCount(chunks)
                        .optPayload(payload)
                        .build());
    return Arbitraries.oneOf(snapshots, deltas);
  }

  @Provide
  Arbitrary<DeadLetter> deadLetters() {
    return Combinators.combine(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(512),
            Arbitraries.integers().between(-1, 64),
            Arbitraries.longs().between(-1, Long.MAX_VALUE),
            Arbitraries.strings().ofMaxLength(200),
            EventArbitraries.eventTimes())
        .as(
            (bytes, partition, offset, message, t) ->
                new DeadLetter(
                    bytes,
                    "ctrflow.impressions",
                    partition,
                    offset,
                    InvalidEventException.class.getName(),
                    message,
                    t));
  }
}
