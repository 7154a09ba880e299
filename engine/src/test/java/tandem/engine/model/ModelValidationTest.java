package tandem.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufValue;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.TandemException;

/** Broken model files end in one-line messages that name the key or tensor. */
class ModelValidationTest {
    @TempDir
    Path dir;

    private String failure(UnaryOperator<GgufRewrite> change) {
        return failure("models/stories260K.gguf", change);
    }

    private String failure(String model, UnaryOperator<GgufRewrite> change) {
        Path broken;
        try (GgufFile stories = GgufFile.open(SharedData.data(model))) {
            broken = change.apply(new GgufRewrite(stories)).write(dir.resolve("broken.gguf"));
        }
        try (GgufFile file = GgufFile.open(broken)) {
            return assertThrows(TandemException.class, () -> ModelTensors.bind(file, ModelConfigReader.read(file))).getMessage();
        }
    }

    @Test
    void missingKeyIsNamed() {
        String message = failure(r -> r.remove("llama.block_count"));
        assertTrue(message.endsWith("missing llama.block_count"), message);
    }

    @Test
    void wrongTensorShapeIsNamedWithBothShapes() {
        String message = failure(r -> r.replace("blk.3.attn_q.weight", new long[] {64, 32}, new float[64 * 32]));
        assertTrue(message.endsWith("tensor blk.3.attn_q.weight: expected [64, 64], found [64, 32]"), message);
    }

    @Test
    void missingTensorIsNamed() {
        String message = failure(r -> r.drop("blk.4.ffn_up.weight"));
        assertTrue(message.endsWith("missing tensor blk.4.ffn_up.weight"), message);
    }

    @Test
    void mixtureOfExpertsUnderTheLlamaNameIsRefused() {
        String message = failure(r -> r.put("llama.expert_count", GgufValue.uint32(8)));
        assertTrue(message.endsWith("mixture-of-experts llama (llama.expert_count = 8) is not supported; "
                + "Tandem runs the mixtures qwen3moe and gpt-oss"), message);
    }

    @Test
    void missingExpertTensorIsNamed() {
        String message = failure("models/arch/qwen3moe-f32.gguf", r -> r.drop("blk.1.ffn_up_exps.weight"));
        assertTrue(message.endsWith("missing tensor blk.1.ffn_up_exps.weight"), message);
    }

    @Test
    void expertTensorOfTheWrongShapeIsNamedWithBothShapes() {
        String message = failure("models/arch/gpt-oss-f32.gguf",
                r -> r.replace("blk.0.ffn_down_exps.weight", new long[] {64, 128, 8}, new float[64 * 128 * 8]));
        assertTrue(message.endsWith("tensor blk.0.ffn_down_exps.weight: expected [64, 128, 16], found [64, 128, 8]"), message);
    }

    @Test
    void missingExpertCountIsNamed() {
        String message = failure("models/arch/qwen3moe-f32.gguf", r -> r.remove("qwen3moe.expert_used_count"));
        assertTrue(message.endsWith("missing qwen3moe.expert_used_count"), message);
    }

    @Test
    void ropeScalingIsRefusedRatherThanIgnored() {
        String message = failure(r -> r.put("llama.rope.scaling.type", GgufValue.string("yarn")));
        assertTrue(message.endsWith("RoPE scaling 'yarn' (llama.rope.scaling.type) is not supported yet"), message);
    }

    @Test
    void unsupportedArchitectureIsNamed() {
        String message = failure(r -> r.put("general.architecture", GgufValue.string("gpt2")));
        // the list grows with each architecture; what matters is that it names the file's and every supported one
        String supported = String.join(", ", Architecture.SUPPORTED.stream().map(Architecture::name).toList());
        assertEquals("unsupported architecture 'gpt2' (general.architecture); Tandem runs " + supported, message);
        assertTrue(supported.startsWith("llama, qwen2, qwen3"), supported);
    }
}
