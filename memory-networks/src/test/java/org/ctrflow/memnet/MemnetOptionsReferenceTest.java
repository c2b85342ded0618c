package org.ctrflow.memnet;

import org.ctrflow.connectors.config.ReferenceTable;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/**
 * docs/concepts/memory-networks.md lists every memory-network option as {@link MemnetOptions}
 * declares.
 */
class MemnetOptionsReferenceTest {

  @Test
  void theOptionsTableMatchesTheDeclaredKeys() throws Exception {
    GeneratedDocs.assertSection(
        "docs/concepts/memory-networks.md",
        "memnet-options",
        ReferenceTable.markdown(MemnetOptions.KEYS, ""));
  }
}
