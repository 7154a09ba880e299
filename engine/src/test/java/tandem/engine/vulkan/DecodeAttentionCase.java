package tandem.engine.vulkan;

import java.util.Arrays;

/**
 * One decode token's attention inputs on the device, for the tests of the decode attention kernels: random keys and
 * values of pos0 earlier positions and the step's own, the step's query, the rope table and the split ranges'
 * scratch; caches made here ({@link #cache}) are filled with the earlier positions by {@link #storeEarlier}.
 */
final class DecodeAttentionCase implements AutoCloseable {
    final int heads, kvHeads, headDim, ropeDim, pos0, kvDim, qDim, length;
    /** Keys and values of every position (the step's last), unrotated; the step's query. */
    final float[] k, v, q;
    final AttentionHeads shape;
    final Rotary rope;
    final AttentionSplits ranges;
    final GpuBuffer query, stepKey, stepValue;
    final StepParams step;
    private final GpuBuffer earlierQ, keys, values, table;
    private final StepParams earlier;
    private final MadeResources made = new MadeResources();

    DecodeAttentionCase(VulkanDevice device, int heads, int kvHeads, int headDim, int ropeDim, boolean neox, int pos0, int splits,
                        long seed) {
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.ropeDim = ropeDim;
        this.pos0 = pos0;
        kvDim = kvHeads * headDim;
        qDim = heads * headDim;
        length = pos0 + 1;
        k = VulkanFoundationTest.randomFloats(length * kvDim, seed);
        v = VulkanFoundationTest.randomFloats(length * kvDim, seed + 1);
        q = VulkanFoundationTest.randomFloats(qDim, seed + 2);
        float[] ones = new float[ropeDim / 2];
        Arrays.fill(ones, 1f);
        shape = AttentionHeads.of(heads, kvHeads, headDim);
        try {
            earlierQ = own(DeviceFloats.upload(device, new float[Math.max(1, pos0) * qDim], "earlier queries"));
            keys = own(DeviceFloats.upload(device, k, "keys"));
            values = own(DeviceFloats.upload(device, v, "values"));
            stepKey = own(DeviceFloats.upload(device, stepRow(k), "step key"));
            stepValue = own(DeviceFloats.upload(device, stepRow(v), "step value"));
            query = own(DeviceFloats.upload(device, q, "q"));
            table = own(DeviceFloats.upload(device, RopeTable.build(length, ropeDim, 10000f, ones), "rope table"));
            rope = new Rotary(table.all(), ropeDim, neox);
            GpuBuffer partials = own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL,
                    4 * GpuOps.attentionPartialFloats(heads, headDim, 1, splits), "partials"));
            ranges = splits == 1 ? AttentionSplits.NONE : new AttentionSplits(splits, partials.all());
            earlier = own(new StepParams(device, Math.max(1, pos0)));
            step = own(new StepParams(device, 1));
            step.write(pos0, new int[1], 0, 1);
        } catch (RuntimeException e) {
            throw made.closeAfter(e);
        }
    }

    /** The step's own row of keys or values. */
    float[] stepRow(float[] all) {
        return Arrays.copyOfRange(all, pos0 * kvDim, length * kvDim);
    }

    /** An empty float16 cache of every position, closed with this case. */
    AttentionCache cache(VulkanDevice device, String name) {
        GpuBuffer kc = own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, name + " keys"));
        GpuBuffer vc = own(GpuBuffer.create(device, BufferKind.DEVICE_LOCAL, 2L * length * kvDim, name + " values"));
        return AttentionCache.full(kc.all(), vc.all());
    }

    /** Ropes and appends the earlier positions to each cache (rope_store), then a barrier; nothing when pos0 is 0. */
    void storeEarlier(CommandRecorder rec, AttentionCache... caches) {
        if (pos0 == 0) return;
        earlier.write(0, new int[pos0], 0, pos0);
        for (AttentionCache cache : caches) {
            GpuOps.ropeStore(rec, shape, earlierQ.all(), keys.all(), values.all(), cache, rope, earlier.range(), pos0);
        }
        rec.computeBarrier();
    }

    /** Records the decode step's own attention (rope, append, attend) over {@code cache}, the float output into {@code out}. */
    void attendRoped(CommandRecorder rec, AttentionCache cache, GpuBuffer out) {
        GpuOps.attentionRoped(rec, shape, query.all(), stepKey.all(), stepValue.all(), cache, rope, out.all(), step.range(), ranges, null);
    }

    private <T extends AutoCloseable> T own(T r) {
        return made.keep(r);
    }

    @Override
    public void close() {
        made.closeAll();
    }
}
