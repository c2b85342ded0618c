package org.ctrflow.launcher;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.core.importer.Locations;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ctrflow.connectors.archfixture.ReachesIntoFlink;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.jobs.training.TrainingJobOptions;
import org.ctrflow.launcher.archfixture.ReachesIntoBenchmarksAndTests;
import org.ctrflow.launcher.models.BenchCommand;
import org.ctrflow.models.archfixture.ModelReachesIntoFlink;
import org.ctrflow.serving.archfixture.ServerReachesIntoJobs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering of docs/concepts/architecture.md, checked on the compiled classes of every
 * module: those on the benchmarks module's class path (it sits on top of all others; the testing
 * module's test helpers are on its test class path), and the labeling queue's, read from its build
 * output (it never shares a class path with Flink). The benchmarks and testing modules keep the
 * packages of the code they hold, so their layers are told by module, the others by package. Every
 * layer must hold classes and every rule must match some, so a renamed package fails here instead
 * of passing unchecked. (Module-level bans on Flink and rocksdbjni are enforced per module by the
 * Maven enforcer; this test catches class-level reaches across layers.)
 */
class ArchitectureTest {

  private static final String[] BELOW_JOBS = {
    "org.ctrflow.connectors..",
    "org.ctrflow.models..",
    "org.ctrflow.memnet..",
    "org.ctrflow.activelearning.strategies.."
  };

