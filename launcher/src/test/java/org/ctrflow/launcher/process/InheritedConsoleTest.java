package org.ctrflow.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The redirection {@code bin/ctrflow demo} makes, with {@code > out 2>&1} around it: the console on
 * descriptor 3, the process's stderr in a file. What the JVM prints lands on the console in order
 * with stdout; what is written to descriptor 2 directly, as native code does, lands in the file.
 */
@Timeout(60)
class InheritedConsoleTest {

  @TempDir Path dir;

  /** Stands for the demo: lines on System.err and stdout, and one written natively to fd 2. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      InheritedConsole.adopt();
      System.err.println("ctrflow demo: status");
      try (FileOutputStream fd2 = new FileOutputStream(FileDescriptor.err)) {
        fd2.write(NATIVE.getBytes(StandardCharsets.UTF_8));
        fd2.flush();
      }
      System.out.println("summary");
      System.out.flush();
      System.err.println("ctrflow demo: stopped");
    }
  }

  private static final String NATIVE =
      "[W1204 05:02:14.325 LegacyTypeDispatch.h:74] Warning: native\n";

  @Test
  void theJvmWritesToTheConsoleAndNativeStderrGoesToTheFile() throws Exception {
    Path out = dir.resolve("out");
    Path nativeLog = dir.resolve("native-stderr.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String script =
        "CTRFLOW_CONSOLE_FD=3 \"$0\" --add-opens=java.base/java.io=ALL-UNNAMED -cp \"$1\" '"
            + Child.class.getName()
            + "' > \"$2\" 2>&1 3>&2 2>\"$3\"";
    Process p =
        new ProcessBuilder(
                List.of(
                    "bash",
                    "-c",
                    script,
                    java,
                    System.getProperty("java.class.path"),
                    out.toString(),
                    nativeLog.toString()))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(50, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

    assertThat(Files.readAllLines(out, StandardCharsets.UTF_8))
        .containsExactly("ctrflow demo: status", "summary", "ctrflow demo: stopped");
    assertThat(Files.readString(nativeLog, StandardCharsets.UTF_8)).isEqualTo(NATIVE);
  }
}
