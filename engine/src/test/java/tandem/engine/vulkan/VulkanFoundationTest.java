package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.cli.TandemCli;
import tandem.engine.tools.ProductProblem;

class VulkanFoundationTest extends VulkanTestBase {

    @Test
    void discoveryReadsTheDeviceLimitsFromTheDriver() {
        PhysicalDevice pd = device.physical();
        assertFalse(pd.name().isBlank());
        assertTrue(pd.subgroupSize() >= 1 && Integer.bitCount(pd.subgroupSize()) == 1, "subgroup size " + pd.subgroupSize());
        assertTrue(pd.maxStorageBufferRange() >= 1 << 27);
        assertTrue(pd.deviceLocalBytes() > 0 && pd.freeBytes() > 0 && pd.freeBytes() <= pd.deviceLocalBytes());
        assertTrue(pd.timestampPeriodNs() > 0);
    }

    @Test
    void validationMessagesAreCaughtWhenValidationIsOn() {
        assertEquals(VulkanInstance.validationRequested(), instance.validationEnabled());
        if (!instance.validationEnabled()) return;
        // A zero-sized buffer is invalid usage (VUID-VkBufferCreateInfo-size-00912).
        try (var stack = org.lwjgl.system.MemoryStack.stackPush()) {
            var info = org.lwjgl.vulkan.VkBufferCreateInfo.calloc(stack).sType$Default().size(0)
                    .usage(org.lwjgl.vulkan.VK10.VK_BUFFER_USAGE_STORAGE_BUFFER_BIT);
            var handle = stack.mallocLong(1);
            if (org.lwjgl.vulkan.VK10.vkCreateBuffer(device.handle(), info, null, handle) == 0) {
                org.lwjgl.vulkan.VK10.vkDestroyBuffer(device.handle(), handle.get(0), null);
            }
        }
        List<String> messages = instance.takeValidationMessages();
        assertFalse(messages.isEmpty(), "the debug messenger reported nothing for an invalid call");
    }

    @Test
    void devicesCommandListsTheSameDevicesAsJson() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = TandemCli.run(new String[] {"devices", "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        JsonNode list = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(instance.physicalDevices().size(), list.size());
        JsonNode first = list.get(0);
        assertEquals(0, first.get("index").asInt());
        assertEquals(device.physical().name(), first.get("name").asText());
        assertEquals(device.physical().subgroupSize(), first.get("subgroupSize").asInt());
    }

    @Test
    void floatsSurviveUploadCopyAndReadback() {
        float[] data = randomFloats(1000, 1);
        try (GpuBuffer b = deviceFloats(data, "roundtrip")) {
            assertArrayEquals(data, readFloats(b, data.length));
        }
    }

    @Test
    void samePhysicalDeviceOpensAsTwoIndependentLogicalDevices() {
        float[] a = randomFloats(64, 2), b = randomFloats(64, 3);
        try (VulkanDevice second = VulkanDevice.open(instance, device.physical())) {
            GpuBuffer onSecond = GpuBuffer.create(second, BufferKind.READBACK, 256, "second");
            onSecond.mapped().asByteBuffer().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().put(b);
            try (GpuBuffer onFirst = deviceFloats(a, "first")) {
                assertArrayEquals(a, readFloats(onFirst, 64));
            }
            assertEquals(1, second.liveResources());
            // Closing the device frees what its owners left open, in order, without validation errors.
        }
    }

    @Test
    void deviceLocalUsageCountsOurAllocations() {
        long before = device.deviceLocalUsage()[0];
        long size = 300L << 20;
        try (GpuBuffer big = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, size, "big")) {
            long[] during = device.deviceLocalUsage();
            assertTrue(during[0] - before >= size, "usage grew by " + (during[0] - before));
            assertTrue(during[1] >= during[0], "budget " + during[1] + " below usage " + during[0]);
        }
        assertTrue(device.deviceLocalUsage()[0] <= before + (1L << 20));
    }

    @Test
    void timestampsMeasureRecordedWork() {
        float[] x = randomFloats(4096, 4);
        try (GpuBuffer src = deviceFloats(x, "src");
             GpuBuffer dst = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, src.size(), "dst");
             TimestampQueries q = TimestampQueries.create(device, 3);
             CommandRecorder rec = CommandRecorder.create(device)) {
            // The barrier orders the copy back after the first (synchronization validation flags it otherwise).
            rec.begin().resetTimestamps(q, 3).timestamp(q, 0).copy(src.all(), dst.all()).timestamp(q, 1)
                    .barrier().copy(dst.all(), src.all()).timestamp(q, 2);
            q.recordCopy(rec, 3);
            rec.end();
            for (int replay = 0; replay < 2; replay++) {
                rec.submitAndWait();
                double[] intervals = q.intervalsNanos(3);
                assertEquals(2, intervals.length);
                for (double ns : intervals) assertTrue(ns >= 0 && ns < 10e9, "interval " + ns);
                // the copy the recording made at its end holds the pool's stamps of this replay
                assertArrayEquals(intervals, q.copiedIntervalsNanos(3), "replay " + replay);
            }
            assertArrayEquals(x, readFloats(dst, x.length));
        }
    }

    @Test
    void bindingLargerThanTheDeviceLimitIsRefused() {
        long limit = device.physical().maxStorageBufferRange();
        try (GpuBuffer big = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, limit + 256, "big");
             GpuBuffer small = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 256, "small");
             CommandRecorder rec = CommandRecorder.create(device)) {
            ComputePipeline norm = Kernels.of(device).rmsNorm();
            rec.begin();
            var e = assertThrows(IllegalArgumentException.class, () ->
                    rec.dispatch(norm, List.of(big.all(), small.all(), small.all()), new int[] {1, 0, 0}, 1, 1, 1));
            assertTrue(e.getMessage().contains("maxStorageBufferRange"), e.getMessage());
            rec.end();
        }
    }

    static float[] randomFloats(int n, long seed) {
        return ProductProblem.gaussians(n, seed);
    }
}
