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

    /** out[outOff + b * rows + r] = W[r] . x[xOff + b * cols ...] for each of batch vectors. */
    void multiply(float[] x, int xOff, int batch, float[] out, int outOff) {
        CpuOps.matMul(type, data, rows, cols, x, xOff, batch, out, outOff);
    }

    /** Row {@code row} as floats (an embedding lookup). */
    void row(int row, float[] out, int outOff) {
        CpuOps.row(type, data, cols, row, out, outOff);
    }
}
