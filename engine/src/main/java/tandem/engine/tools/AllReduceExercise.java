package tandem.engine.tools;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import tandem.engine.parallel.AllReduceMode;
import tandem.engine.parallel.VulkanAllReduce;
import tandem.engine.vulkan.BufferKind;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuBuffer;
import tandem.engine.vulkan.TimelinePoint;
import tandem.engine.vulkan.TimelineSemaphore;
import tandem.engine.vulkan.VulkanDevice;

/**
 * Runs many all-reduce rounds back to back and checks every element of every device's result
 * against the sum computed in Java: what the tests run on lavapipe and {@code tandem allreduce}
 * runs on GPU pairs. Each batch of rounds is recorded and submitted ahead behind a gate, then the
 * gate opens and the devices chain through each other with the host out of the loop; the batch's
 * wall time over its rounds is the cost of one all-reduce in a pipelined chain (partial store,
 * release, signal, peer wait, acquire, sum).
 *
 * <p>Every round reduces different random partials, so a device that reads a stale slot (the
 * failure shared/BASELINES.md found on NVIDIA) gives a wrong sum in that round.
 */
public final class AllReduceExercise {
    private static final long ALIGN = 256;
    private static final long GATE_TIMEOUT_NS = 60_000_000_000L;

    /**
     * @param wrongElements     elements that differ from the Java sum by more than rounding
     * @param devicesDisagree   elements where some device's result is not bit-identical to device 0's
     * @param medianMicros      median over batches of (batch wall time / rounds in it)
     */
    public record Report(String path, int devices, int length, long rounds, long wrongElements, long devicesDisagree,
                         double medianMicros, double minMicros) {}

    private AllReduceExercise() {}

    /** One logical device's buffers and recorded commands. */
    private record Lane(GpuBuffer upload, GpuBuffer input, GpuBuffer result, GpuBuffer readback,
                        TimelineSemaphore gate, CommandRecorder load, List<CommandRecorder> chain, CommandRecorder unload) {
        void close() {
            unload.close();
            chain.forEach(CommandRecorder::close);
            load.close();
            gate.close();
            readback.close();
            result.close();
            input.close();
            upload.close();
        }
    }

    /**
     * @param rounds  rounds per batch (even, so the recorded slot parities repeat batch after batch)
     */
    public static Report run(List<VulkanDevice> devices, AllReduceMode mode, int length, int rounds, int batches, long seed) {
        return run(devices, mode, length, rounds, batches, seed, true, false);
    }

    /**
     * @param ownershipTransfers false drops the slots' barriers, to show the stale reads they prevent
     * @param hostCopies         per-device slot copies moved by the relay, as for drivers that cannot import host memory
     */
    public static Report run(List<VulkanDevice> devices, AllReduceMode mode, int length, int rounds, int batches, long seed,
                             boolean ownershipTransfers, boolean hostCopies) {
        if (rounds <= 0 || rounds % 2 != 0 || batches <= 0) throw new IllegalArgumentException("an even number of rounds per batch");
        long stride = (length * 4L + ALIGN - 1) / ALIGN * ALIGN;
        long bytes = stride * rounds;
        List<Lane> lanes = new ArrayList<>();
        try (VulkanAllReduce ar = VulkanAllReduce.create(devices, length, mode, ownershipTransfers, hostCopies)) {
            try {
                for (int d = 0; d < devices.size(); d++) lanes.add(lane(ar, devices.get(d), d, length, rounds, stride, bytes));
                return measure(ar, lanes, length, rounds, batches, stride, seed);
            } finally {
                for (VulkanDevice v : devices) v.waitIdle();
                lanes.forEach(Lane::close);
            }
        }
    }

