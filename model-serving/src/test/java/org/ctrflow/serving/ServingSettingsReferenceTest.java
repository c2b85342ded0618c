package org.ctrflow.serving;

import org.ctrflow.connectors.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/** docs/model-serving.md lists every server setting as {@link ServingConfig} declares it. */
class ServingSettingsReferenceTest {

  @Test
  void theSettingsTableMatchesTheDeclaredKeys() throws Exception {
    StringBuilder table = new StringBuilder("| setting | default | description |\n|---|---|---|\n");
    for (ConfigKey<?> key : ServingConfig.KEYS) {
      String fallback = key.defaultValue().toString();
      table
          .append("| `")
          .append(key.name())
          .append("` | ")
          .append(fallback.isEmpty() ? "" : "`" + fallback + "`")
          .append(" | ")
          .append(key.description().replace("<", "&lt;").replace(">", "&gt;"))
          .append(" |\n");
    }
    GeneratedDocs.assertSection("docs/model-serving.md", "serve-settings", table.toString());
  }
}
