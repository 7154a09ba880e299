package tandem.engine.layering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's packages depend only downward (see {@link EngineLayers}), and the check does catch an upward import. */
class LayeringTest {
    private static final String FIXTURE = "tandem.engine.layering.fixture";

    @Test
    void everyEngineDependencyPointsDown() {
        JavaClasses engine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("tandem.engine");
        assertTrue(engine.size() > 200, "the engine's classes were found: " + engine.size());
        List<String> violations = EngineLayers.violations(engine, "tandem.engine");
        assertEquals(List.of(), violations, "upward dependencies:\n" + String.join("\n", violations));
    }

    @Test
    void aPlantedUpwardImportFails() {
        JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);
        List<String> violations = EngineLayers.violations(fixture, FIXTURE);
        // api.PlantedValue imports runtime.Loop (upward) and cpu.CpuKernel imports vulkan.VulkanKernel
        // (upward, and cpu -> vulkan); runtime.Loop's import of api.PlantedValue points down and is fine.
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("api uses no higher layer")
                && v.contains(FIXTURE + ".api.PlantedValue") && v.contains(FIXTURE + ".runtime.Loop")), String.join("\n", violations));
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("cpu never uses vulkan")
                && v.contains(FIXTURE + ".vulkan.VulkanKernel")), String.join("\n", violations));
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("every package has a layer")
                && v.contains(FIXTURE + ".stray.Unplaced")), String.join("\n", violations));
        assertTrue(violations.stream().noneMatch(v -> v.startsWith("runtime uses no higher layer")), String.join("\n", violations));
        // cli.RunCommand imports vulkan (a user command past the API); cli.KernelCheckCommand may, being a tool command
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("the CLI's user commands use only")
                && v.contains(FIXTURE + ".cli.RunCommand")), String.join("\n", violations));
        assertTrue(violations.stream().noneMatch(v -> v.startsWith("the CLI's user commands use only")
                && v.contains(FIXTURE + ".cli.KernelCheckCommand")), String.join("\n", violations));
    }
}
