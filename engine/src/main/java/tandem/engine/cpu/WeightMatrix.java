package tandem.engine.cpu;

import java.lang.foreign.MemorySegment;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.TensorInfo;
import tandem.engine.tensor.GgmlType;

/**
 * A weight matrix of {@code rows} outputs by {@code cols} inputs, left in its stored type inside
 * the mapped file and computed on block by block.
 */
record WeightMatrix(String name, GgmlType type, MemorySegment data, int rows, int cols) {
    static WeightMatrix of(GgufFile file, TensorInfo t) {
        long[] dims = t.dims();
        return new WeightMatrix(t.name(), t.type(), file.data(t), Math.toIntExact(dims[1]), Math.toIntExact(dims[0]));
    }

    /**
     * The experts of a 3-D tensor [input, output, expert]: expert e is the matrix of the e-th run
     * of output rows.
     */
    static java.util.List<WeightMatrix> experts(GgufFile file, TensorInfo t) {
        long[] dims = t.dims();
        int cols = Math.toIntExact(dims[0]), rows = Math.toIntExact(dims[1]);
        long bytes = t.type().byteSize(cols) * rows;
        MemorySegment all = file.data(t);
        java.util.List<WeightMatrix> out = new java.util.ArrayList<>();
        for (int e = 0; e < dims[2]; e++) {
            out.add(new WeightMatrix(t.name() + "[" + e + "]", t.type(), all.asSlice(e * bytes, bytes), rows, cols));
        }
        return out;
    }

    /** out[outOff + b * rows + r] = W[r] . x[xOff + b * cols ...] for each of batch vectors. */
    void multiply(float[] x, int xOff, int batch, float[] out, int outOff) {
        CpuOps.matMul(type, data, rows, cols, x, xOff, batch, out, outOff);
    }

    /** Row {@code row} as floats (an embedding lookup). */
    void row(int row, float[] out, int outOff) {
        CpuOps.row(type, data, cols, row, out, outOff);
    }
}
