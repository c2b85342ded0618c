package org.ctrflow.connectors.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the parts of {@code docs/} that are generated from code (e.g. the configuration reference)
 * true to it. A generated section sits between {@code <!-- generated:NAME -->} and {@code <!--
 * end:NAME -->}; a test renders it from the declarations and fails when the file differs, naming
 * the command that rewrites it ({@code -Dctrflow.docs.update=true}).
 */
public final class GeneratedDocs {

  private GeneratedDocs() {}

  /**
   * Checks (or with {@code -Dctrflow.docs.update=true}, rewrites) one generated section.
   *
   * @param doc path under the project root, e.g. {@code docs/reference/configuration.md}
   * @param section the section's name in its markers
   * @param rendered the section's text as the code declares it today
   */
  public static void assertSection(String doc, String section, String rendered) throws IOException {
    Path file = projectDir().resolve(doc);
    assertThat(file).as("the document holding section " + section).isRegularFile();
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String begin = "<!-- generated:" + section + " -->\n";
    String end = "<!-- end:" + section + " -->";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    assertThat(from)
        .as("%s has no line '%s' followed later by '%s'", doc, begin.strip(), end)
        .isNotNegative()
        .isLessThan(to);
    String current = text.substring(from + begin.length(), to);
    String wanted = rendered.strip() + "\n";
    if (Boolean.getBoolean("ctrflow.docs.update")) {
      Files.writeString(
          file,
          text.substring(0, from + begin.length()) + wanted + text.substring(to),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(current)
        .as(
            "%s, section %s, is out of date with the declared options; rerun this test with"
                + " -Dctrflow.docs.update=true to rewrite it",
            doc, section)
        .isEqualTo(wanted);
  }

  private static Path projectDir() {
    String dir = System.getProperty("ctrflow.project.dir");
    assertThat(dir).as("system property ctrflow.project.dir (set by surefire)").isNotBlank();
    return Path.of(dir);
  }
}
