package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import org.ctrflow.connectors.config.ReferenceTable;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.ctrflow.models.blocks.WideOptions;
import org.junit.jupiter.api.Test;

/**
 * docs/concepts/online-training.md lists every trainer setting and wide-terms option as declared.
 */
class TrainerSettingsReferenceTest {

  @Test
  void everySettingIsDescribedAndTheTablesMatchTheDeclarations() throws Exception {
    assertThat(
            Arrays.stream(TrainerConfig.class.getRecordComponents()).map(RecordComponent::getName))
        .as("every setting is described, in declaration order")
        .containsExactlyElementsOf(TrainerConfig.DESCRIPTIONS.keySet());
    JsonNode defaults = new ObjectMapper().valueToTree(TrainerConfig.builder().build());
    StringBuilder table = new StringBuilder("| setting | default | meaning |\n|---|---|---|\n");
    TrainerConfig.DESCRIPTIONS.forEach(
        (key, meaning) ->
            table
                .append("| `")
                .append(key)
                .append("` | `")
                .append(defaults.get(key).asText())
                .append("` | ")
                .append(meaning)
                .append(" |\n"));
    GeneratedDocs.assertSection(
        "docs/concepts/online-training.md", "trainer-settings", table.toString());

    GeneratedDocs.assertSection(
        "docs/concepts/online-training.md",
        "wide-options",
        ReferenceTable.markdown(WideOptions.KEYS, ""));
  }
}
