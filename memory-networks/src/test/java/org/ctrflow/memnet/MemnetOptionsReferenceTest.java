package org.ctrflow.memnet;

import org.ctrflow.connectors.testing.GeneratedDocs;
import org.ctrflow.models.blocks.ModelOptions;
import org.junit.jupiter.api.Test;

/** docs/memory-networks.md lists every memory-network option as {@link MemnetOptions} declares. */
class MemnetOptionsReferenceTest {

  @Test
  void theOptionsTableMatchesTheDeclaredKeys() throws Exception {
    StringBuilder table = new StringBuilder("| option | default | meaning |\n|---|---|---|\n");
    for (ModelOptions.Key key : MemnetOptions.KEYS) {
      table
          .append("| `")
          .append(key.name())
          .append("` | `")
          .append(key.defaultValue())
          .append("` | ")
          .append(key.description())
          .append(" |\n");
    }
    GeneratedDocs.assertSection("docs/memory-networks.md", "memnet-options", table.toString());
  }
}
