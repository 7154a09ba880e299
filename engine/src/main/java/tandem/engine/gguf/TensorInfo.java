package tandem.engine.gguf;

import java.util.Arrays;
import tandem.engine.tensor.GgmlType;

/**
 * One tensor of a GGUF file.
 *
 * @param dims     GGUF order: {@code dims[0]} (ggml's ne0) is the contiguous dimension, the row length
 * @param offset   absolute byte offset of the tensor's data in the file
 * @param byteSize bytes of data
 */
public record TensorInfo(String name, GgmlType type, long[] dims, long offset, long byteSize) {

    public TensorInfo {
        dims = dims.clone();
    }

    @Override
    public long[] dims() { return dims.clone(); }

    public int rank() { return dims.length; }

    /** Product of the dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** Elements per row: {@code dims[0]}, the contiguous dimension. */
    public long rowLength() { return dims.length == 0 ? 1 : dims[0]; }

    /** Number of rows: the product of the dimensions after the first. */
    public long rowCount() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) n *= dims[i];
        return n;
    }

    /** Bytes of one row. */
    public long rowBytes() { return type.byteSize(rowLength()); }

    /** "[4096, 14336]". */
    public String shape() { return Arrays.toString(dims); }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(dims, t.dims)
                && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(dims); }

    @Override
    public String toString() { return name + " " + type + " " + shape() + " @" + offset + " +" + byteSize; }
}
