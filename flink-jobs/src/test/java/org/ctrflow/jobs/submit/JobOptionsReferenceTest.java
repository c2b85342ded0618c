package org.ctrflow.jobs.submit;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;
import org.apache.flink.util.TimeUtils;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.ctrflow.jobs.join.LabelJoinOptions;
import org.ctrflow.jobs.scoring.ScoringOptions;
import org.ctrflow.jobs.training.TrainingJobOptions;
import org.junit.jupiter.api.Test;

/**
 * docs/reference/configuration.md lists each job's options (what {@code ctrflow submit <job>}
 * passes to the job's {@code main}) as the jobs declare them.
 */
class JobOptionsReferenceTest {

  @Test
  void theJobSectionsMatchTheDeclaredOptions() throws Exception {
    GeneratedDocs.assertSection(
        "docs/reference/configuration.md", "label-join", table(LabelJoinOptions.allOptions()));
    GeneratedDocs.assertSection(
        "docs/reference/configuration.md", "training", table(TrainingJobOptions.ALL));
    GeneratedDocs.assertSection(
        "docs/reference/configuration.md", "scoring", table(ScoringOptions.allOptions()));
    GeneratedDocs.assertSection(
        "docs/concepts/jobs.md", "label-join-options", table(LabelJoinOptions.options()));
  }

  /** One Markdown table row per option: {@code --key}, default (blank: required), description. */
  static String table(List<ConfigOption<?>> options) {
    StringBuilder out = new StringBuilder("| option | default | description |\n|---|---|---|\n");
    HtmlFormatter formatter = new HtmlFormatter();
    for (ConfigOption<?> option : options) {
      out.append("| `--")
          .append(option.key())
          .append("` | ")
          .append(shown(option))
          .append(" | ")
          .append(formatter.format(option.description()).replace("|", "\\|").strip())
          .append(" |\n");
    }
    return out.toString();
  }

  private static String shown(ConfigOption<?> option) {
    Object value = option.hasDefaultValue() ? option.defaultValue() : "";
    String text =
        value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d) : String.valueOf(value);
    return text.isEmpty() ? "" : "`" + text + "`";
  }
}
