package org.ctrflow.serving;

import org.ctrflow.connectors.config.ReferenceTable;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/**
 * docs/concepts/model-serving.md lists every server setting as {@link ServingConfig} declares it.
 */
class ServingSettingsReferenceTest {

  @Test
  void theSettingsTableMatchesTheDeclaredKeys() throws Exception {
    GeneratedDocs.assertSection(
        "docs/concepts/model-serving.md",
        "serve-settings",
        ReferenceTable.markdown(ServingConfig.KEYS, ""));
  }
}
