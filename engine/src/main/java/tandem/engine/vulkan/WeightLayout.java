package tandem.engine.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.LongStream;
import tandem.engine.tensor.GgmlType;

/**
 * How a weight matrix lies in GPU memory, when it differs from the GGUF file. Q4_0, IQ4_NL and Q8_0
 * blocks (an f16 scale, then 16 or 32 quant bytes) are 18 and 34 bytes long, and MXFP4 blocks (a
 * one-byte scale, then 16 quant bytes) 17, so in file order their quants are only 2-byte (MXFP4:
 * 1-byte) aligned and every 32-bit read takes several loads. Uploaded "split", the quants of all
 * blocks come first (16 or 32 bytes each, so 8-byte aligned) and the scales after them, in block
 * order: the decode kernels then read a chunk of quants with one aligned load. The shader includes
 * quant_q4_0.glsl, quant_iq4_nl.glsl, quant_q8_0.glsl and quant_mxfp4.glsl read this layout (their
 * scales at byte {@code blocks * quantBytes} of the bound buffer); every other type keeps its GGUF layout.
 */
public final class WeightLayout {
    private WeightLayout() {}

    /** Blocks per parallel task of the repack. */
    private static final long RUN_BLOCKS = 1 << 16;

    /** Whether {@code type} is uploaded in the split layout. */
    public static boolean isSplit(GgmlType type) {
        return scaleBytes(type) > 0;
    }

    /** Bytes of the leading scale of a split block (0 for types kept in the file's layout). */
    static int scaleBytes(GgmlType type) {
        return switch (type) {
            case Q4_0, Q8_0, IQ4_NL -> 2;
            case MXFP4 -> 1;
            default -> 0;
        };
    }

    /**
     * The bytes to upload for whole blocks of {@code type} in GGUF order: {@code blocks} itself
     * where the layout is the file's, else a copy in the split layout allocated in {@code arena}.
     */
    public static MemorySegment forUpload(GgmlType type, MemorySegment blocks, Arena arena) {
        if (!isSplit(type)) return blocks;
        int blockBytes = type.typeSize();
        int scaleBytes = scaleBytes(type);
        int quantBytes = blockBytes - scaleBytes;   // 16 or 32: whole 8-byte words
        long count = blocks.byteSize() / blockBytes;
        if (count * blockBytes != blocks.byteSize()) {
            throw new IllegalArgumentException(type + ": " + blocks.byteSize() + " bytes is not a whole number of blocks");
        }
        MemorySegment out = arena.allocate(blocks.byteSize(), 8);
        long scales = count * quantBytes;
        // Large models have billions of blocks: move 8 bytes at a time, in parallel runs of blocks.
        long runs = (count + RUN_BLOCKS - 1) / RUN_BLOCKS;
        LongStream.range(0, runs).parallel().forEach(run -> {
            long end = Math.min(count, (run + 1) * RUN_BLOCKS);
            for (long i = run * RUN_BLOCKS; i < end; i++) {
                long from = i * blockBytes;
                if (scaleBytes == 2) {
                    out.set(ValueLayout.JAVA_SHORT_UNALIGNED, scales + 2 * i, blocks.get(ValueLayout.JAVA_SHORT_UNALIGNED, from));
                } else {
                    out.set(ValueLayout.JAVA_BYTE, scales + i, blocks.get(ValueLayout.JAVA_BYTE, from));
                }
                for (int k = 0; k < quantBytes; k += 8) {
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, i * quantBytes + k,
                            blocks.get(ValueLayout.JAVA_LONG_UNALIGNED, from + scaleBytes + k));
                }
            }
        });
        return out;
    }
}
