package org.ctrflow.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.ctrflow.jobs.training.TrainingJobOptions;
import org.ctrflow.models.archfixture.ModelReachesIntoFlink;
import org.ctrflow.serving.archfixture.ServerReachesIntoJobs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering of docs/architecture.md, checked on the compiled classes of every module:
 * those on the launcher's class path, and the labeling queue's, read from its build output (it
 * never shares a class path with Flink). Every layer must hold classes and every rule must match
 * some, so a renamed package fails here instead of passing unchecked. (Module-level bans on Flink
 * and rocksdbjni are enforced per module by the Maven enforcer; this test catches class-level
 * reaches across layers.)
 */
class ArchitectureTest {

  private static final String[] BELOW_JOBS = {
    "org.ctrflow.connectors..",
    "org.ctrflow.models..",
    "org.ctrflow.memnet..",
    "org.ctrflow.activelearning.strategies.."
  };

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

  /** ctrflow's own classes: module output folders in a reactor build, or the modules' jars. */
  private static boolean isCtrflowModule(Location location) {
    return location.contains("/target/classes/")
        || location.matches(java.util.regex.Pattern.compile(".*/ctrflow-[a-z-]+-[^/]*\\.jar!/.*"));
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

  /**
   * Planted violations (test classes in the layers' packages): a models class using Flink, a
   * serving class using the jobs, a contracts class using Flink and the launcher.
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
                TrainingJobOptions.class);
    assertThatThrownBy(() -> noFlinkBelowJobs().check(bad))
        .hasMessageContaining("ModelReachesIntoFlink")
        .hasMessageContaining("ReachesIntoFlink")
        .hasMessageContaining("JobID");
    assertThatThrownBy(() -> layering().check(bad))
        .hasMessageContaining("ServerReachesIntoJobs")
        .hasMessageContaining("TrainingJobOptions");
    assertThatThrownBy(() -> noFlinkInServices().check(bad))
        .hasMessageContaining("ServerReachesIntoJobs");
  }

  private static ArchRule layering() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("Contracts")
        .definedBy("org.ctrflow.connectors..")
        .layer("Models")
        .definedBy("org.ctrflow.models..", "org.ctrflow.memnet..")
        .layer("Strategies")
        .definedBy("org.ctrflow.activelearning.strategies..")
        .layer("Jobs")
        .definedBy("org.ctrflow.jobs..")
        .layer("Serving")
        .definedBy("org.ctrflow.serving..")
        .layer("Queue")
        .definedBy("org.ctrflow.labelqueue..")
        .layer("Launcher")
        .definedBy("org.ctrflow.launcher..")
        .whereLayer("Launcher")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("Jobs")
        .mayOnlyBeAccessedByLayers("Launcher")
        .whereLayer("Serving")
        .mayOnlyBeAccessedByLayers("Launcher")
        .whereLayer("Queue")
        .mayOnlyBeAccessedByLayers("Launcher")
        .whereLayer("Strategies")
        .mayOnlyBeAccessedByLayers("Jobs", "Serving", "Queue", "Launcher")
        .whereLayer("Models")
        .mayOnlyBeAccessedByLayers("Strategies", "Jobs", "Serving", "Queue", "Launcher");
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
}
