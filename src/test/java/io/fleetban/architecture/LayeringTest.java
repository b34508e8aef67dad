package io.fleetban.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md: core and agent run without Quarkus, Jakarta or Hibernate on the class path. */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetban");

    @Test
    void coreDependsOnTheJdkOnly() {
        noClasses().that().resideInAPackage("io.fleetban.core..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.fleetban.core..", "java..", "javax..")
                .check(CLASSES);
    }

    @Test
    void agentUsesNoFramework() {
        noClasses().that().resideInAPackage("io.fleetban.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "org.hibernate..",
                        "io.fleetban.controller..", "io.smallrye..", "io.vertx..")
                .check(CLASSES);
    }

    @Test
    void coreAndAgentDoNotReachIntoTheController() {
        noClasses().that().resideInAnyPackage("io.fleetban.core..", "io.fleetban.agent..")
                .should().dependOnClassesThat().resideInAPackage("io.fleetban.controller..")
                .check(CLASSES);
    }
}
