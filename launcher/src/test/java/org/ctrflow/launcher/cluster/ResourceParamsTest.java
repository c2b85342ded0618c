package org.ctrflow.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ResourceParamsTest {

  /** BashJavaUtils 2.3.0's GET_TM_RESOURCE_PARAMS output (shortened), after a log line. */
  private static final String TM_OUTPUT =
      """
      INFO  [] - Loading configuration property: taskmanager.numberOfTaskSlots, 2
      BASH_JAVA_UTILS_EXEC_RESULT:-Xmx697932173 -Xms697932173 -XX:MaxDirectMemorySize=300647712 -XX:MaxMetaspaceSize=268435456
      BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.memory.network.min=166429984b -D taskmanager.cpu.cores=2.0 -D external-resources=none
      """;

  @Test
  void parsesJvmArgumentsThenDynamicProperties() {
    ResourceParams params = ResourceParams.parse(TM_OUTPUT);

    assertEquals(
        List.of(
            "-Xmx697932173",
            "-Xms697932173",
            "-XX:MaxDirectMemorySize=300647712",
            "-XX:MaxMetaspaceSize=268435456"),
        params.jvmArgs());
    assertEquals(
        List.of(
            "-D",
            "taskmanager.memory.network.min=166429984b",
            "-D",
            "taskmanager.cpu.cores=2.0",
            "-D",
            "external-resources=none"),
        params.dynamicProperties());
  }

  @Test
  void rejectsOutputWithoutBothResultLines() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ResourceParams.parse("BASH_JAVA_UTILS_EXEC_RESULT:-Xmx1\nsome error\n"));
    assertTrue(e.getMessage().contains("expected 2 lines"), e.getMessage());
  }
}
