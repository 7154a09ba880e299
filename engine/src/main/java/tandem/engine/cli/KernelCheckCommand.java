package tandem.engine.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.CoopmatTile;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.Kernels;
import tandem.engine.vulkan.PromptKernel;
import tandem.engine.tools.ProductProblem;
import tandem.engine.vulkan.VulkanDevice;
import tandem.engine.vulkan.VulkanInstance;

/**
 * {@code tandem kernel-check [--devices 0,1] [--shapes 100x256x37,4096x4096x512,8192x1024x512] [--types q4_0,...]
 * [--repeats 5]}: on each device, the prompt product of every weight type through every prompt
 * kernel the device has (coopmat, the scalar tiled matmul, multi-token matvec) on random inputs,
 * against the CPU reference. Shapes are ROWSxCOLSxTOKENS (cols a multiple of 256 serves every
 * type); the default has one not a multiple of any tile, Llama-3-8B's 4096 x 4096 at 512 tokens,
 * and 8192 x 1024 x 512, which takes the largest coopmat tile. Shapes under {@value #FUSED_BELOW} multiply-adds also exercise the fused SwiGLU input and
 * residual add. Prints one table row per (type, shape, kernel) with the largest error relative to
 * the largest output, PASS/FAIL against a bound for the kernel's operand precision, and GPU time;
 * shapes of fewer than {@link GpuOps#MATMUL_MIN_TOKENS} tokens add a row for the decode kernel;
 * exits 1 on any FAIL (or validation message), so the check runs where CI cannot (the matrix units).
 */
final class KernelCheckCommand {
    private KernelCheckCommand() {}

    static final long FUSED_BELOW = 1L << 24;
    /** The row of a shape under {@link GpuOps#MATMUL_MIN_TOKENS} tokens that runs the decode kernel (matvec with its slices). */
    static final String DECODE = "decode";
    /** Float32 operands: only the order of the sums differs from the CPU's. */
    static final double FLOAT32_BOUND = 1e-4;
    /** Float16 operands (coopmat): each product is rounded to 11 significant bits. */
    static final double FLOAT16_BOUND = 5e-3;

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("kernel-check", argv, Set.of("--devices", "--shapes", "--types", "--repeats"), Set.of());
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
                    if (s[2] < GpuOps.MATMUL_MIN_TOKENS) kernels.add(null);   // null: the decode path, GpuOps.linear
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
                }
            }
        }
        return failures;
    }

    /** The row's cells after the kernel's: error, bound, PASS/FAIL, µs, TFLOPS. */
    private static String measure(ProductProblem problem, ProductProblem.OnDevice gpu, PromptKernel k, int repeats) {
        double bound = k == PromptKernel.COOPMAT ? FLOAT16_BOUND : FLOAT32_BOUND;
        double error = problem.maxError(gpu.run(k));
        double micros = gpu.micros(k, repeats);
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
        List<GgmlType> all = Kernels.WEIGHT_TYPES.stream().map(GgmlType::parse).sorted().toList();
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
