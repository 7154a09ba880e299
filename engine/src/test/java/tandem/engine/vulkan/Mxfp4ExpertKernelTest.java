package tandem.engine.vulkan;

import static tandem.engine.vulkan.WeightKernelTest.assertClose;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.ProductProblem;

/**
 * The MXFP4 kernels on real blocks, as llama.cpp's quantizer wrote them for gpt-oss's experts (scale
 * bytes over the whole range the model needs, not the narrow one of random test blocks): each 3-D
 * expert tensor, read as one matrix of every expert's rows, through decode's matrix-vector product,
 * every prompt kernel the device has and the emulated cooperative-matrix build, against the CPU
 * reference (the Java decoder).
 */
class Mxfp4ExpertKernelTest extends VulkanTestBase {
    static Stream<Arguments> cases() {
        return Stream.of("blk.0.ffn_gate_exps.weight", "blk.1.ffn_up_exps.weight", "blk.1.ffn_down_exps.weight")
                .flatMap(t -> Stream.of(Arguments.of(t, 1), Arguments.of(t, GpuOps.MATMUL_MIN_TOKENS + 5)));
    }

    @ParameterizedTest(name = "{0} tokens={1}")
    @MethodSource("cases")
    void expertBlocksMatchTheCpu(String tensor, int tokens) {
        try (GgufFile f = GgufFile.open(SharedData.data("models/arch/gpt-oss-mxfp4_moe.gguf"))) {
            TensorInfo t = f.requireTensor(tensor);
            int cols = Math.toIntExact(t.dims()[0]);
            int rows = Math.toIntExact(t.elementCount() / cols);
            try (ProductProblem problem = new ProductProblem(GgmlType.MXFP4, f.data(t), rows, cols, tokens);
                 ProductProblem.OnDevice gpu = problem.upload(device, Long.MAX_VALUE)) {
                float[] expected = problem.expected();
                assertClose(expected, gpu.run(null), 1e-4f, tensor + " linear");
                if (tokens < GpuOps.MATMUL_MIN_TOKENS) return;
                for (PromptKernel k : PromptKernel.values()) {
                    if (!k.availableOn(device.physical())) continue;
                    assertClose(expected, gpu.run(k), k == PromptKernel.COOPMAT ? 5e-3f : 1e-4f, tensor + " " + k.label());
                }
                assertClose(expected, gpu.runEmulatedCoopmat(), 5e-3f, tensor + " emulated coopmat");
            }
        }
    }
}