  private static final DescribedPredicate<JavaClass> BENCHMARKS = inModule("benchmarks");
  private static final DescribedPredicate<JavaClass> TESTING = inModule("testing");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    Path queue =
        Path.of(System.getProperty("ctrflow.project.dir", ".."))
            .resolve("active-learning/labeling-queue/target/classes");
    assertThat(queue).as("the labeling queue's classes (built before the launcher)").isDirectory();
    Set<Location> locations = new HashSet<>(Locations.ofPackage("org.ctrflow"));
    locations.add(Location.of(queue));
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ArchitectureTest::isCtrflowModule)
            .importLocations(locations);
  }

  /** Main classes of the module in folder {@code module}: its build output or its jar. */
  private static DescribedPredicate<JavaClass> inModule(String module) {
    return DescribedPredicate.describe(
        "in module " + module,
        c ->
            c.getSource()
                .map(s -> s.getUri().toString())
                .filter(
                    uri ->
                        uri.contains("/" + module + "/target/classes/")
                            || uri.contains("/ctrflow-" + module + "-")
                            || uri.contains("/ctrflow-" + module + ".jar!"))
                .isPresent());
  }

  /** Classes of {@code packages} outside the benchmarks and testing modules. */
  private static DescribedPredicate<JavaClass> layer(String... packages) {
    return resideInAnyPackage(packages).and(not(BENCHMARKS)).and(not(TESTING));
  }

  /**
   * ctrflow's own main classes: module output folders in a reactor build, or the modules' jars
   * ({@code ctrflow-models-<version>.jar}, the launcher's {@code ctrflow.jar}), never their test
   * jars.
   */
  private static boolean isCtrflowModule(Location location) {
    return location.contains("/target/classes/")
        || (location.matches(
                java.util.regex.Pattern.compile(".*/ctrflow(-[a-z-]+)?(-[^/]*)?\\.jar!/.*"))
            && !location.contains("-tests.jar!"));
  }

  @Test
  void everyModuleIsImported() {
    for (String module :
        List.of(
            "org.ctrflow.connectors.events",
            "org.ctrflow.models.blocks",
            "org.ctrflow.memnet",
            "org.ctrflow.activelearning.strategies",
            "org.ctrflow.jobs.kafka",
            "org.ctrflow.serving",
            "org.ctrflow.labelqueue",
            "org.ctrflow.launcher")) {
      assertThat(classes.containPackage(module)).as(module).isTrue();
    }
    assertThat(classes.that(BENCHMARKS)).as("benchmarks").isNotEmpty();
    assertThat(classes.that(TESTING)).as("testing").isNotEmpty();
  }

  @Test
  void layersOnlyReachDownwards() {
    layering().check(classes);
  }

  @Test
  void contractsModelsAndStrategiesNeverSeeFlinkOrRocksDb() {
    noFlinkBelowJobs().check(classes);
  }

  @Test
  void servingAndQueueNeverSeeFlink() {
    noFlinkInServices().check(classes);
  }

  @Test
  void mainCodeNeverSeesTestFrameworks() {
    noTestFrameworksInMainCode().check(classes);
  }

  /**
   * Planted violations (test classes in the layers' packages): a models class using Flink, a
   * serving class using the jobs, a contracts class using Flink and the launcher, a launcher class
   * using a bench command, the testing module and JUnit.
   */
  @Test
  void theRulesCatchPlantedViolations() {
    JavaClasses bad =
        new ClassFileImporter()
            .importClasses(
                ModelReachesIntoFlink.class,
                ServerReachesIntoJobs.class,
                ReachesIntoFlink.class,
                StateDir.class,
                TrainingJobOptions.class,
                ReachesIntoBenchmarksAndTests.class,
                BenchCommand.class,
                KafkaBrokerExtension.class);
    assertThatThrownBy(() -> noFlinkBelowJobs().check(bad))
        .hasMessageContaining("ModelReachesIntoFlink")
        .hasMessageContaining("ReachesIntoFlink")
        .hasMessageContaining("JobID");
    assertThatThrownBy(() -> layering().check(bad))
        .hasMessageContaining("ServerReachesIntoJobs")
        .hasMessageContaining("TrainingJobOptions")
        .hasMessageContaining("ReachesIntoBenchmarksAndTests")
        .hasMessageContaining("BenchCommand")
        .hasMessageContaining("KafkaBrokerExtension");
    assertThatThrownBy(() -> noTestFrameworksInMainCode().check(bad))
        .hasMessageContaining("ReachesIntoBenchmarksAndTests")
        .hasMessageContaining("org.junit");
    assertThatThrownBy(() -> noFlinkInServices().check(bad))
        .hasMessageContaining("ServerReachesIntoJobs");
  }

  private static ArchRule layering() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Contracts")
        .definedBy(layer("org.ctrflow.connectors.."))
        .layer("Models")
        .definedBy(layer("org.ctrflow.models..", "org.ctrflow.memnet.."))
        .layer("Strategies")
        .definedBy(layer("org.ctrflow.activelearning.strategies.."))
        .layer("Jobs")
        .definedBy(layer("org.ctrflow.jobs.."))
        .layer("Serving")
        .definedBy(layer("org.ctrflow.serving.."))
        .layer("Queue")
        .definedBy(layer("org.ctrflow.labelqueue.."))
        .layer("Launcher")
        .definedBy(layer("org.ctrflow.launcher.."))
        .layer("Benchmarks")
        .definedBy(BENCHMARKS)
        .layer("Testing")
        .definedBy(TESTING)
        .whereLayer("Testing")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Benchmarks")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Launcher")
        .mayOnlyBeAccessedByLayers("Benchmarks")
        .whereLayer("Jobs")
        .mayOnlyBeAccessedByLayers("Launcher", "Benchmarks")
        .whereLayer("Serving")
        .mayOnlyBeAccessedByLayers("Launcher", "Benchmarks")
        .whereLayer("Queue")
        .mayOnlyBeAccessedByLayers("Launcher", "Benchmarks")
        .whereLayer("Strategies")
        .mayOnlyBeAccessedByLayers("Jobs", "Serving", "Queue", "Launcher", "Benchmarks")
        .whereLayer("Models")
        .mayOnlyBeAccessedByLayers(
            "Strategies", "Jobs", "Serving", "Queue", "Launcher", "Benchmarks");
  }

  private static ArchRule noFlinkBelowJobs() {
    return noClasses()
        .that()
        .resideInAnyPackage(BELOW_JOBS)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.flink..", "org.rocksdb..")
        .because("they are reused outside Flink: by the model server and the labeling queue");
  }

  private static ArchRule noFlinkInServices() {
    return noClasses()
        .that()
        .resideInAnyPackage("org.ctrflow.serving..", "org.ctrflow.labelqueue..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.flink..", "org.ctrflow.jobs..")
        .because("they run as their own processes, beside Flink, not in it");
  }

  private static ArchRule noTestFrameworksInMainCode() {
    return noClasses()
        .that(not(TESTING))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.junit..", "org.opentest4j..", "org.testcontainers..")
        .because("test helpers live in the testing module, which main code never depends on");
  }
}
