package org.ctrflow.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random valid events, each broken by one random mistake a user could make: the serde must reject
 * it with an {@link InvalidEventException} that names the broken field.
 */
class EventValidationPropertiesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One mistake: what it does to the JSON tree, and the field the error must name. */
  record Mistake(String description, String field, Consumer<ObjectNode> apply) {
    @Override
    public String toString() {
      return description;
    }
  }

  @Property(tries = 300)
  void brokenExamplesAreRejectedNamingTheField(
      @ForAll("labeledExamples") LabeledExample valid, @ForAll("mistakes") Mistake mistake)
      throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(EventSerde.LABELED_EXAMPLE.serialize(valid));
    mistake.apply().accept(tree);
    byte[] broken = JSON.writeValueAsBytes(tree);

    assertThatThrownBy(() -> EventSerde.LABELED_EXAMPLE.deserialize(broken))
        .isInstanceOf(InvalidEventException.class)
        .satisfies(e -> assertThat(((InvalidEventException) e).field()).isEqualTo(mistake.field()))
        .hasMessageStartingWith(mistake.field() + ": ");
  }

  /**
   * Every event type, each required field: missing, null, or of the wrong JSON type (a boolean
   * where a string, number, map, enum or bytes belong) is rejected naming that field.
   */
  @Property(tries = 400)
  void everyTypeRejectsAMissingOrMistypedRequiredField(
      @ForAll("anyEvent") Event valid, @ForAll Damage damage, @ForAll long pick) throws Exception {
    @SuppressWarnings("unchecked")
    EventSerde<Event> serde = (EventSerde<Event>) EventSerde.of(valid.getClass());
    ObjectNode tree = (ObjectNode) JSON.readTree(serde.serialize(valid));
    java.util.List<String> required = new java.util.ArrayList<>();
    tree.fieldNames()
        .forEachRemaining(
            f -> {
              if (!tree.get(f).isNull() && !OPTIONAL.contains(f)) {
                required.add(f);
              }
            });
    String field = required.get((int) Math.floorMod(pick, (long) required.size()));
    switch (damage) {
      case MISSING -> tree.remove(field);
      case NULL -> tree.putNull(field);
      case WRONG_TYPE -> tree.put(field, true);
    }
    byte[] broken = JSON.writeValueAsBytes(tree);

    assertThatThrownBy(() -> serde.deserialize(broken))
        .isInstanceOf(InvalidEventException.class)
        .satisfies(e -> assertThat(((InvalidEventException) e).field()).isEqualTo(field));
  }

  enum Damage {
    MISSING,
    NULL,
    WRONG_TYPE
  }

  /** Fields an event may leave out; absent means empty. */
  private static final java.util.Set<String> OPTIONAL =
      java.util.Set.of("numericFeatures", "modelScores");

  @Provide
  Arbitrary<Event> anyEvent() {
    EventSerdeRoundTripTest types = new EventSerdeRoundTripTest();
    return Arbitraries.oneOf(
        types.impressions(),
        types.clicks(),
        types.labeledExamples(),
        types.scoreRequests(),
        types.predictions(),
        types.labelRequests(),
        types.humanLabels(),
        types.modelUpdates(),
        types.deadLetters());
  }

  @Property(tries = 100)
  void validExamplesAreAccepted(@ForAll("labeledExamples") LabeledExample valid) {
    byte[] json = EventSerde.LABELED_EXAMPLE.serialize(valid);
    assertThat(EventSerde.LABELED_EXAMPLE.deserialize(json)).isEqualTo(valid);
  }

  @Provide
  Arbitrary<LabeledExample> labeledExamples() {
    return EventArbitraries.labeledExamples();
  }

  @Provide
  Arbitrary<Mistake> mistakes() {
    Arbitrary<Mistake> missing =
        Arbitraries.of("id", "eventTime", "features", "label", "weight", "source")
            .map(f -> new Mistake("missing " + f, f, t -> t.remove(f)));
    Arbitrary<Mistake> nulled =
        Arbitraries.of("id", "eventTime", "features", "label", "weight", "source")
            .map(f -> new Mistake("null " + f, f, t -> t.putNull(f)));
    Arbitrary<Mistake> badLabel =
        Arbitraries.integers()
            .filter(i -> i != 0 && i != 1)
            .map(i -> new Mistake("label " + i, "label", t -> t.put("label", i)));
    Arbitrary<Mistake> badWeight =
        Arbitraries.doubles()
            .lessOrEqual(0.0)
            .map(w -> new Mistake("weight " + w, "weight", t -> t.put("weight", w)));
    Arbitrary<Mistake> negativeTime =
        Arbitraries.longs()
            .lessOrEqual(-1)
            .map(v -> new Mistake("eventTime " + v, "eventTime", t -> t.put("eventTime", v)));
    Arbitrary<Mistake> blankId =
        Arbitraries.of("", " ", "\t\n")
            .map(v -> new Mistake("blank id", "id", t -> t.put("id", v)));
    Arbitrary<Mistake> longId =
        Arbitraries.integers()
            .between(EventRules.MAX_ID_LENGTH + 1, 2 * EventRules.MAX_ID_LENGTH)
            .map(n -> new Mistake("id of " + n, "id", t -> t.put("id", "x".repeat(n))));
    Arbitrary<Mistake> emptyFeatures =
        Arbitraries.just(new Mistake("empty features", "features", t -> t.putObject("features")));
    Arbitrary<Mistake> numberAsCategory =
        Arbitraries.integers()
            .map(
                v ->
                    new Mistake(
                        "number as category",
                        "features.zz",
                        t -> ((ObjectNode) t.get("features")).put("zz", v)));
    Arbitrary<Mistake> nonFiniteNumeric =
        Arbitraries.of("1e400", "-1e400")
            .map(
                v ->
                    new Mistake(
                        "numeric " + v,
                        "numericFeatures.zz",
                        t ->
                            t.putObject("numericFeatures")
                                .set(
                                    "zz",
                                    JSON.getNodeFactory()
                                        .numberNode(new java.math.BigDecimal(v)))));
    Arbitrary<Mistake> stringNumeric =
        Arbitraries.of("NaN", "Infinity", "1.5", "")
            .map(
                v ->
                    new Mistake(
                        "numeric as string '" + v + "'",
                        "numericFeatures.zz",
                        t -> t.putObject("numericFeatures").put("zz", v)));
    Arbitrary<Mistake> unknownField =
        Arbitraries.strings()
            .alpha()
            .ofMinLength(1)
            .ofMaxLength(10)
            .filter(
                f ->
                    !java.util.Set.of(
                            "id",
                            "eventTime",
                            "features",
                            "numericFeatures",
                            "label",
                            "weight",
                            "source")
                        .contains(f))
            .map(f -> new Mistake("unknown field " + f, f, t -> t.put(f, 1)));
    Arbitrary<Mistake> labelAsFloatOrBool =
        Arbitraries.of("1.0", "true")
            .map(
                v ->
                    new Mistake(
                        "label " + v,
                        "label",
                        t -> {
                          if (v.equals("true")) {
                            t.put("label", true);
                          } else {
                            t.put("label", 1.0);
                          }
                        }));
    Arbitrary<Mistake> oversize =
        Arbitraries.just(
            new Mistake(
                "oversize payload",
                "$",
                t -> {
                  ObjectNode features = (ObjectNode) t.get("features");
                  for (int i = 0; i < 1000; i++) {
                    features.put("pad" + i, "v".repeat(80));
                  }
                }));
    return Arbitraries.oneOf(
        missing,
        nulled,
        badLabel,
        badWeight,
        negativeTime,
        blankId,
        longId,
        emptyFeatures,
        numberAsCategory,
        nonFiniteNumeric,
        stringNumeric,
        unknownField,
        labelAsFloatOrBool,
        oversize);
  }
}
