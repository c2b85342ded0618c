package org.ctrflow.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module layering of docs/architecture.md, checked on the compiled classes of every module on
 * the launcher's class path. (Module-level bans on Flink and rocksdbjni are enforced per module by
 * the Maven enforcer; this test catches class-level reaches across layers.)
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ArchitectureTest::isCtrflowModule)
            .importPackages("org.ctrflow");
  }

  /** ctrflow's own classes: module output folders in a reactor build, or the modules' jars. */
  private static boolean isCtrflowModule(com.tngtech.archunit.core.importer.Location location) {
    return location.contains("/target/classes/")
        || location.matches(java.util.regex.Pattern.compile(".*/ctrflow-[a-z-]+-[^/]*\\.jar!/.*"));
  }

  @Test
  void theModulesAreOnTheClassPath() {
    // Guards the rules below against passing vacuously on an empty import.
    org.assertj.core.api.Assertions.assertThat(
            classes.containPackage("org.ctrflow.connectors.events"))
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.ctrflow.jobs.kafka"))
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.ctrflow.models.blocks"))
        .isTrue();
    org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.ctrflow.memnet"))
        .isTrue();
  }

  @Test
  void theRulesCatchAViolation() {
    JavaClasses bad =
        new ClassFileImporter()
            .importClasses(
                org.ctrflow.connectors.archfixture.ReachesIntoFlink.class, StateDir.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> layering().check(bad))
        .hasMessageContaining("ReachesIntoFlink")
        .hasMessageContaining("StateDir");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> noFlinkBelowJobs().check(bad))
        .hasMessageContaining("JobID");
  }

  @Test
  void layersOnlyReachDownwards() {
    layering().check(classes);
  }

  @Test
  void contractsModelsAndStrategiesNeverSeeFlinkOrRocksDb() {
    noFlinkBelowJobs().check(classes);
  }

  private static com.tngtech.archunit.lang.ArchRule layering() {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
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

  private static com.tngtech.archunit.lang.ArchRule noFlinkBelowJobs() {
    return noClasses()
        .that()
        .resideInAnyPackage(
            "org.ctrflow.connectors..",
            "org.ctrflow.models..",
            "org.ctrflow.memnet..",
            "org.ctrflow.activelearning.strategies..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.flink..", "org.rocksdb..")
        .because("they are reused outside Flink: by the model server and the labeling queue");
  }

  @Test
  void servingAndQueueNeverSeeFlink() {
    noClasses()
        .that()
        .resideInAnyPackage("org.ctrflow.serving..", "org.ctrflow.labelqueue..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.flink..")
        .because("they run as their own processes, beside Flink, not in it")
        // The serving and queue modules land after this rule; until then it has nothing to check.
        .allowEmptyShould(true)
        .check(classes);
  }
}
