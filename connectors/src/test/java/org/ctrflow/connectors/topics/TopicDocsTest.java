package org.ctrflow.connectors.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the topic table of docs/concepts/architecture.md true to {@link Topic}. */
class TopicDocsTest {

  @Test
  void architectureDocListsEveryTopicWithItsSettings() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "concepts", "architecture.md"));
    Map<String, String[]> rows =
        lines.stream()
            .filter(l -> l.startsWith("| `"))
            .map(l -> l.split("\\|"))
            .collect(
                Collectors.toMap(
                    c -> c[1].trim().replace("`", ""), Function.identity(), (a, b) -> a));

    for (Topic topic : Topic.values()) {
      String[] row = rows.get(topic.suffix());
      assertThat(row)
          .as("row of topic %s in docs/concepts/architecture.md", topic.suffix())
          .isNotNull();
      TopicSpec spec = topic.spec("ctrflow");
      long retentionDays = Long.parseLong(spec.configs().get("retention.ms")) / 86_400_000L;
      assertThat(row[4].trim())
          .as("partitions of %s", topic)
          .isEqualTo(Integer.toString(spec.partitions()));
      assertThat(row[5].trim())
          .as("cleanup of %s", topic)
          .isEqualTo(spec.configs().get("cleanup.policy"));
      assertThat(row[6].trim()).as("retention of %s", topic).isEqualTo(retentionDays + " d");
      assertThat(row[7].trim())
          .as("max record of %s", topic)
          .isEqualTo((topic.maxMessageBytes() >> 20) + " MiB");
    }
  }

  @Test
  void specsCarryTheDeclaredSettings() {
    TopicSpec updates = Topic.MODEL_UPDATES.spec("team.ctr");
    assertThat(updates.name()).isEqualTo("team.ctr.model-updates");
    assertThat(updates.compacted()).isTrue();
    assertThat(Topic.IMPRESSIONS.spec("x").compacted()).isFalse();
    assertThat(Topic.DEAD_LETTER.spec("x").maxMessageBytes())
        .isEqualTo(2 * Topic.MAX_MESSAGE_BYTES);
    assertThat(Topic.specs("x")).hasSize(Topic.values().length);
  }

  @Test
  void badPrefixesAreRejectedWithAnExample() {
    for (String bad : new String[] {"", "a b", ".x", "x.", "a..b", "ü"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Topic.CLICKS.name(bad))
          .hasMessageContaining("e.g. 'ctrflow'");
    }
  }
}
