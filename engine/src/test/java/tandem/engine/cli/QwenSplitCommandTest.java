package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.engine.gguf.SharedData;
import tandem.engine.vulkan.WithoutValidationLayer;

/**
 * From the command line, end to end: {@code tandem synth --arch qwen2|qwen3} writes a tiny model,
 * and {@code tandem run} with a split over two logical devices generates, greedily, the text the
 * same model generates on one device.
 */
@ExtendWith(WithoutValidationLayer.class)
class QwenSplitCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} --split-mode {1} --split {2}")
    @CsvSource({"qwen2, tensor, '1,1'", "qwen3, tensor, '1,1'", "qwen3, layer, '1,3'"})
    void splitRunGeneratesTheOneDeviceText(String arch, String mode, String split) {
        String model = dir.resolve(arch + ".gguf").toString();
        CliRun synth = CliRun.of("synth", "--arch", arch, "--preset", "tiny", "--type", "q8_0", "--out", model,
                "--vocab", SharedData.data("models/stories260K.gguf").toString());
        assertEquals(0, synth.status(), synth.err());

        CliRun one = run(model, "--backend", "vulkan");
        CliRun two = run(model, "--backend", "vulkan", "--devices", "0,0", "--split-mode", mode, "--split", split);
        assertEquals(0, one.status(), one.err());
        assertEquals(0, two.status(), two.err());
        assertFalse(one.out().isBlank(), "one device generated nothing");
        assertEquals(one.out(), two.out(), arch + " " + mode + " " + split);
        assertTrue(two.err().contains("tokens"), two.err());
    }

    private static CliRun run(String model, String... engine) {
        String[] base = {"run", "--model", model, "--prompt", "Once upon a time", "--tokens", "24", "--temperature", "0",
                "--ctx", "64"};
        String[] args = java.util.Arrays.copyOf(base, base.length + engine.length);
        System.arraycopy(engine, 0, args, base.length, engine.length);
        return CliRun.of(args);
    }
}
