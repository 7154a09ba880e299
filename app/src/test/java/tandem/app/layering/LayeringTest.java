package tandem.app.layering;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.Engine;
import tandem.engine.server.HttpApi;

/**
 * The app uses the engine's public API alone: the front doors {@link Engine} (local models) and
 * {@link HttpApi} (serving, remote servers), and the types of tandem.engine.api.
 */
class LayeringTest {
    private static ArchRule appUsesApiOnly(String appRoot) {
        return noClasses().that().resideInAPackage(appRoot + "..")
                .should().dependOnClassesThat(resideInAPackage("tandem.engine..")
                        .and(not(resideInAPackage("tandem.engine.api..")))
                        .and(not(equivalentTo(Engine.class)))
                        .and(not(equivalentTo(HttpApi.class))))
                .as("the app uses only Engine, HttpApi and tandem.engine.api");
    }

    private static List<String> violations(JavaClasses classes, String appRoot) {
        return appUsesApiOnly(appRoot).evaluate(classes).getFailureReport().getDetails();
    }

    @Test
    void theAppUsesOnlyTheEngineApi() {
        JavaClasses app = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("tandem.app");
        assertTrue(app.size() > 50, "the app's classes were found: " + app.size());
        List<String> violations = violations(app, "tandem.app");
        assertEquals(List.of(), violations, "the app reaches past the engine's API:\n" + String.join("\n", violations));
    }

    @Test
    void aPlantedImportOfEngineInternalsFails() {
        String fixture = "tandem.app.layering.fixture";
        List<String> violations = violations(new ClassFileImporter().importPackages(fixture), fixture);
        assertTrue(violations.stream().anyMatch(v -> v.contains(fixture + ".ReachesIn") && v.contains("tandem.engine.gguf.GgufFile")),
                String.join("\n", violations));
        assertTrue(violations.stream().noneMatch(v -> v.contains("tandem.engine.api.") || v.contains("tandem.engine.Engine")),
                String.join("\n", violations));
    }
}
