package tandem.engine.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;
import tandem.engine.tools.AttentionProblem;
import tandem.engine.tools.ProductProblem;
import tandem.engine.vulkan.AttentionKernel;
import tandem.engine.vulkan.CoopmatTile;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.Int8Decode;
import tandem.engine.vulkan.Kernels;
import tandem.engine.vulkan.PromptKernel;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;
import tandem.engine.vulkan.model.SequenceBuffers;

/**
 * {@code tandem kernel-check [--devices 0,1] [--shapes 100x256x37,4096x4096x512,8192x1024x512] [--types q4_0,...]
 * [--repeats 5] [--attention]}: on each device, the prompt product of every weight type through every prompt
 * kernel the device has (coopmat, the scalar tiled matmul, multi-token matvec) on random inputs,
 * against the CPU reference. Shapes are ROWSxCOLSxTOKENS (cols a multiple of 256 serves every
 * type); the default has one not a multiple of any tile, Llama-3-8B's 4096 x 4096 at 512 tokens,
 * and 8192 x 1024 x 512, which takes the largest coopmat tile. Shapes under {@value #FUSED_BELOW} multiply-adds also exercise the fused SwiGLU input and
 * residual add. Prints one table row per (type, shape, kernel) with the largest error relative to
 * the largest output, PASS/FAIL against a bound for the kernel's operand precision, and GPU time;
 * shapes of fewer than {@link GpuOps#MATMUL_MIN_TOKENS} tokens add a row for the decode kernel, and for the
 * types with int8 products a {@value #DECODE_INT8} row for them (the default on GPUs); with
 * {@code --attention}, the prompt attention kernels (coopmat, tiled, rows) on a few model-sized attention
 * shapes too ({@link #attentionProblems}: too large for CI's CPU driver);
 * exits 1 on any FAIL (or validation message), so the check runs where CI cannot (the matrix units).
 */
final class KernelCheckCommand {
    private KernelCheckCommand() {}

