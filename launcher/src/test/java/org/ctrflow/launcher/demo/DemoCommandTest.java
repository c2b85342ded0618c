package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.ctrflow.launcher.CtrflowCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class DemoCommandTest {

  @TempDir Path dir;

  private String fails(String... args) {
    CommandLine cmd = CtrflowCommand.commandLine();
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 3];
    all[0] = "demo";
    all[1] = "--state-dir";
    all[2] = dir.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    assertThat(cmd.execute(all)).isEqualTo(2);
    return err.toString();
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingStarts() {
    assertThat(fails("--duration", "soon")).contains("--duration: 'soon' is not a duration");
    assertThat(fails("--duration", "0s")).contains("--duration: must be positive");
    assertThat(fails("--dataset", "mnist")).contains("--dataset: unknown 'mnist'");
    assertThat(fails("--dataset", "frappe")).contains("--dataset frappe needs --file");
    assertThat(fails("--file", "x.libfm")).contains("--file goes with --dataset");
    assertThat(fails("--rate", "0")).contains("--rate must be > 0");
    assertThat(fails("--drift", "5:wobble:1")).contains("unknown kind 'wobble'");
    assertThat(dir.resolve("demo")).doesNotExist();
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    assertThat(DemoCommand.parseDuration("--d", "90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DemoCommand.parseDuration("--d", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DemoCommand.parseDuration("--d", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DemoCommand.parseDuration("--d", "1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DemoCommand.parseDuration("--d", "2 min")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> DemoCommand.parseDuration("--d", "PT2M"))
        .hasMessage("--d: 'PT2M' is not a duration; ISO-8601 durations are not read; write 2 min");
    assertThatThrownBy(() -> DemoCommand.parseDuration("--d", "90"))
        .hasMessageContaining("has no unit");
    assertThatThrownBy(() -> DemoCommand.parseDuration("--d", "0s"))
        .hasMessageContaining("must be positive");
  }
}
