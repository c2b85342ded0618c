package org.ctrflow.connectors.events;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random valid events for property tests. */
final class EventArbitraries {

  private EventArbitraries() {}

  static Arbitrary<String> ids() {
    return Arbitraries.strings()
        .withCharRange('!', '~')
        .ofMinLength(1)
        .ofMaxLength(40)
        .filter(s -> !s.isBlank());
  }

  static Arbitrary<Long> eventTimes() {
    return Arbitraries.longs().between(0, 4_102_444_800_000L);
  }

  static Arbitrary<Map<String, String>> categorical() {
    Arbitrary<String> names =
        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
    // Any Unicode text, including empty strings, is a valid categorical value.
    Arbitrary<String> values = Arbitraries.strings().ofMaxLength(30);
    return Arbitraries.maps(names, values).ofMinSize(1).ofMaxSize(12);
  }

  static Arbitrary<Map<String, Double>> numeric() {
    Arbitrary<String> names = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
    return Arbitraries.maps(names, Arbitraries.doubles()).ofMaxSize(6);
  }

  static Arbitrary<Double> probabilities() {
    return Arbitraries.doubles().between(0.0, 1.0);
  }

  static Arbitrary<Impression> impressions() {
    return Combinators.combine(ids(), eventTimes(), categorical(), numeric()).as(Impression::new);
  }

  static Arbitrary<LabeledExample> labeledExamples() {
    return Combinators.combine(
            impressions(),
            Arbitraries.integers().between(0, 1),
            Arbitraries.doubles().between(1e-6, 1e6).ofScale(8),
            Arbitraries.of(LabelSource.class))
        .as(
            (i, label, weight, source) ->
                new LabeledExample(
                    i.id(),
                    i.eventTime(),
                    i.features(),
                    i.numericFeatures(),
                    label,
                    weight,
                    source));
  }
}
