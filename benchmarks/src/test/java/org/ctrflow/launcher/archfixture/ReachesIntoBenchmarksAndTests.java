package org.ctrflow.launcher.archfixture;

import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.launcher.models.BenchCommand;
import org.junit.jupiter.api.Assumptions;

/**
 * A planted violation for ArchitectureTest: a launcher class using a bench command (the benchmarks
 * module sits above the launcher), the testing module and JUnit (test-only, never main code).
 */
public final class ReachesIntoBenchmarksAndTests {

  private ReachesIntoBenchmarksAndTests() {}

  public static Object reach() {
    Assumptions.assumeTrue(true);
    return new Object[] {new BenchCommand(), new KafkaBrokerExtension()};
  }
}
