package org.ctrflow.launcher.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/how-to/train-on-your-own-data.md, "Train on your own data", runs as written: its {@code
 * bash} blocks in order, in one bash from the repository root, with {@code bin/ctrflow} on the
 * packaged launcher (after {@code package}). Only the variables of its first block are set from
 * outside (free ports, a temporary state directory, the shared dataset folder), as the page says
 * they may be. From a CSV file to a schema, a prequential pass, a broker, a session cluster, the
 * label-join and training jobs, a replay, and a model server answering a scoring request.
 */
class OwnDataHowToIT {

  private static final Path HOME = Path.of(System.getProperty("ctrflow.home", ".."));
  private static final Pattern BASH_BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path state;

  @Test
  @Timeout(900)
  void theHowToRunsAsWritten() throws Exception {
    Path data = SharedData.dataset("taobao_tiny_fuxictr/train_sample.csv").getParent();
    String page =
        Files.readString(
            HOME.resolve("docs/how-to/train-on-your-own-data.md"), StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    Matcher m = BASH_BLOCK.matcher(page);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks)
        .as("bash blocks of docs/how-to/train-on-your-own-data.md")
        .hasSizeGreaterThan(5);
    Path script = state.resolve("how-to.sh");
    Files.writeString(
        script, "set -euo pipefail\nset -x\n" + String.join("\n", blocks), StandardCharsets.UTF_8);
    Path output = state.resolve("how-to.log");
    ProcessBuilder builder =
        new ProcessBuilder("setsid", "bash", script.toString())
            .directory(HOME.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    var env = builder.environment();
    env.put("DATA", data.toString());
    env.put("CTRFLOW_STATE_DIR", state.resolve("ctrflow").toString());
    env.put("KAFKA_PORT", Integer.toString(freePair()));
    env.put("FLINK_PORT", Integer.toString(freePair()));
    env.put("SERVE_PORT", Integer.toString(Ports.freeLoopbackPort()));
    env.put("CTRFLOW_NO_REBUILD", "1");
    Process run = builder.start();
    try {
      boolean done = run.waitFor(840, TimeUnit.SECONDS);
      String log = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(done).as("the how-to finished in time; log:%n%s", tail(log)).isTrue();
      assertThat(run.exitValue()).as("exit code; log:%n%s", tail(log)).isZero();
      assertThat(log)
          .contains("wrote taobao.json")
          .contains("taobao.json: valid")
          .contains("all rows")
          .containsPattern("\\{\"model\":\"finalmlp\",\"version\":\\d+,\"scores\":\\[0\\.\\d+");
    } finally {
      if (run.isAlive()) {
        // The whole session: bash, the background model server and whatever it started.
        new ProcessBuilder("kill", "--", "-" + run.pid()).start().waitFor();
        run.waitFor(30, TimeUnit.SECONDS);
      }
      for (String component : List.of("cluster", "kafka")) {
        ProcessBuilder stop =
            new ProcessBuilder("bin/ctrflow", component, "stop")
                .directory(HOME.toFile())
                .redirectErrorStream(true)
                .redirectOutput(state.resolve(component + "-stop.log").toFile());
        stop.environment().putAll(env);
        stop.start().waitFor(120, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(HOME.resolve("taobao.json"));
    }
  }

  /** A free port whose successor is free too (the page uses port + 1 for the second listener). */
  private static int freePair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = Ports.freeLoopbackPort();
      if (port < 65_535) {
        try (var next =
            new java.net.ServerSocket(port + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no two adjacent free loopback ports");
  }

  private static String tail(String log) {
    return log.length() < 6000 ? log : log.substring(log.length() - 6000);
  }
}
