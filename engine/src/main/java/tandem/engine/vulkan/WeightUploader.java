package tandem.engine.vulkan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import tandem.engine.api.TandemException;
import tandem.engine.tensor.GgmlType;

/**
 * Copies host bytes (usually slices of the mapped GGUF file) into device-local buffers through
 * one reused staging buffer, reporting the bytes done after every chunk.
 */
public final class WeightUploader implements AutoCloseable {
    private static final long STAGING_BYTES = 64L << 20;

    private final VulkanDevice device;
    private final GpuBuffer staging;
    private final CommandRecorder recorder;
    private final LongConsumer progress;
    private final long maxSliceBytes;

    /** @param progress receives the number of bytes uploaded by each chunk */
    public WeightUploader(VulkanDevice device, LongConsumer progress) {
        this(device, progress, device.physical().maxStorageBufferRange());
    }

    /** @param maxSliceBytes largest buffer one matrix slice may take (tests force small slices) */
    public WeightUploader(VulkanDevice device, LongConsumer progress, long maxSliceBytes) {
        this.device = device;
        this.maxSliceBytes = Math.min(maxSliceBytes, device.physical().maxStorageBufferRange());
        this.staging = GpuBuffer.create(device, BufferKind.UPLOAD, STAGING_BYTES, "upload staging");
        try {
            this.recorder = CommandRecorder.create(device);
        } catch (RuntimeException e) {
            staging.close();
            throw e;
        }
        this.progress = progress;
    }

    /** A matrix of {@code rows} rows of {@code cols} weights in {@code type}, split to fit the binding limit. */
    public WeightTensor matrix(String name, GgmlType type, int rows, int cols, MemorySegment bytes) {
        long rowBytes = type.byteSize(cols);
        if (bytes.byteSize() != rowBytes * rows) {
            throw new TandemException("tensor " + name + ": expected " + rowBytes * rows + " bytes, found " + bytes.byteSize());
        }
        int rowsPerSlice = (int) Math.min(rows, maxSliceBytes / rowBytes);
        if (rowsPerSlice == 0) {
            throw new TandemException("tensor " + name + ": one row of " + rowBytes + " bytes exceeds the storage buffer limit of "
                    + device.label());
        }
        List<WeightTensor.Slice> slices = new ArrayList<>();
        try {
            for (int first = 0; first < rows; first += rowsPerSlice) {
                int n = Math.min(rowsPerSlice, rows - first);
                MemorySegment part = bytes.asSlice(first * rowBytes, n * rowBytes);
                slices.add(new WeightTensor.Slice(uploadInGpuLayout(name, type, part), first, n));
            }
        } catch (RuntimeException e) {
            for (WeightTensor.Slice s : slices) s.buffer().close();
            throw e;
        }
        return new WeightTensor(name, type, rows, cols, slices);
    }

    /**
     * Uploads whole blocks in the layout the kernels read (WeightLayout): the file's bytes as they are,
     * or a repacked copy in a shared arena (the repack runs on several threads; closing a shared
     * arena pauses the JVM's threads briefly, so only the repacked types make one).
     */
    private GpuBuffer uploadInGpuLayout(String name, GgmlType type, MemorySegment blocks) {
        if (!WeightLayout.isSplit(type)) return upload(name, blocks);
        try (Arena arena = Arena.ofShared()) {
            return upload(name, WeightLayout.forUpload(type, blocks, arena));
        }
    }

    /** Uploads floats (norm weights, tables) into one device-local buffer. */
    public GpuBuffer floats(String name, float[] values) {
        return upload(name, MemorySegment.ofArray(values));
    }

    /** Uploads bytes into a new device-local buffer (padded to 4 bytes). */
    public GpuBuffer upload(String name, MemorySegment bytes) {
        long size = bytes.byteSize();
        GpuBuffer target = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, (size + 3) & ~3L, name);
        try {
            for (long done = 0; done < size; ) {
                long n = Math.min(STAGING_BYTES, size - done);
                MemorySegment.copy(bytes, done, staging.mapped(), 0, n);
                staging.flush();
                long copyBytes = (n + 3) & ~3L;  // a copy of the padding tail is harmless
                recorder.begin().copy(staging.range(0, Math.min(copyBytes, target.size() - done)),
                        target.range(done, Math.min(copyBytes, target.size() - done))).end().submitAndWait();
                done += n;
                progress.accept(n);
            }
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
        return target;
    }

    @Override
    public void close() {
        recorder.close();
        staging.close();
    }
}