    static final long FUSED_BELOW = 1L << 24;
    /** The row of a shape under {@link GpuOps#MATMUL_MIN_TOKENS} tokens that runs the decode kernel (matvec with its slices). */
    static final String DECODE = "decode";
    /** The row of the same shapes through the int8 decode products (quantize_q8_1 + matvec_i8, its quantization timed too). */
    static final String DECODE_INT8 = "decode-int8";
    /** Float32 operands: only the order of the sums differs from the CPU's. */
    static final double FLOAT32_BOUND = 1e-4;
    /** Float16 operands (coopmat): each product is rounded to 11 significant bits. */
    static final double FLOAT16_BOUND = 5e-3;

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("kernel-check", argv, Set.of("--devices", "--shapes", "--types", "--repeats"), Set.of("--attention"));
        List<Integer> devices = args.engineOptions().devices();
        if (devices.isEmpty()) devices = List.of(0);
        List<int[]> shapes = shapes(args.value("--shapes").orElse("100x256x37,4096x4096x512,8192x1024x512"));
        List<GgmlType> types = types(args.value("--types").orElse(null));
        int repeats = args.intValue("--repeats", 5);
        if (repeats < 1) throw new TandemException("--repeats must be >= 1, got " + repeats);
        int failures = 0;
        try (VulkanInstance instance = VulkanInstance.create()) {
            for (int index : devices) {
                try (VulkanDevice device = VulkanDevice.open(instance, index)) {
                    failures += check(device, shapes, types, repeats, out, err);
                    if (args.flag("--attention")) failures += checkAttention(device, repeats, out);
                }
            }
            List<String> messages = instance.takeValidationMessages();
            for (String m : messages) err.println("tandem kernel-check: validation: " + m);
            if (!messages.isEmpty()) failures++;
        }
        err.println(failures == 0 ? "tandem kernel-check: all PASS" : "tandem kernel-check: " + failures + " FAIL");
        return failures == 0 ? 0 : 1;
    }

    private static int check(VulkanDevice device, List<int[]> shapes, List<GgmlType> types, int repeats, PrintStream out,
                             PrintStream err) {
        err.println("tandem kernel-check: " + device.label() + ", coopmat " + CoopmatTile.describeChoice()
                + (PromptKernel.COOPMAT.availableOn(device.physical()) ? "" : " (no usable cooperative matrices)"));
        out.println("| device | type | rows x cols x tokens | kernel | max error | bound | result | µs | TFLOPS |");
        out.println("| --- | --- | --- | --- | ---: | ---: | --- | ---: | ---: |");
        int failures = 0;
        for (int[] s : shapes) {
            boolean fused = (long) s[0] * s[1] * s[2] < FUSED_BELOW;
            for (GgmlType type : types) {
                try (ProductProblem problem = new ProductProblem(type, s[0], s[1], s[2], fused, fused);
                     ProductProblem.OnDevice gpu = problem.upload(device, Long.MAX_VALUE)) {
                    List<PromptKernel> kernels = new ArrayList<>(List.of(PromptKernel.values()));
                    // null: the float decode kernel (the int8 one, the default on GPUs, has its own row)
                    if (s[2] < GpuOps.MATMUL_MIN_TOKENS) kernels.add(null);
                    for (PromptKernel k : kernels) {
                        String prefix = String.format(Locale.ROOT, "| %d | %s | %s | %s |", device.physical().index(),
                                type.name().toLowerCase(Locale.ROOT), problem.shape(), k == null ? DECODE : k.label());
                        if (k != null && !k.availableOn(device.physical())) {
                            out.println(prefix + " - | - | unavailable | - | - |");
                            continue;
                        }
                        String result;
                        try {
                            result = measure(problem, gpu, k, repeats);
                        } catch (RuntimeException e) {
                            // A kernel the driver rejects fails its row; the other kernels still get checked.
                            result = " - | - | FAIL: " + TandemCli.oneLine(e).replace('|', '/') + " | - | - |";
                        }
                        if (!result.contains("PASS")) failures++;
                        out.println(prefix + result);
                        out.flush();
                    }
                    if (s[2] < GpuOps.MATMUL_MIN_TOKENS && Int8Decode.TYPES.contains(type)) {
                        failures += checkInt8(device, type, problem, gpu, repeats, out);
                    }
                }
            }
        }
        return failures;
    }

    /**
     * The row of the int8 decode products ({@value #DECODE_INT8}: the default on GPUs, -Dtandem.decode.int8=false turns it
     * off) beside the float decode row, whatever the property says. It passes where every output lies within
     * the most the input's rounding to 8 bits can move it plus the float bound ({@link ProductProblem#withinInt8Bounds});
     * the bound cell shows the largest of those per-output bounds ({@link ProductProblem#int8Bound}).
     */
    private static int checkInt8(VulkanDevice device, GgmlType type, ProductProblem problem, ProductProblem.OnDevice gpu,
                                 int repeats, PrintStream out) {
        String prefix = String.format(Locale.ROOT, "| %d | %s | %s | %s |", device.physical().index(),
                type.name().toLowerCase(Locale.ROOT), problem.shape(), DECODE_INT8);
        if (!Int8Decode.availableOn(device.physical())) {
            out.println(prefix + " - | - | unavailable | - | - |");
            return 0;
        }
        String result;
        try {
            float[] actual = gpu.runInt8();
            boolean pass = problem.withinInt8Bounds(actual, FLOAT32_BOUND);
            double micros = gpu.microsInt8(repeats);
            result = String.format(Locale.ROOT, " %.2e | %.1e | %s | %.1f | %.1f |", problem.maxError(actual),
                    problem.int8Bound() + FLOAT32_BOUND, pass ? "PASS" : "FAIL", micros, 2.0 * problem.multiplyAdds() / micros / 1e6);
        } catch (RuntimeException e) {
            result = " - | - | FAIL: " + TandemCli.oneLine(e).replace('|', '/') + " | - | - |";
        }
        out.println(prefix + result);
        out.flush();
        return result.contains("PASS") ? 0 : 1;
    }

    /**
     * Prompt attention shapes: Llama-3-8B's heads at 512 tokens after 512 cached, Gemma 3's heads of
     * 256, and a sliding window over a ring.
     */
    static List<AttentionProblem> attentionProblems() {
        return List.of(new AttentionProblem(32, 8, 128, 512, 512, 0, 0), new AttentionProblem(8, 4, 256, 0, 512, 0, 0),
                new AttentionProblem(8, 4, 256, 300, 256, 200, 512));
    }

    /** One row per (attention shape, prompt attention kernel) against the CPU; returns the failures. */
    private static int checkAttention(VulkanDevice device, int repeats, PrintStream out) {
        out.println("| device | attention heads/kv x head @ pos0+tokens | kernel | max error | bound | result | µs | TFLOPS (decode: cache read) |");
        out.println("| --- | --- | --- | ---: | ---: | --- | ---: | ---: |");
        int failures = 0;
        for (AttentionProblem problem : attentionProblems()) {
            try (AttentionProblem.OnDevice gpu = problem.upload(device)) {
                for (AttentionKernel k : List.of(AttentionKernel.COOPMAT, AttentionKernel.TILED, AttentionKernel.ROWS)) {
                    String prefix = String.format(Locale.ROOT, "| %d | %s | %s |", device.physical().index(), problem.shape(),
                            k.label());
                    Kernels kernels = Kernels.of(device);
                    if (k == AttentionKernel.COOPMAT && kernels.attentionCoopmat(problem.headDim(), false) == null
                            || k == AttentionKernel.TILED && kernels.promptAttentionTiles(problem.headDim()) == null) {
                        out.println(prefix + " - | - | unavailable | - | - |");
                        continue;
                    }
                    String result;
                    try {
                        double bound = k == AttentionKernel.COOPMAT ? FLOAT16_BOUND : FLOAT32_BOUND;
                        double error = problem.maxError(gpu.run(k));
                        double micros = gpu.micros(k, repeats);
                        result = String.format(Locale.ROOT, " %.2e | %.0e | %s | %.1f | %.1f |", error, bound,
                                error <= bound ? "PASS" : "FAIL", micros, 2.0 * problem.multiplyAdds() / micros / 1e6);
                    } catch (RuntimeException e) {
                        result = " - | - | FAIL: " + TandemCli.oneLine(e).replace('|', '/') + " | - | - |";
                    }
                    if (!result.contains("PASS")) failures++;
                    out.println(prefix + result);
                    out.flush();
                }
            }
        }
        for (AttentionProblem problem : decodeAttentionProblems()) {
            int splits = SequenceBuffers.attentionSplits(problem.positions(), !device.physical().isCpu());
            String prefix = String.format(Locale.ROOT, "| %d | %s | decode, %d splits, %d heads a workgroup |", device.physical().index(),
                    problem.shape(), splits, Kernels.of(device).attentionQueryGroup(problem.heads()));
            String result;
            try (AttentionProblem.OnDevice gpu = problem.upload(device)) {
                double error = problem.maxError(gpu.run(AttentionKernel.ROWS, splits));
                double micros = gpu.micros(AttentionKernel.ROWS, splits, repeats);
                result = String.format(Locale.ROOT, " %.2e | %.0e | %s | %.1f | %.1f GB/s |", error, FLOAT32_BOUND,
                        error <= FLOAT32_BOUND ? "PASS" : "FAIL", micros, problem.cacheBytesRead() / micros / 1e3);
            } catch (RuntimeException e) {
                result = " - | - | FAIL: " + TandemCli.oneLine(e).replace('|', '/') + " | - | - |";
            }
            if (!result.contains("PASS")) failures++;
            out.println(prefix + result);
            out.flush();
        }
        return failures;
    }

    /**
     * Decode attention (one token) of Llama-3-8B's heads over 4,096 and 16,384 cached positions, split as the engine
     * splits a cache of that size: the last column is the F16 cache's bytes over the time (HBM bandwidth is the bound).
     */
    static List<AttentionProblem> decodeAttentionProblems() {
        return List.of(new AttentionProblem(32, 8, 128, 4095, 1, 0, 0), new AttentionProblem(32, 8, 128, 16383, 1, 0, 0));
    }

    /** The row's cells after the kernel's: error, bound, PASS/FAIL, µs, TFLOPS. */
    private static String measure(ProductProblem problem, ProductProblem.OnDevice gpu, PromptKernel k, int repeats) {
        double bound = k == PromptKernel.COOPMAT ? FLOAT16_BOUND : FLOAT32_BOUND;
        double error = problem.maxError(k == null ? gpu.runFloatDecode() : gpu.run(k));
        double micros = k == null ? gpu.microsFloatDecode(repeats) : gpu.micros(k, repeats);
        return String.format(Locale.ROOT, " %.2e | %.0e | %s | %.1f | %.1f |", error, bound, error <= bound ? "PASS" : "FAIL",
                micros, 2.0 * problem.multiplyAdds() / micros / 1e6);
    }

    private static List<int[]> shapes(String spec) {
        List<int[]> out = new ArrayList<>();
        for (String s : spec.split(",")) {
            String[] parts = s.strip().split("x");
            int[] dims = new int[3];
            try {
                if (parts.length != 3) throw new NumberFormatException();
                for (int i = 0; i < 3; i++) dims[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new TandemException("--shapes: '" + s + "' is not ROWSxCOLSxTOKENS in whole numbers");
            }
            if (dims[0] < 1 || dims[2] < 1 || dims[1] < 256 || dims[1] % 256 != 0) {
                throw new TandemException("--shapes: '" + s + "' needs rows and tokens >= 1 and cols a multiple of 256 (every type's block)");
            }
            out.add(dims);
        }
        return out;
    }

    private static List<GgmlType> types(String spec) {
        List<GgmlType> all = Kernels.WEIGHT_TYPES.stream().sorted().toList();
        if (spec == null) return all;
        List<GgmlType> chosen = new ArrayList<>();
        for (String name : spec.split(",")) {
            GgmlType t = GgmlType.parse(name.strip());
            if (!all.contains(t)) throw new TandemException("--types: no GPU kernels for " + name.strip() + "; choose from " + all);
            chosen.add(t);
        }
        return chosen;
    }
}
