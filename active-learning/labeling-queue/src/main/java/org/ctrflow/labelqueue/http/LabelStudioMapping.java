package org.ctrflow.labelqueue.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads Label Studio's ANNOTATION_CREATED / ANNOTATION_UPDATED web hook payloads (see
 * https://labelstud.io/guide/webhook_reference): the sample id is {@code task.data.<sampleField>}
 * (the field the task was imported with), the label is the first {@code choices} result of {@code
 * annotation.result}, mapped through the configured click / no-click choice names
 * (case-insensitive). Other actions and cancelled (skipped) annotations carry no label. Who labeled
 * is the caller's token, never the payload's {@code completed_by}: anyone may write any name there.
 *
 * @param sampleField name of the task data field holding our sample id
 * @param clickChoices choice names meaning label 1
 * @param noClickChoices choice names meaning label 0
 */
public record LabelStudioMapping(
    String sampleField, Set<String> clickChoices, Set<String> noClickChoices) {

  /** A label read from a payload. */
  public record Annotation(String sampleId, int label) {}

  public LabelStudioMapping {
    clickChoices = lower(clickChoices);
    noClickChoices = lower(noClickChoices);
  }

  /**
   * The label in a payload; empty for actions and annotations that carry none.
   *
   * @throws IllegalArgumentException naming the payload field at fault
   */
  public Optional<Annotation> read(JsonNode payload) {
    String action = payload.path("action").asText("");
    if (!action.equals("ANNOTATION_CREATED") && !action.equals("ANNOTATION_UPDATED")) {
      return Optional.empty();
    }
    JsonNode annotation = payload.path("annotation");
    if (!annotation.isObject()) {
      throw new IllegalArgumentException("annotation: missing in a " + action + " payload");
    }
    if (annotation.path("was_cancelled").asBoolean(false)) {
      return Optional.empty();
    }
    JsonNode sample = payload.path("task").path("data").path(sampleField);
    if (!sample.isTextual() || sample.asText().isBlank()) {
      throw new IllegalArgumentException(
          "task.data." + sampleField + ": missing; import tasks with the queue's sample id in it");
    }
    String choice = null;
    for (JsonNode result : annotation.path("result")) {
      if ("choices".equals(result.path("type").asText())) {
        JsonNode choices = result.path("value").path("choices");
        if (choices.isArray() && !choices.isEmpty()) {
          choice = choices.get(0).asText();
          break;
        }
      }
    }
    if (choice == null) {
      throw new IllegalArgumentException(
          "annotation.result: no 'choices' result; the labeling config needs a <Choices> tag");
    }
    String c = choice.toLowerCase(Locale.ROOT);
    int label;
    if (clickChoices.contains(c)) {
      label = 1;
    } else if (noClickChoices.contains(c)) {
      label = 0;
    } else {
      throw new IllegalArgumentException(
          "annotation.result[].value.choices: '"
              + choice
              + "' is neither a click choice "
              + clickChoices
              + " nor a no-click choice "
              + noClickChoices);
    }
    return Optional.of(new Annotation(sample.asText(), label));
  }

  private static Set<String> lower(Set<String> names) {
    return names.stream()
        .map(s -> s.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }
}
