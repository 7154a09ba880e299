package tandem.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.gguf.GgufFile;
import tandem.engine.model.ModelConfig;
import tandem.engine.model.ModelConfigReader;
import tandem.engine.model.ModelTensors;
import tandem.engine.runtime.LoadProgress;
import tandem.engine.runtime.ModelRunner;

/**
 * The CPU forward pass against llama.cpp's logits for every quant type and prompt: cosine
 * similarity of the last position's logits at least 0.9995 (an exact float64 pass reaches 0.9997;
 * a layout or math error lands far below).
 */
class ReferenceLogitsTest {
    static List<ReferenceCase> cases() {
        return ReferenceCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lastLogitsMatchLlamaCpp(ReferenceCase c) {
        try (GgufFile file = GgufFile.open(c.model())) {
            ModelConfig config = ModelConfigReader.read(file);
            CpuRunner runner = CpuRunner.load(file, config, ModelTensors.bind(file, config), LoadProgress.NONE, () -> false);
            try (ModelRunner.State state = runner.newState(64)) {
                float[] logits = state.forward(c.tokens(), 0, false);
                assertEquals(c.lastLogits().length, logits.length);
                double cosine = ReferenceCase.cosine(logits, c.lastLogits());
                System.out.printf("%s cosine %.6f%n", c.name(), cosine);
                assertTrue(cosine >= 0.9995, c.name() + ": cosine " + cosine + " < 0.9995");
            }
        }
    }
}
