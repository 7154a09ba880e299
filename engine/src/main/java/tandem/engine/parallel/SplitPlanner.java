package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;

import tandem.engine.model.ModelConfig;
import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;
import tandem.engine.api.CacheType;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;

/**
 * Cuts a model over devices without loading anything, and says what each device must hold.
 *
 * <p>Tensor split: attention by query heads, each device holding the KV heads its query heads read
 * (a copy where devices share one; {@link AttentionSplit}), so attention needs no communication, cut
 * where every device's slice of {@code attn_output}'s rows starts on a quant block; FFN columns
 * rounded to {@code ffn_down}'s blocks; the vocabulary by rows; every device at least one of each.
 * Layer split: consecutive layers in proportion. Where rounding moves a cut or a KV head is copied,
 * the plan notes it.
 */
public final class SplitPlanner {
    private SplitPlanner() {}

    /** {@link #plan(ModelShape, SplitMode, List, Ratios, int, CacheType)} with the default F16 cache. */
    public static SplitPlan plan(ModelShape model, SplitMode mode, List<DeviceBudget> devices, Ratios ratios,
                                 int contextLength) {
        return plan(model, mode, devices, ratios, contextLength, CacheType.F16);
    }

    /** @param cacheType how the KV cache stores keys and values: its bytes per cached row */
    public static SplitPlan plan(ModelShape model, SplitMode mode, List<DeviceBudget> devices, Ratios ratios,
                                 int contextLength, CacheType cacheType) {
        if (devices.isEmpty()) throw new TandemException("no device chosen to load " + model.name() + " on");
        if (ratios.devices() != devices.size()) {
            throw new TandemException("--split has " + ratios.devices() + " shares but " + devices.size()
                    + " devices were chosen; give one share per device");
        }
        if (contextLength <= 0) throw new IllegalArgumentException("context length must be positive");
        List<String> notes = new ArrayList<>();
        List<DeviceSlices> slices = switch (mode) {
            case NONE -> noSplit(model, devices);
            case LAYER -> layerSplit(model, devices, ratios, notes);
            case TENSOR -> tensorSplit(model, devices, ratios, notes);
        };
        SplitPlan draft = new SplitPlan(mode, model, slices, null);
        long[] weights = new long[devices.size()];
        long allWeights = 0;
        for (int d = 0; d < devices.size(); d++) {
            weights[d] = draft.weightBytes(d);
            allWeights += weights[d];
        }
        List<DevicePlan> plans = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
            DeviceSlices s = slices.get(d);
            DeviceBudget b = s.budget();
            long rows = 0;
            int step = Math.min(SplitRunner.MAX_BATCH, contextLength);
            for (int l = s.layers().start(); l < s.layers().end(); l++) {
                rows += ModelConfig.cacheRowsFor(model.windows().get(l), contextLength, step);
            }
            // K and V: per cached row, this device's KV heads (heads are whole blocks: CacheType.check)
            long kv = 2 * rows * cacheType.bytes((long) s.kvGroups().size() * model.headDim());
            plans.add(new DevicePlan(d, b.physicalIndex(), b.name(), allWeights == 0 ? 0 : weights[d] / (double) allWeights,
                    weights[d], kv, ScratchEstimate.bytes(model, mode, s), b.freeBytes(), s.queryHeads().size(), s.layers().size(),
                    b.memoryBytes()));
        }
        expertNote(draft, devices.size()).ifPresent(notes::add);
        reencodedNote(draft, devices.size()).ifPresent(notes::add);
        return new SplitPlan(mode, model, slices, new LoadPlan(mode, contextLength, plans, notes, cacheType));
    }

    /**
     * For a mixture of experts: how much of each device's weights are experts (3-D tensors), of
     * which a token reads only its chosen experts' rows.
     */
    private static java.util.Optional<String> expertNote(SplitPlan plan, int devices) {
        List<TensorLayout> experts = plan.model().tensors().stream().filter(t -> t.matrices() > 1).toList();
        if (experts.isEmpty()) return java.util.Optional.empty();
        StringBuilder perDevice = new StringBuilder();
        for (int d = 0; d < devices; d++) {
            int device = d;
            long bytes = experts.stream().mapToLong(t -> plan.sliceOf(device, t).bytes()).sum();
            perDevice.append(d == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / 1073741824.0));
        }
        return java.util.Optional.of("experts (" + experts.getFirst().matrices() + " per layer) take " + perDevice
                + " of the weights per device; a token reads only its chosen experts' rows");
    }

    /**
     * Names the tensors some device holds as F16 because the cut goes through their quant blocks,
     * and the bytes they take that way.
     */
    private static java.util.Optional<String> reencodedNote(SplitPlan plan, int devices) {
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        java.util.Set<String> types = new java.util.TreeSet<>();
        long held = 0;
        for (TensorLayout t : plan.model().tensors()) {
            for (int d = 0; d < devices; d++) {
                TensorSlice slice = plan.sliceOf(d, t);
                if (!slice.reencoded()) continue;
                kinds.add(t.name().replaceFirst("^blk\\.\\d+\\.", "").replaceFirst("\\.weight$", ""));
                types.add(t.type() + " (" + t.type().blockSize() + " wide)");
                held += slice.bytes();
            }
        }
        if (kinds.isEmpty()) return java.util.Optional.empty();
        return java.util.Optional.of(String.join(" and ", kinds) + ": whole " + String.join(", ", types)
                + " blocks would leave a device nothing to compute, so devices hold their columns as F16 ("
                + String.format(java.util.Locale.ROOT, "%.2f MiB", held / 1048576.0) + " in all)");
    }

    private static List<DeviceSlices> noSplit(ModelShape model, List<DeviceBudget> devices) {
        if (devices.size() != 1) {
            throw new TandemException("split mode none runs on one device but " + devices.size()
                    + " were chosen; use --split-mode layer or tensor, or choose one device");
        }
        return List.of(new DeviceSlices(0, devices.getFirst(), all(model.layers()), all(model.kvHeads()),
                all(model.heads()), all(model.ffn()), all(model.vocab())));
    }

    private static List<DeviceSlices> layerSplit(ModelShape model, List<DeviceBudget> devices, Ratios ratios,
                                                 List<String> notes) {
        if (devices.size() > model.layers()) {
            throw new TandemException("layer split over " + devices.size() + " devices needs at least as many layers; "
                    + model.name() + " has " + model.layers() + ": choose at most " + model.layers() + " devices");
        }
        List<SliceRange> layers = ratios.cut(model.layers(), 1);
        ratios.noteIfNotHonoured("layers", layers, "").ifPresent(notes::add);
        List<DeviceSlices> out = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
            boolean last = layers.get(d).contains(model.layers() - 1);
            out.add(new DeviceSlices(d, devices.get(d), layers.get(d), all(model.kvHeads()), all(model.heads()), all(model.ffn()),
                    last ? all(model.vocab()) : new SliceRange(0, 0)));
        }
        int first = indexHolding(layers, 0);
        int last = indexHolding(layers, model.layers() - 1);
        if (model.tiedEmbedding() && first != last) {
            notes.add("token_embd is also the output projection (tied): devices " + first + " and " + last
                    + " each hold a copy");
        }
        return out;
    }

    private static List<DeviceSlices> tensorSplit(ModelShape model, List<DeviceBudget> devices, Ratios ratios,
                                                  List<String> notes) {
        if (devices.size() > model.heads()) {
            throw new TandemException("tensor split over " + devices.size() + " devices needs at least one query head each; "
                    + model.name() + " has " + model.heads() + " query heads: choose at most " + model.heads()
                    + " devices or use --split-mode layer");
        }
        // attn_output and ffn_down are cut at their quant blocks where that gives every device some
        // of the work; where it cannot (blocks as wide as a small model's rows), finer, and the
        // device holds those columns as F16 (TensorSlice#storedType, reencodedNote)
        List<String> blockNotes = new ArrayList<>();
        AttentionSplit attention = AttentionSplit.cut(model, ratios, lcmOfBlocks(model, "attn_output"), blockNotes);
        if (attention.queryHeads().stream().anyMatch(SliceRange::isEmpty)) {
            blockNotes.clear();
            attention = AttentionSplit.cut(model, ratios, KERNEL_ROW_MULTIPLE, blockNotes);
        }
        notes.addAll(blockNotes);

        // a mixture's experts are cut alike: every expert's down projection by the same columns
        String down = model.layerTensor(0, "ffn_down_exps").isPresent() ? "ffn_down_exps" : "ffn_down";
        int ffnUnit = lcmOfBlocks(model, down);
        List<SliceRange> ffn = cutGivingEachSome(ratios, model.ffn(), ffnUnit);
        if (ffn.stream().anyMatch(SliceRange::isEmpty)) {
            ffnUnit = KERNEL_ROW_MULTIPLE;
            ffn = cutGivingEachSome(ratios, model.ffn(), ffnUnit);
        }
        ratios.noteIfNotHonoured("FFN columns", ffn, down + " rows are cut in whole " + ffnUnit + "-element blocks")
                .ifPresent(notes::add);

        List<SliceRange> vocab = cutGivingEachSome(ratios, model.vocab(), 1);
        ratios.noteIfNotHonoured("vocabulary rows", vocab, "").ifPresent(notes::add);

        List<DeviceSlices> out = new ArrayList<>();
        for (int d = 0; d < devices.size(); d++) {
            out.add(new DeviceSlices(d, devices.get(d), all(model.layers()), attention.kvHeads().get(d),
                    attention.queryHeads().get(d), ffn.get(d), vocab.get(d)));
        }
        return out;
    }

    /**
     * {@link Ratios#cut}, unless that leaves a device nothing where the units would go round: then
     * the nearest cut that gives every device at least one unit.
     */
    private static List<SliceRange> cutGivingEachSome(Ratios ratios, int total, int unit) {
        List<SliceRange> cut = ratios.cut(total, unit);
        if (cut.stream().noneMatch(SliceRange::isEmpty)) return cut;
        return ratios.cutNearest(total, b -> b % unit == 0, (start, end) -> end > start).orElse(cut);
    }

    /**
     * The Vulkan matrix kernels read rows of plain numbers (F32, F16, BF16) four weights at a time
     * (shaders/quant_f32.glsl), so a slice of a row holds a multiple of 4 weights as well as whole
     * quant blocks.
     */
    static final int KERNEL_ROW_MULTIPLE = 4;

    /** The smallest cut that starts on a block boundary in every layer's tensor of this kind. */
    private static int lcmOfBlocks(ModelShape model, String kind) {
        int lcm = KERNEL_ROW_MULTIPLE;
        for (int layer = 0; layer < model.layers(); layer++) {
            int block = model.layerTensor(layer, kind).map(t -> t.type().blockSize()).orElse(1);
            lcm = lcm / gcd(lcm, block) * block;
        }
        return lcm;
    }

    static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }

    private static SliceRange all(int n) { return new SliceRange(0, n); }

    private static int indexHolding(List<SliceRange> ranges, int item) {
        for (int i = 0; i < ranges.size(); i++) if (ranges.get(i).contains(item)) return i;
        return -1;
    }
}
