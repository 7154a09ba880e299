package tandem.engine.gguf;

import java.lang.foreign.MemorySegment;

/**
 * Produces a tensor's bytes for {@link GgufWriter}, a chunk at a time, so multi-gigabyte tensors
 * never need to exist in memory whole. The writer calls {@link #fill} from several threads at
 * once, each time for a different range; every range starts at a multiple of the type's block
 * bytes and covers whole blocks.
 */
@FunctionalInterface
public interface TensorSource {

    /** Writes bytes {@code [tensorOffset, tensorOffset + chunk.byteSize())} of the tensor into {@code chunk}. */
    void fill(MemorySegment chunk, long tensorOffset);

    /** A source that copies from bytes already in memory. */
    static TensorSource of(MemorySegment data) {
        return (chunk, off) -> MemorySegment.copy(data, off, chunk, 0, chunk.byteSize());
    }
}
