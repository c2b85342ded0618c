package org.ctrflow.jobs.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shaded job jar holds the jobs, ctrflow's contracts, the Kafka connector and kafka-clients,
 * and nothing the cluster provides: no Flink runtime (a second copy would clash with the
 * cluster's), no DJL or PyTorch natives (loaded once per JVM from the cluster's class path), no
 * RocksDB (only Flink's frocksdbjni may run beside Flink), no logging backend. Runs after {@code
 * package}.
 */
class ShadedJobJarIT {

  /** The only Flink packages a job may carry: the connectors the cluster does not ship. */
  private static final List<String> FLINK_ALLOWED =
      List.of(
          "org/apache/flink/connector/kafka/",
          "org/apache/flink/connector/base/",
          "org/apache/flink/streaming/connectors/kafka/",
          "org/apache/flink/streaming/util/serialization/");

  @Test
  @Timeout(60)
  void holdsTheJobsAndConnectorButNoFlinkRuntimeDjlOrRocksDb() throws Exception {
    Path jar = Path.of(System.getProperty("ctrflow.job.jar", "target/missing-job.jar"));
    assertThat(jar).as("the shaded job jar; build it with `mvn package`").exists();
    System.out.printf("job jar %s: %.1f MB%n", jar.getFileName(), Files.size(jar) / 1e6);
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> entries = file.stream().map(ZipEntry::getName).toList();
      assertThat(entries)
          .contains(
              "org/ctrflow/jobs/join/LabelJoinJob.class",
              "org/ctrflow/connectors/events/Impression.class",
              "org/apache/flink/connector/kafka/source/KafkaSource.class",
              "org/apache/kafka/clients/producer/KafkaProducer.class");
      assertThat(entries)
          .filteredOn(e -> e.startsWith("org/apache/flink/") && e.endsWith(".class"))
          .allSatisfy(e -> assertThat(FLINK_ALLOWED).anyMatch(e::startsWith));
      assertThat(entries)
          .noneMatch(e -> e.startsWith("ai/djl/"))
          .noneMatch(e -> e.startsWith("org/rocksdb/"))
          .noneMatch(e -> e.contains("librocksdbjni") || e.contains("libtorch"))
          .noneMatch(e -> e.startsWith("org/slf4j/") || e.startsWith("org/apache/logging/"));
    }
  }
}
