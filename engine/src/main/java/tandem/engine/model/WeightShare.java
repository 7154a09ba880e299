package tandem.engine.model;

/**
 * Which part of each of a model's tensors one device holds: every tensor whole for a model on one
 * device, or the device's slices of a split plan. The uploader asks this and nothing else, so one
 * device is simply the whole-tensor case of a split and both load through the same code.
 */
public interface WeightShare {
    /** The part of {@code tensor} the device holds; empty where it holds none. */
    TensorSlice sliceOf(TensorLayout tensor);

    /**
     * The rows of the output projection (output.weight, or the token embedding where the model ties
     * them) the device computes logits with; empty where it computes none.
     */
    TensorSlice outputProjection();

    /** The first block the device runs; a device that runs block 0 also looks the tokens up. */
    int firstLayer();

    /** One past the last block the device runs. */
    int endLayer();

    /** The whole model on one device. */
    static WeightShare whole(ModelTensors tensors) {
        return new Whole(TensorLayout.of(tensors.output()), tensors.layers().size());
    }

    /** Every tensor whole, every block, all of the vocabulary. */
    record Whole(TensorLayout output, int endLayer) implements WeightShare {
        @Override public TensorSlice sliceOf(TensorLayout tensor) { return TensorSlice.whole(tensor); }

        @Override public TensorSlice outputProjection() { return TensorSlice.whole(output); }

        @Override public int firstLayer() { return 0; }
    }
}
