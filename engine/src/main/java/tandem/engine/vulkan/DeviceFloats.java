package tandem.engine.vulkan;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Float arrays to and from device-local buffers through staging buffers (checks and tests). */
public final class DeviceFloats {
    private DeviceFloats() {}

    /** Uploads floats into a new device-local buffer (at least 4 bytes, so an empty array still binds). */
    public static GpuBuffer upload(VulkanDevice device, float[] values, String name) {
        return upload(device, values, false, name);
    }

    /** Uploads floats rounded to float16 (an F16 cache's contents) into a new device-local buffer. */
    public static GpuBuffer uploadHalves(VulkanDevice device, float[] values, String name) {
        return upload(device, values, true, name);
    }

    private static GpuBuffer upload(VulkanDevice device, float[] values, boolean halves, String name) {
        GpuBuffer b = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, Math.max(4, values.length * (halves ? 2L : 4L)), name);
        try (GpuBuffer staging = GpuBuffer.create(device, BufferKind.UPLOAD, b.size(), name + " staging");
             CommandRecorder rec = CommandRecorder.create(device)) {
            var bytes = staging.mapped().asByteBuffer().order(ByteOrder.nativeOrder());
            if (halves) {
                var shorts = bytes.asShortBuffer();
                for (float v : values) shorts.put(Float.floatToFloat16(v));
            } else {
                bytes.asFloatBuffer().put(values);
            }
            staging.flush();
            rec.begin().copy(staging.all(), b.all()).end().submitAndWait();
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    /** Reads the first n floats of a device buffer. */
    public static float[] read(VulkanDevice device, GpuBuffer src, int n) {
        try (GpuBuffer readback = GpuBuffer.create(device, BufferKind.READBACK, n * 4L, "readback");
             CommandRecorder rec = CommandRecorder.create(device)) {
            rec.begin().copy(src.range(0, n * 4L), readback.all()).end().submitAndWait();
            readback.invalidate();
            return readback.mapped().toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
