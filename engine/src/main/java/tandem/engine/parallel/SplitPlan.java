package tandem.engine.parallel;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tandem.engine.api.LoadPlan;
import tandem.engine.api.SplitMode;
import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;
import tandem.engine.model.WeightShare;

/**
 * A model cut over devices: what each device computes ({@link DeviceSlices}), which part of every
 * tensor it must hold ({@link #sliceOf}) and the bytes that makes ({@link #loadPlan}). The loader
 * uploads exactly the slices this returns, so the bytes the user is told are the bytes loaded.
 */
public record SplitPlan(SplitMode mode, ModelShape model, List<DeviceSlices> devices, LoadPlan loadPlan) {
    private static final Pattern LAYER_PREFIX = Pattern.compile("^blk\\.(\\d+)\\.");

    public SplitPlan {
        devices = List.copyOf(devices);
    }

    /** The part of {@code tensor} that device {@code device} holds; empty when it holds none. */
    public TensorSlice sliceOf(int device, TensorLayout tensor) {
        DeviceSlices slices = devices.get(device);
        int layer = layerOf(tensor.name());
        TensorRole role = TensorRole.of(tensor.name());
        if (mode != SplitMode.TENSOR) {
            return holdsWhole(slices, tensor.name(), layer) ? TensorSlice.whole(tensor) : empty(tensor);
        }
        SliceRange range = switch (role.dimension()) {
            case KV_GROUPS -> slices.kvGroups();
            case QUERY_HEADS -> slices.queryHeads();
            case FFN -> slices.ffnColumns();
            case VOCABULARY -> slices.vocabRows();
            case NONE -> null;
        };
        if (range == null) {
            return role == TensorRole.OUTPUT_BIAS && device != 0 ? empty(tensor) : TensorSlice.whole(tensor);
        }
        long perUnit = role.elementsPerUnit(model);
        return new TensorSlice(tensor, role.cutsWithinRows(tensor), range.start() * perUnit, range.size() * perUnit,
                role == TensorRole.EXPERT_IN && tensor.matrices() > 1);
    }

    /** Layer and no split: whole layers, the embedding with the first layer, the head with the last. */
    private boolean holdsWhole(DeviceSlices slices, String tensorName, int layer) {
        if (layer >= 0) return slices.layers().contains(layer);
        boolean first = slices.layers().contains(0);
        boolean last = slices.layers().contains(model.layers() - 1);
        return switch (tensorName) {
            // Tied models use the embedding as the output projection too: both ends need it.
            case "token_embd.weight" -> first || (last && model.tiedEmbedding());
            case "output.weight", "output_norm.weight" -> last;
            // model-wide tables every layer reads (e.g. rope_freqs): a copy wherever layers run
            default -> !slices.layers().isEmpty();
        };
    }

    private static TensorSlice empty(TensorLayout tensor) { return new TensorSlice(tensor, false, 0, 0); }

    /** The layer a tensor belongs to, -1 for the model-wide ones (embedding, output head). */
    static int layerOf(String tensorName) {
        Matcher m = LAYER_PREFIX.matcher(tensorName);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * The output projection's rows device {@code device} holds: all of them on the last device of a
     * layer split, none on the others; under tensor split a slice of {@code output.weight}, or of the
     * token embedding when the model ties them — then a second, sliced copy beside the whole
     * embedding every device keeps for lookups.
     */
    public TensorSlice outputProjection(int device) {
        TensorLayout t = model.tensor("output.weight").or(() -> model.tensor("token_embd.weight")).orElseThrow();
        SliceRange vocab = devices.get(device).vocabRows();
        return new TensorSlice(t, false, vocab.start(), vocab.size());
    }

    /** What device {@code device} uploads: {@link #sliceOf} each tensor, its output rows and its blocks. */
    public WeightShare share(int device) { return new DeviceShare(this, device); }

    private record DeviceShare(SplitPlan plan, int device) implements WeightShare {
        @Override public TensorSlice sliceOf(TensorLayout tensor) { return plan.sliceOf(device, tensor); }

        @Override public TensorSlice outputProjection() { return plan.outputProjection(device); }

        @Override public int firstLayer() { return plan.devices.get(device).layers().start(); }

        @Override public int endLayer() { return plan.devices.get(device).layers().end(); }
    }

    /** Bytes of weights device {@code device} holds. */
    public long weightBytes(int device) {
        long tensors = model.tensors().stream().mapToLong(t -> sliceOf(device, t).bytes()).sum();
        return tensors + (mode == SplitMode.TENSOR && model.tiedEmbedding() ? outputProjection(device).bytes() : 0);
    }
}
