package tandem.engine.vulkan.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tandem.engine.runtime.ModelRunner.BatchPart;
import tandem.engine.vulkan.GpuOps;
import tandem.engine.vulkan.Int8Decode;
import tandem.engine.vulkan.VulkanDevice;

/**
 * How the parts of a batched step ({@link tandem.engine.runtime.ModelRunner#forwardBatch}) go onto
 * the GPU: in groups that fit one recorded step (rows, logit rows), each ordered so that the rows
 * whose logits are wanted are the step's last rows: parts without logits (prompt chunks before the
 * last), then at most one multi-row part with logits (a prompt's last chunk), then the one-row parts
 * with logits (decode tokens). The output projection then runs on one contiguous tail of rows.
 */
public final class SharedStepPlan {
    private SharedStepPlan() {}

    /**
     * The parts' indices in groups, in the order to run them.
     *
     * @param int8 whether the devices take the int8 decode products ({@link #int8On}). A sequence's
     *             own step takes them under {@link GpuOps#MATMUL_MIN_TOKENS} rows and the float
     *             prompt kernels from there, but a shared step gives all its rows one kind, by its
     *             total rows (int8 up to {@link #int8SharedRows()}): a prompt chunk riding along with
     *             decode tokens was quantized to 8 bits, or turned their products into float ones, so
     *             sequences at once generated other ids than alone. So a part of 8 or more rows runs
     *             in a step of its own, and the others share steps of no more rows than take int8.
     */
    public static List<List<Integer>> groups(List<BatchPart> parts, int maxRows, int maxLogitRows, boolean int8) {
        List<List<Integer>> groups = new ArrayList<>();
        if (int8) maxRows = Math.min(maxRows, int8SharedRows());
        List<Integer> ordered = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            for (int i = 0; i < parts.size(); i++) {
                if (kind(parts.get(i)) != pass) continue;
                if (int8 && parts.get(i).tokens().length >= GpuOps.MATMUL_MIN_TOKENS) {
                    groups.add(List.of(i));
                } else {
                    ordered.add(i);
                }
            }
        }
        List<Integer> group = new ArrayList<>();
        int rows = 0, logitRows = 0;
        boolean longWithLogits = false;
        for (int i : ordered) {
            BatchPart p = parts.get(i);
            int kind = kind(p);
            boolean fits = rows + p.tokens().length <= maxRows && (!p.logits() || logitRows < maxLogitRows)
                    && !(kind == 1 && longWithLogits);
            if (!group.isEmpty() && !fits) {
                groups.add(group);
                group = new ArrayList<>();
                rows = 0;
                logitRows = 0;
                longWithLogits = false;
            }
            group.add(i);
            rows += p.tokens().length;
            if (p.logits()) logitRows++;
            longWithLogits |= kind == 1;
        }
        if (!group.isEmpty()) groups.add(group);
        return groups;
    }

    /**
     * Whether the steps recorded on these devices take the int8 decode products (wanted, and the
     * devices can run them): the grouping of {@link #groups} then keeps each sequence's products
     * the kind its own steps take.
     */
    public static boolean int8On(List<VulkanDevice> devices) {
        return devices.stream().anyMatch(d -> Int8Decode.wantedOn(d.physical()) && Int8Decode.availableOn(d.physical()));
    }

    /**
     * Rows up to which BlockRecorder gives a shared step the int8 products: while it shares weight
     * reads ({@link GpuOps#sharesWeightReads}); without that, only as many as a decode step takes.
     */
    static int int8SharedRows() {
        return GpuOps.sharesWeightReads(GpuOps.SHARED_MATVEC_MAX_TOKENS) ? GpuOps.SHARED_MATVEC_MAX_TOKENS
                : GpuOps.MATMUL_MIN_TOKENS - 1;
    }

    /**
     * A runner's {@code forwardBatch} over shared steps: the parts in {@link #groups}, a group of one
     * through {@code alone} (the sequence's own step), larger groups through {@code shared}; the
     * logits back in the parts' order.
     */
    public static List<float[]> run(List<BatchPart> parts, int maxRows, int maxLogitRows, boolean int8,
                                    Function<List<BatchPart>, List<float[]>> alone,
                                    Function<List<BatchPart>, List<float[]>> shared) {
        List<float[]> out = new ArrayList<>(java.util.Collections.nCopies(parts.size(), (float[]) null));
        for (List<Integer> indices : groups(parts, maxRows, maxLogitRows, int8)) {
            List<BatchPart> group = indices.stream().map(parts::get).toList();
            List<float[]> logits = group.size() == 1 ? alone.apply(group) : shared.apply(group);
            for (int i = 0; i < indices.size(); i++) out.set(indices.get(i), logits.get(i));
        }
        return out;
    }

    /** 0: no logits, 1: several rows with logits, 2: one row with logits. */
    private static int kind(BatchPart p) {
        if (!p.logits()) return 0;
        return p.tokens().length > 1 ? 1 : 2;
    }

    /** The rows of a group's parts (in group order), each with its sequence's buffers. */
    public static StepRows rows(List<BatchPart> group, List<SequenceBuffers> caches) {
        List<StepRows.Part> out = new ArrayList<>();
        int row = 0, firstLogit = -1;
        for (int i = 0; i < group.size(); i++) {
            int n = group.get(i).tokens().length;
            out.add(new StepRows.Part(row, n, caches.get(i)));
            row += n;
            if (group.get(i).logits() && firstLogit < 0) firstLogit = row - 1;
        }
        return new StepRows(out, firstLogit < 0 ? row - 1 : firstLogit);
    }

    /** The step's ids, the parts' tokens one after another. */
    public static int[] ids(List<BatchPart> group) {
        return group.stream().flatMapToInt(p -> java.util.Arrays.stream(p.tokens())).toArray();
    }

    /**
     * A recorded step is replayed for the same sequences with the same row counts and logits (the
     * positions live in each sequence's step parameters): this is its key.
     */
    public static List<Object> key(List<BatchPart> group, List<SequenceBuffers> caches) {
        List<Object> key = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            key.add(caches.get(i));
            key.add(group.get(i).tokens().length);
            key.add(group.get(i).logits());
        }
        return key;
    }

    /** Whether each part's rows of the activations can be bound on their own (offsets meet the device's alignment). */
    public static boolean rowsBindable(long alignment, int... widths) {
        for (int w : widths) if ((4L * w) % alignment != 0) return false;
        return true;
    }
}
