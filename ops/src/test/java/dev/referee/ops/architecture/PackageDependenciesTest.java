package dev.referee.ops.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package graph docs/architecture.md draws, enforced: the codec and transport module knows no engine, the
 * engine knows no operations code, and no two packages import each other (directly or round a loop). Main
 * classes of every module only; tests may reach anywhere.
 */
class PackageDependenciesTest
{
    /** proxy-core: SIP codec, configuration, transport and pipeline. */
    private static final String[] PROXY_CORE = {
        "dev.referee.sip..", "dev.referee.config..", "dev.referee.transport..", "dev.referee.pipeline..",
        "dev.referee.ring..", "dev.referee.capture.."};
    /** transfer-engine: the engine and what records it. */
    private static final String[] TRANSFER_ENGINE = {"dev.referee.engine..", "dev.referee.journal..", "dev.referee.cdr.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses()
    {
        // The other modules come as class folders (mvn test) or as their jars (mvn verify), both under a module's
        // target/: both are imported (libraries in ~/.m2 are not scanned); test classes are not, folder or test-jar.
        classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> location.contains("/target/") && !location.contains("-tests.jar"))
            .importPackages("dev.referee");
    }

    @Test
    void shouldKeepTheCodecAndTransportFreeOfTheEngineAndOfOperations()
    {
        noClasses().that().resideInAnyPackage(PROXY_CORE)
            .should().dependOnClassesThat().resideInAnyPackage(concat(TRANSFER_ENGINE, "dev.referee.ops.."))
            .check(classes);
    }

    @Test
    void shouldKeepTheEngineFreeOfOperations()
    {
        noClasses().that().resideInAnyPackage(TRANSFER_ENGINE)
            .should().dependOnClassesThat().resideInAnyPackage("dev.referee.ops..")
            .check(classes);
    }

    @Test
    void shouldKeepTheEngineFreeOfItsRecorders()
    {
        // The journal and call records observe the engine (through EngineEvents and its inputs); the engine never
        // calls them, so it runs the same with the journal on or off.
        noClasses().that().resideInAnyPackage("dev.referee.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.referee.journal..", "dev.referee.cdr..")
            .check(classes);
    }

    @Test
    void shouldKeepTheMediaRelayFreeOfSipOfTheEngineAndOfOperations()
    {
        // The relay is a data plane the engine drives through its command ring (docs/media.md): it knows ports and
        // packets, never SIP, calls or the node.
        noClasses().that().resideInAPackage("dev.referee.media..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(concat(TRANSFER_ENGINE, "dev.referee.ops.."),
                "dev.referee.sip.."))
            .check(classes);
    }

    @Test
    void shouldHaveNoPackageCycles()
    {
        slices().matching("dev.referee.(**)").should().beFreeOfCycles().check(classes);
    }

    private static String[] concat(final String[] packages, final String more)
    {
        final String[] all = java.util.Arrays.copyOf(packages, packages.length + 1);
        all[packages.length] = more;
        return all;
    }
}
