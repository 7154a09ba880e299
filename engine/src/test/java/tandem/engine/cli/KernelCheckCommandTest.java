package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import tandem.engine.api.DeviceInfo;
import tandem.engine.Engine;
import tandem.engine.vulkan.Kernels;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.PromptKernel;

/** {@code tandem kernel-check} on device 0 (lavapipe in CI: the scalar kernels checked, coopmat unavailable). */
class KernelCheckCommandTest {
    @Test
    void checksEveryTypeThroughEveryPromptKernelOfTheDevice() {
        CliRun run = CliRun.of("kernel-check", "--devices", "0", "--shapes", "100x256x37", "--repeats", "1");
        assertEquals(0, run.status(), run.err());
        DeviceInfo device = Engine.devices().getFirst();
        List<String> rows = run.out().lines().filter(l -> l.startsWith("| 0 |")).toList();
        List<String> expected = new ArrayList<>();
        for (String type : Kernels.WEIGHT_TYPES.stream().map(t -> t.label()).toList()) {
            for (PromptKernel k : PromptKernel.values()) {
                boolean available = k != PromptKernel.COOPMAT || PromptKernel.choose(device) == PromptKernel.COOPMAT;
                expected.add(type + " " + k.label() + " " + (available ? "PASS" : "unavailable"));
            }
        }
        List<String> seen = rows.stream().map(KernelCheckCommandTest::typeKernelResult).toList();
        assertEquals(expected.stream().sorted().toList(), seen.stream().sorted().toList(), run.out());
        assertTrue(run.err().contains("all PASS"), run.err());
    }

    /** "| 0 | q4_0 | 100x256x37 | matmul | 2.07e-07 | 1e-04 | PASS | ..." -> "q4_0 matmul PASS". */
    private static String typeKernelResult(String row) {
        String[] cells = row.split("\\|");
        assertEquals("100x256x37", cells[3].strip(), row);
        return cells[2].strip() + " " + cells[4].strip() + " " + cells[7].strip();
    }

    /** Shapes of fewer tokens than the prompt kernels take add a row for the decode kernel (K-quants: its slices). */
    @Test
    void aShapeOfFewTokensAlsoChecksTheDecodeKernel() {
        CliRun run = CliRun.of("kernel-check", "--devices", "0", "--shapes", "37x768x2", "--types", "q4_k,q5_k,q8_0", "--repeats", "1");
        assertEquals(0, run.status(), run.err());
        List<String> decode = run.out().lines().filter(l -> l.startsWith("| 0 |") && l.contains("| decode |")).toList();
        assertEquals(3, decode.size(), run.out());
        for (String row : decode) assertTrue(row.contains("| PASS |"), row);
    }

    /** ... and for the types with int8 products a row for those (opt-in kernels, checked whatever the property says). */
    @Test
    void aShapeOfFewTokensChecksTheInt8DecodeKernelOfItsTypes() {
        CliRun run = CliRun.of("kernel-check", "--devices", "0", "--shapes", "37x768x3", "--types", "q4_0,q4_k,mxfp4,q5_k,q6_k,q8_0", "--repeats", "1");
        assertEquals(0, run.status(), run.err());
        List<String> int8 = run.out().lines().filter(l -> l.startsWith("| 0 |") && l.contains("| decode-int8 |")).toList();
        assertEquals(List.of("q4_0", "q4_k", "q5_k", "q6_k", "q8_0"), int8.stream().map(l -> l.split("\\|")[2].strip()).toList(), run.out());
        for (String row : int8) assertTrue(row.contains("| PASS |"), row);
    }

    @Test
    void aShapeNotWholeBlocksOfEveryTypeIsOneLineError() {
        CliRun run = CliRun.of("kernel-check", "--shapes", "100x200x5");
        assertEquals(1, run.status());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("multiple of 256"), run.err());
    }

    @Test
    void aTypeWithoutGpuKernelsIsNamed() {
        CliRun run = CliRun.of("kernel-check", "--types", "q4_0,iq2_xxs");
        assertEquals(1, run.status());
        assertTrue(run.err().toLowerCase(Locale.ROOT).contains("no gpu kernels for iq2_xxs"), run.err());
    }
}
