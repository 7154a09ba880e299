package tandem.engine.vulkan.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;
import tandem.engine.model.WeightShare;
import tandem.engine.tensor.Dequantizer;
import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.MadeResources;
import tandem.engine.vulkan.WeightTensor;
import tandem.engine.vulkan.WeightUploader;

/**
 * Cuts tensors of the mapped file as a {@link WeightShare} says and uploads them to one device.
 * Every upload goes into {@code made} as it is made, so a load that fails part way through a
 * block closes what it had uploaded, and the finished weights have a single owner.
 */
record SliceUploader(WeightUploader up, GgufFile file, WeightShare share, MadeResources made, String device) {
    WeightTensor matrix(TensorInfo t) {
        return upload(t, share.sliceOf(TensorLayout.of(t)), "");
    }

    /** {@link #matrix}, null where the architecture has no such tensor (a mixture's dense FFN). */
    WeightTensor optionalMatrix(TensorInfo t) {
        return t == null ? null : matrix(t);
    }

    /**
     * A vector (or an expert bias [width, expert]) as floats, cut as the share says: norms whole, a
     * bias to the elements of its projection's output rows this device computes.
     */
    GpuBuffer vector(TensorInfo t) {
        TensorSlice slice = share.sliceOf(TensorLayout.of(t));
        requireSome(t, slice);
        float[] all = floats(t);
        if (!slice.withinRows()) return made.keep(up.floats(t.name(), all));
        // the same columns of every row (one row for a projection's bias, one per expert for an expert bias)
        int rows = Math.toIntExact(t.rowCount()), length = Math.toIntExact(t.rowLength());
        int start = Math.toIntExact(slice.start()), count = Math.toIntExact(slice.count());
        float[] part = new float[rows * count];
        for (int r = 0; r < rows; r++) System.arraycopy(all, r * length + start, part, r * count, count);
        return made.keep(up.floats(t.name() + " (slice)", part));
    }

    /**
     * {@link #vector} for the tensors only some architectures or devices have: null where absent, and
     * where the share gives this device none of it (an output bias off device 0 of a tensor split,
     * the output norm off the last device of a layer split).
     */
    GpuBuffer optionalVector(TensorInfo t) {
        return t == null || share.sliceOf(TensorLayout.of(t)).isEmpty() ? null : vector(t);
    }

    /** The whole tensor decoded to floats, for vectors and tables the host reads or builds on. */
    float[] floats(TensorInfo t) {
        return Dequantizer.dequantizeAll(t.type(), file.data(t), t.elementCount());
    }

    /** Uploads {@code slice} of matrix {@code t}, {@code what} telling its buffers apart from a whole tensor's. */
    WeightTensor upload(TensorInfo t, TensorSlice slice, String what) {
        requireSome(t, slice);
        return made.keep(cut(t, slice, what));
    }

    private WeightTensor cut(TensorInfo t, TensorSlice slice, String what) {
        MemorySegment data = file.data(t);
        long rowBytes = t.rowBytes();
        if (slice.eachMatrix()) return eachMatrix(t, slice, data, rowBytes);
        if (!slice.withinRows()) {
            return up.matrix(t.name() + what, t.type(), Math.toIntExact(slice.count()), Math.toIntExact(t.rowLength()),
                    data.asSlice(slice.start() * rowBytes, slice.count() * rowBytes));
        }
        if (slice.reencoded()) return columnsAsF16(t, slice, data);
        // the same columns of every row: gather them into one packed matrix
        long skip = t.type().byteSize(slice.start());
        long keep = t.type().byteSize(slice.count());
        long rows = t.rowCount();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment packed = arena.allocate(rows * keep, 16);
            for (long r = 0; r < rows; r++) MemorySegment.copy(data, r * rowBytes + skip, packed, r * keep, keep);
            return up.matrix(t.name() + " (column slice)", t.type(), Math.toIntExact(rows),
                    Math.toIntExact(slice.count()), packed);
        }
    }

    private void requireSome(TensorInfo t, TensorSlice slice) {
        if (slice.isEmpty()) throw new IllegalStateException(t.name() + ": empty slice on " + device);
    }

    /**
     * The same columns of every row, decoded and stored as F16: the slice cuts through the file's
     * quant blocks (TensorSlice#storedType). Row by row, so only one decoded row is on the heap.
     */
    private WeightTensor columnsAsF16(TensorInfo t, TensorSlice slice, MemorySegment data) {
        int length = Math.toIntExact(t.rowLength()), start = Math.toIntExact(slice.start());
        int count = Math.toIntExact(slice.count());
        long rows = t.rowCount();
        float[] row = new float[length];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment packed = arena.allocate(rows * count * Short.BYTES, 16);
            for (long r = 0; r < rows; r++) {
                Dequantizer.dequantize(t.type(), data, r * t.rowBytes(), row, 0, length);
                for (int c = 0; c < count; c++) {
                    packed.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, r * count + c, Float.floatToFloat16(row[start + c]));
                }
            }
            return up.matrix(t.name() + " (column slice as F16)", GgmlType.F16, Math.toIntExact(rows), count, packed);
        }
    }

    /** The same rows of every expert of a 3-D tensor, packed expert after expert. */
    private WeightTensor eachMatrix(TensorInfo t, TensorSlice slice, MemorySegment data, long rowBytes) {
        long matrices = slice.tensor().matrices();
        long perMatrix = t.rowCount() / matrices;
        long keep = slice.count() * rowBytes;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment packed = arena.allocate(matrices * keep, 16);
            for (long m = 0; m < matrices; m++) {
                MemorySegment.copy(data, (m * perMatrix + slice.start()) * rowBytes, packed, m * keep, keep);
            }
            return up.matrix(t.name() + " (expert rows)", t.type(), Math.toIntExact(matrices * slice.count()),
                    Math.toIntExact(t.rowLength()), packed);
        }
    }
}
