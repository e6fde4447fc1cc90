package dev.ledger;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The layout is the architecture: the pure domain at the bottom, one shared pipeline from record to
 * decision above it, a {@code replay} and a {@code group} package that never import each other,
 * the choice of mode above both, REST on top; and no cycle between packages.
 *
 * <p>None of the rules allows an empty "should": each fails if its packages are renamed away. The
 * plain tests at the end show each rule can fail, by evaluating it on classes that do break it.
 */
@AnalyzeClasses(packages = "dev.ledger", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String DOMAIN = "dev.ledger.domain..";
    private static final String REST = "dev.ledger.rest..";

    private static final ArchRule DOMAIN_DEPENDS_ONLY_ON_THE_JDK = classes()
            .that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN)
            .because("the ledger's rules are one pure function shared by both consumption modes");

    private static final ArchRule DOMAIN_USES_NO_FRAMEWORK = usesNoFramework(DOMAIN);

    private static final ArchRule REST_IS_NOT_USED_BY_THE_CORE =
            restIsNotUsedBy("dev.ledger.pipeline..", "dev.ledger.replay..", "dev.ledger.group..", "dev.ledger.mode..",
                    "dev.ledger.command..", DOMAIN);

    private static final ArchRule REPLAY_AND_GROUP_STAY_APART = modesApart("dev.ledger.replay..", "dev.ledger.group..");

    private static final ArchRule NO_PACKAGE_CYCLES = SlicesRuleDefinition.slices()
            .matching("dev.ledger.(*)..").should().beFreeOfCycles();

    // The rules run from @ArchTest methods, not @ArchTest fields: Maven Surefire 3.5.3 (the version
    // in the pom) silently skips @ArchTest fields (SUREFIRE-2298, TNG/ArchUnit#1442; fixed in 3.5.4).

    @ArchTest
    static void domainDependsOnlyOnTheJdkAndItself(JavaClasses classes) {
        DOMAIN_DEPENDS_ONLY_ON_THE_JDK.check(classes);
    }

    @ArchTest
    static void domainUsesNoFramework(JavaClasses classes) {
        DOMAIN_USES_NO_FRAMEWORK.check(classes);
    }

    @ArchTest
    static void restIsNotUsedByTheCore(JavaClasses classes) {
        REST_IS_NOT_USED_BY_THE_CORE.check(classes);
    }

    @ArchTest
    static void replayAndGroupNeverImportEachOther(JavaClasses classes) {
        REPLAY_AND_GROUP_STAY_APART.check(classes);
    }

    @ArchTest
    static void packagesHaveNoCycles(JavaClasses classes) {
        NO_PACKAGE_CYCLES.check(classes);
    }

    private static ArchRule modesApart(String replay, String group) {
        return CompositeArchRule.of(noClasses().that().resideInAPackage(replay).should().dependOnClassesThat().resideInAPackage(group))
                .and(noClasses().that().resideInAPackage(group).should().dependOnClassesThat().resideInAPackage(replay))
                .because("each mode holds everything it does; what both need lives in the pipeline");
    }

    private static ArchRule usesNoFramework(String... packages) {
        return noClasses()
                .that().resideInAnyPackage(packages)
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..", "jakarta..", "javax..", "com.fasterxml.jackson..", "org.apache.kafka..",
                        "io.smallrye..", "org.eclipse.microprofile..", "io.micrometer..", "io.vertx..", "org.hibernate..")
                .because("the domain core must stay free of Quarkus, Jakarta, Jackson, Kafka, Mutiny, SmallRye and Micrometer");
    }

    private static ArchRule restIsNotUsedBy(String... packages) {
        return noClasses()
                .that().resideInAnyPackage(packages)
                .should().dependOnClassesThat().resideInAPackage(REST)
                .because("the REST layer is an adapter at the edge; the core must not know about it");
    }

    @Test
    void jdkOnlyRuleCatchesADependencyOutsideTheJdk() {
        // The domain's own tests depend on JUnit and AssertJ: imported with them, the domain breaks the rule.
        var domainWithTests = new ClassFileImporter().importPackages("dev.ledger.domain");

        assertThat(DOMAIN_DEPENDS_ONLY_ON_THE_JDK.evaluate(domainWithTests).hasViolation()).isTrue();
    }

    @Test
    void frameworkRuleCatchesAFrameworkDependency() {
        // The messaging adapter uses Jackson, Quarkus and Kafka: the same rule pointed at it must break.
        assertThat(usesNoFramework("dev.ledger.pipeline..").evaluate(production()).hasViolation()).isTrue();
        assertThat(DOMAIN_USES_NO_FRAMEWORK.evaluate(production()).hasViolation()).isFalse();
    }

    @Test
    void restRuleCatchesAClassThatUsesRest() {
        // The REST package uses itself: the same rule pointed at it must break.
        assertThat(restIsNotUsedBy(REST).evaluate(production()).hasViolation()).isTrue();
        assertThat(REST_IS_NOT_USED_BY_THE_CORE.evaluate(production()).hasViolation()).isFalse();
    }

    @Test
    void modeRuleCatchesAPackageThatUsesTheOther() {
        // The mode selection uses both modes: pointed at it and one of them, the rule must break.
        assertThat(noClasses().that().resideInAPackage("dev.ledger.mode..").should().dependOnClassesThat()
                .resideInAPackage("dev.ledger.group..").evaluate(production()).hasViolation()).isTrue();
        assertThat(REPLAY_AND_GROUP_STAY_APART.evaluate(production()).hasViolation()).isFalse();
    }

    @Test
    void cycleRuleCatchesACycle() {
        // java.util.concurrent and its locks use each other (ReentrantLock, TimeUnit): a cycle.
        var concurrency = new ClassFileImporter().importPackages("java.util.concurrent");
        assertThat(SlicesRuleDefinition.slices().matching("java.util.(**)").should().beFreeOfCycles()
                .evaluate(concurrency).hasViolation()).isTrue();
        assertThat(NO_PACKAGE_CYCLES.evaluate(production()).hasViolation()).isFalse();
    }

    private static JavaClasses production() {
        return new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages("dev.ledger");
    }
}
