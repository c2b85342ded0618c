package org.ctrflow.launcher.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class QueueClasspathTest {

  @TempDir Path dir;

  @Test
  void theLaunchersOwnClassPathHoldsNoRocksdbjni() {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    assertThat(
            Arrays.stream(cp.split(File.pathSeparator))
                .map(p -> Path.of(p).getFileName().toString()))
        .noneMatch(name -> name.startsWith("rocksdbjni"))
        .anyMatch(name -> name.startsWith("frocksdbjni"));
  }

  @Test
  void theQueueClassPathIsItsJarAndLibDirectory() throws Exception {
    Files.createDirectories(dir.resolve("lib"));
    Files.writeString(dir.resolve(QueueClasspath.JAR), "");
    Files.writeString(dir.resolve("lib/rocksdbjni-10.10.1.jar"), "");
    Files.writeString(dir.resolve("lib/javalin-7.2.3.jar"), "");
    assertThat(QueueClasspath.of(dir).split(File.pathSeparator))
        .containsExactly(
            dir.resolve(QueueClasspath.JAR).toString(),
            dir.resolve("lib/javalin-7.2.3.jar").toString(),
            dir.resolve("lib/rocksdbjni-10.10.1.jar").toString());
  }

  @Test
  void refusesAClassPathWithFlinkAndExplainsAMissingBuild() throws Exception {
    assertThatThrownBy(() -> QueueClasspath.of(dir))
        .hasMessageContaining("not built")
        .hasMessageContaining(QueueClasspath.HOME_ENV);
    Files.createDirectories(dir.resolve("lib"));
    Files.writeString(dir.resolve(QueueClasspath.JAR), "");
    Files.writeString(dir.resolve("lib/frocksdbjni-8.10.0.jar"), "");
    assertThatThrownBy(() -> QueueClasspath.of(dir)).hasMessageContaining("without Flink");
  }
}
