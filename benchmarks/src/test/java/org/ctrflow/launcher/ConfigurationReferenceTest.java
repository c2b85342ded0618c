package org.ctrflow.launcher;

import java.util.List;
import org.ctrflow.connectors.testing.CommandReference;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/**
 * docs/reference/configuration.md lists every {@code ctrflow} command's options as the commands
 * declare.
 */
class ConfigurationReferenceTest {

  @Test
  void theCommandsSectionMatchesTheDeclaredOptions() throws Exception {
    String rendered =
        CommandReference.markdown(CtrflowCommand.commandLine(), 3, List.of("ctrflow help"));
    GeneratedDocs.assertSection("docs/reference/configuration.md", "ctrflow-commands", rendered);
  }
}
