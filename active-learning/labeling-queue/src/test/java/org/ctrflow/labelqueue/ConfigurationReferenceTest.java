package org.ctrflow.labelqueue;

import java.util.List;
import org.ctrflow.connectors.testing.CommandReference;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/**
 * docs/reference/configuration.md lists the labeling queue's options as the service declares them.
 */
class ConfigurationReferenceTest {

  @Test
  void theQueueSectionMatchesTheDeclaredOptions() throws Exception {
    String rendered = CommandReference.markdown(LabelQueueMain.commandLine(), 3, List.of());
    GeneratedDocs.assertSection("docs/reference/configuration.md", "label-queue", rendered);
  }
}
