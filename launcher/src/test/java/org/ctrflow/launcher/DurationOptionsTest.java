package org.ctrflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.ctrflow.launcher.testing.CtrflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every duration option takes a number and a unit; the old forms say what to write instead. */
@Timeout(30)
class DurationOptionsTest {

  @Test
  void anOldOptionNameIsAUsageErrorShowingTheNewOneWithTheValueConverted() {
    CtrflowRun.Result run = CtrflowRun.run("replay", "--interval-ms", "500");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.output())
        .contains("--interval-ms was replaced by --interval; write --interval 500ms");

    run = CtrflowRun.run("bench", "pipeline", "--checkpoint-interval-ms=1000");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.output())
        .contains(
            "--checkpoint-interval-ms was replaced by --checkpoint-interval;"
                + " write --checkpoint-interval 1000ms");
  }

  @Test
  void isoTextAndABareNumberAreRefusedWithTheAcceptedForm() {
    CtrflowRun.Result iso = CtrflowRun.run("cluster", "start", "--timeout", "PT90S");
    assertThat(iso.code()).isEqualTo(2);
    assertThat(iso.output()).contains("'PT90S'").contains("write 90 s");

    CtrflowRun.Result bare = CtrflowRun.run("demo", "--duration", "60");
    assertThat(bare.code()).isEqualTo(2);
    assertThat(bare.output()).contains("'60' has no unit; write e.g. 60ms or 60s");
  }
}