    private static Lane lane(VulkanAllReduce ar, VulkanDevice device, int d, int length, int rounds, long stride, long bytes) {
        GpuBuffer upload = GpuBuffer.create(device, BufferKind.UPLOAD, bytes, "all-reduce test partials " + d);
        GpuBuffer input = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "all-reduce test input " + d);
        GpuBuffer result = GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, bytes, "all-reduce test result " + d);
        GpuBuffer readback = GpuBuffer.create(device, BufferKind.READBACK, bytes, "all-reduce test readback " + d);
        TimelineSemaphore gate = TimelineSemaphore.create(device, false, "all-reduce test gate " + d);
        CommandRecorder load = CommandRecorder.create(device).begin().copy(upload.all(), input.all()).barrier().end();
        List<CommandRecorder> chain = new ArrayList<>();
        for (int j = 0; j <= rounds; j++) {
            CommandRecorder rec = CommandRecorder.create(device).begin();
            // round numbers here only choose slot parities; batches add an even base
            if (j > 0) ar.recordSum(rec, d, j, result.range((j - 1) * stride, stride), length, false);
            if (j < rounds) ar.recordStage(rec, d, j + 1, input.range(j * stride, stride), length);
            chain.add(rec.end());
        }
        CommandRecorder unload = CommandRecorder.create(device).begin().barrier().copy(result.all(), readback.all()).barrier().end();
        return new Lane(upload, input, result, readback, gate, load, chain, unload);
    }

    private static Report measure(VulkanAllReduce ar, List<Lane> lanes, int length, int rounds, int batches, long stride,
                                  long seed) {
        int n = lanes.size();
        SplittableRandom random = new SplittableRandom(seed);
        float[][][] partials = new float[n][rounds][length];
        double[] micros = new double[batches];
        long wrong = 0, disagree = 0;
        for (int b = 0; b < batches; b++) {
            long base = (long) b * rounds;
            for (int d = 0; d < n; d++) {
                MemorySegment m = lanes.get(d).upload().mapped();
                for (int j = 0; j < rounds; j++) {
                    for (int i = 0; i < length; i++) {
                        float v = (float) (random.nextDouble() * 2 - 1);
                        partials[d][j][i] = v;
                        m.setAtIndex(ValueLayout.JAVA_FLOAT, j * stride / 4 + i, v);
                    }
                }
                lanes.get(d).upload().flush();
                lanes.get(d).load().submitAndWait();
            }
            for (int d = 0; d < n; d++) {
                Lane lane = lanes.get(d);
                for (int j = 0; j <= rounds; j++) {
                    List<TimelinePoint> waits = j == 0 ? List.of(lane.gate().at(b + 1)) : ar.peersWritten(d, base + j);
                    List<TimelinePoint> signals = j < rounds ? List.of(ar.written(d, base + j + 1)) : List.of();
                    lane.chain().get(j).submit(waits, signals);
                }
            }
            long t0 = System.nanoTime();
            for (Lane lane : lanes) lane.gate().signal(b + 1);
            for (Lane lane : lanes) lane.chain().getLast().await();
            micros[b] = (System.nanoTime() - t0) / 1e3 / rounds;
            for (Lane lane : lanes) {
                lane.chain().forEach(CommandRecorder::await);
                lane.unload().submitAndWait();
                lane.readback().invalidate();
            }
            long[] counts = check(lanes, partials, length, rounds, stride);
            wrong += counts[0];
            disagree += counts[1];
        }
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new Report(ar.path(), n, length, (long) rounds * batches, wrong, disagree, sorted[batches / 2], sorted[0]);
    }

    /** {wrong elements, elements where devices disagree} over every device, round and element. */
    private static long[] check(List<Lane> lanes, float[][][] partials, int length, int rounds, long stride) {
        long wrong = 0, disagree = 0;
        for (int j = 0; j < rounds; j++) {
            for (int i = 0; i < length; i++) {
                float expected = 0f;
                float magnitude = 0f;
                for (float[][] p : partials) {
                    expected += p[j][i];
                    magnitude += Math.abs(p[j][i]);
                }
                long index = j * stride / 4 + i;
                float first = lanes.getFirst().readback().mapped().getAtIndex(ValueLayout.JAVA_FLOAT, index);
                for (Lane lane : lanes) {
                    float got = lane.readback().mapped().getAtIndex(ValueLayout.JAVA_FLOAT, index);
                    if (!(Math.abs(got - expected) <= 1e-6f * (1 + magnitude))) wrong++;
                    if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(first)) disagree++;
                }
            }
        }
        return new long[] {wrong, disagree};
    }
}
