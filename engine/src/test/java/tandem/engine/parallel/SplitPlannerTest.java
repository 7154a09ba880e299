package tandem.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tandem.engine.api.CacheType;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;
import tandem.engine.model.TensorLayout;
import tandem.engine.model.TensorSlice;
import tandem.engine.tensor.GgmlType;

class SplitPlannerTest {
    private static final int CTX = 8192;

    private static SplitPlan plan(ModelShape m, SplitMode mode, double... shares) {
        List<DeviceBudget> devices = IntStream.range(0, shares.length)
                .mapToObj(i -> new DeviceBudget(0, "gpu" + i, Long.MAX_VALUE)).toList();
        List<Double> split = java.util.Arrays.stream(shares).boxed().toList();
        return SplitPlanner.plan(m, mode, devices, Ratios.of(split, shares.length), CTX);
    }

    /** The KV bytes follow the cache type: F16 half of F32, Q8_0 34/64 of F16 (34 bytes per 32 values). */
    @Test
    void kvCacheBytesFollowTheCacheType() {
        ModelShape m = Shapes.llama3_8b(GgmlType.Q4_0);
        List<DeviceBudget> two = List.of(new DeviceBudget(0, "gpu0", Long.MAX_VALUE), new DeviceBudget(0, "gpu1", Long.MAX_VALUE));
        for (SplitMode mode : List.of(SplitMode.LAYER, SplitMode.TENSOR)) {
            long[] bytes = new long[3];
            for (CacheType t : CacheType.values()) {
                SplitPlan p = SplitPlanner.plan(m, mode, two, Ratios.of(List.of(1.0, 1.0), 2), CTX, t);
                bytes[t.ordinal()] = p.loadPlan().devices().getFirst().kvCacheBytes();
            }
            // 32 layers x 8192 positions x 8 KV heads x 128 x (K and V) x 2 bytes, over two devices
            assertEquals(512L << 20, bytes[CacheType.F16.ordinal()], mode.name());
            assertEquals(2 * bytes[CacheType.F16.ordinal()], bytes[CacheType.F32.ordinal()], mode.name());
            assertEquals(bytes[CacheType.F16.ordinal()] * 34 / 64, bytes[CacheType.Q8_0.ordinal()], mode.name());
        }
    }

    private static List<Integer> sizes(SplitPlan p, java.util.function.Function<DeviceSlices, SliceRange> f) {
        return p.devices().stream().map(f).map(SliceRange::size).toList();
    }

    @Test
    void llama3_8bEvenTensorSplitHalvesHeadsFfnAndVocabulary() {
        SplitPlan p = plan(Shapes.llama3_8b(GgmlType.Q4_0), SplitMode.TENSOR, 1, 1);
        assertEquals(List.of(4, 4), sizes(p, DeviceSlices::kvGroups));
        assertEquals(List.of(7168, 7168), sizes(p, DeviceSlices::ffnColumns));
        assertEquals(List.of(64128, 64128), sizes(p, DeviceSlices::vocabRows));
        assertEquals(List.of(), p.loadPlan().notes());
        // KV cache: 32 layers x 8192 positions x 4 KV heads x 128 x (K and V) x 2 bytes = 512 MiB
        for (DevicePlan d : p.loadPlan().devices()) assertEquals(512L << 20, d.kvCacheBytes());
        // device 1's attn_q slice starts at KV group 4 = query head 16 = row 2048
        TensorSlice q = p.sliceOf(1, p.model().tensor("blk.3.attn_q.weight").orElseThrow());
        assertEquals(2048, q.start());
        assertEquals(2048, q.count());
        assertFalse(q.withinRows());
        TensorSlice o = p.sliceOf(1, p.model().tensor("blk.3.attn_output.weight").orElseThrow());
        assertTrue(o.withinRows());
        assertEquals(2048, o.start());
    }

    @Test
    void llama3_70bOneTwoOneTensorSplit() {
        SplitPlan p = plan(Shapes.llama3_70b(GgmlType.Q4_0), SplitMode.TENSOR, 1, 2, 1);
        assertEquals(List.of(2, 4, 2), sizes(p, DeviceSlices::kvGroups));
        assertEquals(List.of(7168, 14336, 7168), sizes(p, DeviceSlices::ffnColumns));
        assertEquals(List.of(32064, 64128, 32064), sizes(p, DeviceSlices::vocabRows));
        assertEquals(List.of(), p.loadPlan().notes());
    }

    @Test
    void threeToOneIsHonouredExactlyWhereTheUnitsAllowIt() {
        SplitPlan p = plan(Shapes.llama3_8b(GgmlType.Q4_K), SplitMode.TENSOR, 3, 1);
        assertEquals(List.of(6, 2), sizes(p, DeviceSlices::kvGroups));
        assertEquals(List.of(10752, 3584), sizes(p, DeviceSlices::ffnColumns));
        assertEquals(List.of(), p.loadPlan().notes());
        TensorLayout down = p.model().tensor("blk.0.ffn_down.weight").orElseThrow();
        assertEquals(3 * p.sliceOf(1, down).bytes(), p.sliceOf(0, down).bytes());
    }

    @Test
    void unevenThreeWaySplitIsRoundedAndNoted() {
        SplitPlan p = plan(Shapes.llama3_8b(GgmlType.Q4_0), SplitMode.TENSOR, 1, 1, 1);
        assertEquals(List.of(3, 2, 3), sizes(p, DeviceSlices::kvGroups));
        assertEquals(List.of(4768, 4800, 4768), sizes(p, DeviceSlices::ffnColumns));
        assertEquals(List.of(42752, 42752, 42752), sizes(p, DeviceSlices::vocabRows));
        assertEquals(List.of("attention: asked 1:1:1, got 12:8:12 query heads (3:2:3 KV heads; "
                        + "a device computes whole KV-head groups of 4 query heads or part of one)",
                "FFN columns: asked 1:1:1, got 4768:4800:4768 (ffn_down rows are cut in whole 32-element blocks)"),
                p.loadPlan().notes());
    }

    @Test
    void kQuantBlocksWiderThanTheHeadCutAreHeldAsF16() {
        // 4 heads over 2 KV heads of 64: a Q4_K block of attn_output's row is all 4 heads, so whole
        // blocks would give device 1 no head; it is cut by heads and each device holds its 128
        // columns of attn_output as F16. ffn_down's 768 columns are 3 blocks: cut whole, 512:256.
        ModelShape reference = Shapes.reference(GgmlType.Q4_K);
        SplitPlan p = plan(reference, SplitMode.TENSOR, 1, 1);
        assertEquals(List.of(1, 1), sizes(p, DeviceSlices::kvGroups));
        assertEquals(List.of(2, 2), sizes(p, DeviceSlices::queryHeads));
        assertEquals(List.of(512, 256), sizes(p, DeviceSlices::ffnColumns));
        TensorLayout attnOutput = reference.layerTensor(0, "attn_output").orElseThrow();
        TensorLayout ffnDown = reference.layerTensor(0, "ffn_down").orElseThrow();
        for (int d = 0; d < 2; d++) {
            assertEquals(GgmlType.F16, p.sliceOf(d, attnOutput).storedType());
            assertEquals(256L * 128 * 2, p.sliceOf(d, attnOutput).bytes());
            assertEquals(GgmlType.Q4_K, p.sliceOf(d, ffnDown).storedType());
        }
        // 2 layers x 2 devices x 64 KiB
        assertEquals(List.of(
                "FFN columns: asked 1:1, got 512:256 (ffn_down rows are cut in whole 256-element blocks)",
                "attn_output: whole Q4_K (256 wide) blocks would leave a device nothing to compute, "
                        + "so devices hold their columns as F16 (0.25 MiB in all)"),
                p.loadPlan().notes());
        assertTrue(p.loadPlan().devices().get(1).kvCacheBytes() > 0);
    }

    @Test
    void ffnColumnsOfOneBlockAreCutFinerAndHeldAsF16() {
        // gemma3's reference shape: 256 FFN columns, one Q4_K block per ffn_down row
        ModelShape oneBlock = Shapes.llama("one-block ffn", 2, 256, 4, 2, 64, 256, 512, GgmlType.Q4_K, false);
        SplitPlan p = plan(oneBlock, SplitMode.TENSOR, 1, 3);
        assertEquals(List.of(64, 192), sizes(p, DeviceSlices::ffnColumns));
        TensorLayout ffnDown = oneBlock.layerTensor(1, "ffn_down").orElseThrow();
        assertEquals(GgmlType.F16, p.sliceOf(1, ffnDown).storedType());
        assertEquals(256L * 192 * 2, p.sliceOf(1, ffnDown).bytes());
        // row-cut tensors keep the file's type whatever the cut
        assertEquals(GgmlType.Q4_K, p.sliceOf(1, oneBlock.layerTensor(1, "ffn_up").orElseThrow()).storedType());
    }

    @Test
    void moreDevicesThanQueryHeadsIsAClearError() {
        TandemException e = assertThrows(TandemException.class,
                () -> plan(Shapes.reference(GgmlType.Q8_0), SplitMode.TENSOR, 1, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("has 4 query heads"), e.getMessage());
        assertTrue(e.getMessage().contains("at most 4 devices"), e.getMessage());
    }

    /** 8 query heads of 32 over 2 KV heads, Q8_0 (a block is 32 elements = one head). */
    private static ModelShape twoKvHeads() { return Shapes.llama("two-kv", 2, 256, 8, 2, 32, 512, 512, GgmlType.Q8_0, true); }

    /** Gemma-3-1B's attention: 4 query heads of 256 on one KV head. */
    private static ModelShape oneKvHead(GgmlType q) { return Shapes.llama("one-kv", 2, 512, 4, 1, 256, 1024, 512, q, false); }

    @Test
    void threeToOneOnTwoKvHeadsGivesEachDeviceOneKvHeadWhileTheFfnAndVocabularyKeepTheRatio() {
        SplitPlan p = plan(twoKvHeads(), SplitMode.TENSOR, 3, 1);
        assertEquals(List.of(new SliceRange(0, 4), new SliceRange(4, 8)), p.devices().stream().map(DeviceSlices::queryHeads).toList());
        assertEquals(List.of(new SliceRange(0, 1), new SliceRange(1, 2)), p.devices().stream().map(DeviceSlices::kvGroups).toList());
        assertEquals(List.of(384, 128), sizes(p, DeviceSlices::ffnColumns));
        assertEquals(List.of(384, 128), sizes(p, DeviceSlices::vocabRows));
        assertEquals(List.of("attention: asked 3:1, got 4:4 query heads (1:1 KV heads; a device computes whole "
                + "KV-head groups of 4 query heads or part of one)"), p.loadPlan().notes());
    }

    @Test
    void oneKvHeadIsCopiedOnEveryDeviceAndTheQueryHeadsSplit() {
        ModelShape m = oneKvHead(GgmlType.Q4_K);
        SplitPlan p = plan(m, SplitMode.TENSOR, 1, 1);
        assertEquals(List.of(2, 2), sizes(p, DeviceSlices::queryHeads));
        assertEquals(List.of(new SliceRange(0, 1), new SliceRange(0, 1)), p.devices().stream().map(DeviceSlices::kvGroups).toList());
        assertEquals(List.of("this model has 1 KV head: devices 0 and 1 each keep a copy of it (K/V weights and KV cache); "
                + "query heads 2:2 of 4"), p.loadPlan().notes());
        // each device holds the whole K and V projections and a whole KV cache: 2 layers x 8192 x 256 x 2 x 2 bytes
        TensorLayout k = m.tensor("blk.1.attn_k.weight").orElseThrow();
        for (int d = 0; d < 2; d++) {
            assertEquals(k.bytes(), p.sliceOf(d, k).bytes());
            assertEquals(2L * CTX * 256 * 4, p.loadPlan().devices().get(d).kvCacheBytes());
        }
        // device 1 computes query heads 2 and 3: attn_q rows 512.. and attn_output columns 512..
        TensorSlice q = p.sliceOf(1, m.tensor("blk.0.attn_q.weight").orElseThrow());
        assertEquals(List.of(512L, 512L), List.of(q.start(), q.count()));
        TensorSlice o = p.sliceOf(1, m.tensor("blk.0.attn_output.weight").orElseThrow());
        assertEquals(List.of(512L, 512L, 1L), List.of(o.start(), o.count(), o.withinRows() ? 1L : 0L));
    }

    @Test
    void oneKvHeadSplitsThreeWaysAndByUnevenRatios() {
        SplitPlan three = plan(oneKvHead(GgmlType.Q8_0), SplitMode.TENSOR, 1, 1, 1);
        assertEquals(List.of(1, 2, 1), sizes(three, DeviceSlices::queryHeads));
        assertEquals(List.of(1, 1, 1), sizes(three, DeviceSlices::kvGroups));
        assertEquals(List.of("attention: asked 1:1:1, got 1:2:1 query heads (1:1:1 KV heads)",
                "this model has 1 KV head: devices 0, 1 and 2 each keep a copy of it (K/V weights and KV cache); "
                        + "query heads 1:2:1 of 4"), three.loadPlan().notes().subList(0, 2));
        SplitPlan uneven = plan(oneKvHead(GgmlType.Q8_0), SplitMode.TENSOR, 3, 1);
        assertEquals(List.of(3, 1), sizes(uneven, DeviceSlices::queryHeads));
        assertEquals(List.of(768, 256), sizes(uneven, DeviceSlices::ffnColumns));
    }

    @Test
    void twoKvHeadsOverMoreDevicesCopyEachKvHeadWhereItsGroupIsShared() {
        SplitPlan four = plan(twoKvHeads(), SplitMode.TENSOR, 1, 1, 1, 1);
        assertEquals(List.of(2, 2, 2, 2), sizes(four, DeviceSlices::queryHeads));
        assertEquals(List.of(new SliceRange(0, 1), new SliceRange(0, 1), new SliceRange(1, 2), new SliceRange(1, 2)),
                four.devices().stream().map(DeviceSlices::kvGroups).toList());
        assertEquals(List.of("this model has 2 KV heads for 4 devices: devices 0 and 1 each keep a copy of KV head 0, "
                + "devices 2 and 3 each keep a copy of KV head 1 (K/V weights and KV cache); query heads 2:2:2:2 of 8"),
                four.loadPlan().notes());
        SplitPlan three = plan(twoKvHeads(), SplitMode.TENSOR, 1, 1, 1);
        // boundaries nearest 2.67 and 5.33 in whole groups or within one: 3 and 4 (5 ties; the first wins)
        assertEquals(List.of(3, 1, 4), sizes(three, DeviceSlices::queryHeads));
        assertEquals(List.of(1, 1, 1), sizes(three, DeviceSlices::kvGroups));
    }

    /** Where attn_output's blocks hold two heads, 4 heads go to 3 devices by cutting within blocks. */
    @Test
    void oneKvHeadThreeWaysWithBlocksOfTwoHeadsCutsWithinBlocks() {
        // Q4_K: 256-element blocks = 1 head of 256, so this cuts whole blocks; with 128-wide heads it cannot
        assertEquals(List.of(1, 2, 1), sizes(plan(oneKvHead(GgmlType.Q4_K), SplitMode.TENSOR, 1, 1, 1), DeviceSlices::queryHeads));
        ModelShape narrow = Shapes.llama("narrow", 2, 512, 4, 1, 128, 1024, 512, GgmlType.Q4_K, false);
        SplitPlan p = plan(narrow, SplitMode.TENSOR, 1, 1, 1);
        assertEquals(List.of(1, 2, 1), sizes(p, DeviceSlices::queryHeads));
        TensorLayout attnOutput = narrow.layerTensor(0, "attn_output").orElseThrow();
        // every slice starts or ends inside a 256-wide block (128-column heads: 0-128, 128-384, 384-512)
        assertEquals(List.of(GgmlType.F16, GgmlType.F16, GgmlType.F16),
                IntStream.range(0, 3).mapToObj(d -> p.sliceOf(d, attnOutput).storedType()).toList());
        assertEquals(List.of(2, 2), sizes(plan(narrow, SplitMode.TENSOR, 1, 1), DeviceSlices::queryHeads));
    }

    @Test
    void layerSplitIsConsecutiveAndProportional() {
        SplitPlan p = plan(Shapes.llama3_70b(GgmlType.Q4_0), SplitMode.LAYER, 1, 2, 1);
        assertEquals(List.of(new SliceRange(0, 20), new SliceRange(20, 60), new SliceRange(60, 80)),
                p.devices().stream().map(DeviceSlices::layers).toList());
        // KV: 40 layers x 8192 x 8 KV heads x 128 x 2 x 2 bytes
        assertEquals(40L * CTX * 8 * 128 * 4, p.loadPlan().devices().get(1).kvCacheBytes());
        SplitPlan odd = plan(Shapes.llama3_8b(GgmlType.Q4_0), SplitMode.LAYER, 1, 1, 1);
        assertEquals(List.of("layers: asked 1:1:1, got 11:10:11"), odd.loadPlan().notes());
    }

    @Test
    void tiedEmbeddingUnderLayerSplitIsHeldAtBothEnds() {
        ModelShape m = Shapes.reference(GgmlType.Q8_0);
        SplitPlan p = plan(m, SplitMode.LAYER, 1, 1);
        long embd = m.tensor("token_embd.weight").orElseThrow().bytes();
        assertEquals(m.tensorBytes() + embd, p.weightBytes(0) + p.weightBytes(1));
        assertEquals(List.of("token_embd is also the output projection (tied): devices 0 and 1 each hold a copy"),
                p.loadPlan().notes());
    }

    static Stream<Arguments> splits() {
        List<Arguments> cases = new ArrayList<>();
        for (GgmlType q : List.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16)) {
            cases.add(Arguments.of("reference " + q.name(), Shapes.reference(q), new double[] {1, 1}));
            cases.add(Arguments.of("reference " + q.name(), Shapes.reference(q), new double[] {1, 3}));
            cases.add(Arguments.of("8B " + q.name(), Shapes.llama3_8b(q), new double[] {3, 1}));
            cases.add(Arguments.of("8B " + q.name(), Shapes.llama3_8b(q), new double[] {1, 2, 1}));
            cases.add(Arguments.of("70B " + q.name(), Shapes.llama3_70b(q), new double[] {1, 1, 1, 1}));
            cases.add(Arguments.of("70B " + q.name(), Shapes.llama3_70b(q), new double[] {5, 3, 1}));
        }
        for (GgmlType q : List.of(GgmlType.Q4_0, GgmlType.Q6_K)) {
            cases.add(Arguments.of("qwen2 8B " + q.name(), Shapes.qwen2(Shapes.llama3_8b(q)), new double[] {1, 2, 1}));
            cases.add(Arguments.of("qwen3 70B " + q.name(), Shapes.qwen3(Shapes.llama3_70b(q)), new double[] {5, 3, 1}));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} tensor split {2}")
    @MethodSource("splits")
    void tensorSplitBytesAddUpToTheModel(String name, ModelShape m, double[] shares) {
        SplitPlan p = plan(m, SplitMode.TENSOR, shares);
        long replicated = m.tensors().stream().filter(t -> TensorRole.of(t.name()) == TensorRole.REPLICATED)
                .mapToLong(TensorLayout::bytes).sum();
        long sum = p.loadPlan().devices().stream().mapToLong(DevicePlan::weightBytes).sum();
        // replicated tensors (the embedding among them) once per device; a tied embedding also
        // serves as the output projection, split by vocabulary: one more copy across the devices
        long tiedCopy = m.tiedEmbedding() ? m.tensor("token_embd.weight").orElseThrow().bytes() : 0;
        // where K-quant blocks are wider than the cut (the small reference shape), devices hold
        // those columns as F16
        assertEquals(m.tensorBytes() + (shares.length - 1) * replicated + tiedCopy + ReencodedBytes.extra(p, shares.length), sum);
        long kvWhole = (long) m.layers() * CTX * m.kvHeads() * m.headDim() * 4;
        assertEquals(kvWhole, p.loadPlan().devices().stream().mapToLong(DevicePlan::kvCacheBytes).sum());
        // every slice of every split tensor tiles it exactly once, in device order
        for (TensorLayout t : m.tensors()) {
            if (TensorRole.of(t.name()) == TensorRole.REPLICATED) continue;
            long next = 0;
            for (int d = 0; d < shares.length; d++) {
                TensorSlice s = p.sliceOf(d, t);
                assertEquals(next, s.start(), t.name() + " on device " + d);
                next += s.count();
            }
            assertEquals(next, p.sliceOf(0, t).withinRows() ? t.rowLength() : t.rows(), t.name());
        }
    }

    @ParameterizedTest(name = "{0} layer split {2}")
    @MethodSource("splits")
    void layerSplitBytesAddUpToTheModel(String name, ModelShape m, double[] shares) {
        SplitPlan p = plan(m, SplitMode.LAYER, shares);
        long sum = p.loadPlan().devices().stream().mapToLong(DevicePlan::weightBytes).sum();
        long tiedCopy = m.tiedEmbedding() ? m.tensor("token_embd.weight").orElseThrow().bytes() : 0;
        assertEquals(m.tensorBytes() + tiedCopy, sum);
    }

    /**
     * Against the same model without them: each device's extra bytes are its own elements of the
     * Q/K/V biases (qwen2: heads of its KV-head groups) or whole q/k norms (qwen3), F32, every layer.
     */
    @ParameterizedTest(name = "shares {0}")
    @MethodSource("qwenShares")
    void tensorSplitCountsEachDevicesBiasesAndQkNorms(List<Double> shares) {
        ModelShape llama = Shapes.llama3_8b(GgmlType.Q4_0);
        double[] s = shares.stream().mapToDouble(Double::doubleValue).toArray();
        SplitPlan base = plan(llama, SplitMode.TENSOR, s);
        SplitPlan qwen2 = plan(Shapes.qwen2(llama), SplitMode.TENSOR, s);
        SplitPlan qwen3 = plan(Shapes.qwen3(llama), SplitMode.TENSOR, s);
        for (int d = 0; d < s.length; d++) {
            long groups = base.devices().get(d).kvGroups().size();
            long biasFloats = groups * (32 / 8) * 128 + 2 * groups * 128; // q rows of its groups, k and v rows
            assertEquals(groups * 4, base.devices().get(d).queryHeads().size());
            assertEquals(base.weightBytes(d) + 32L * biasFloats * 4, qwen2.weightBytes(d), "qwen2 device " + d);
            assertEquals(base.weightBytes(d) + 32L * 2 * 128 * 4, qwen3.weightBytes(d), "qwen3 device " + d);
            assertEquals(qwen2.loadPlan().devices().get(d).weightBytes(), qwen2.weightBytes(d));
            assertEquals(qwen3.loadPlan().devices().get(d).weightBytes(), qwen3.weightBytes(d));
        }
    }

    /**
     * Fewer KV heads than devices: each device holds the K/V rows, biases and cache of the KV heads
     * its query heads read, so the copies add up to more than the model; the query-side tensors
     * still tile once. Counted here from the query heads alone.
     */
    @ParameterizedTest(name = "shares {0}")
    @MethodSource("replicatedShares")
    void copiedKvHeadsAreCountedOnEveryDeviceThatHoldsThem(List<Double> shares) {
        double[] s = shares.stream().mapToDouble(Double::doubleValue).toArray();
        ModelShape m = Shapes.qwen2(Shapes.llama("two-kv", 2, 512, 8, 2, 64, 1024, 512, GgmlType.Q8_0, false));
        SplitPlan p = plan(m, SplitMode.TENSOR, s);
        long replicated = m.tensors().stream().filter(t -> TensorRole.of(t.name()) == TensorRole.REPLICATED)
                .mapToLong(TensorLayout::bytes).sum();
        long kvTensorBytesPerHead = m.tensors().stream().filter(t -> TensorRole.of(t.name()) == TensorRole.KEY_VALUE)
                .mapToLong(TensorLayout::bytes).sum() / m.kvHeads();
        long kvHeadsHeld = 0;
        for (int d = 0; d < s.length; d++) {
            SliceRange q = p.devices().get(d).queryHeads();
            assertTrue(q.size() >= 1, "device " + d + " computes a query head");
            int held = (q.end() + 3) / 4 - q.start() / 4; // the KV heads of its query heads, 4 per group
            assertEquals(held, p.devices().get(d).kvGroups().size(), "device " + d);
            assertEquals((long) held * m.layers() * CTX * 64 * 4, p.loadPlan().devices().get(d).kvCacheBytes());
            kvHeadsHeld += held;
        }
        long sum = p.loadPlan().devices().stream().mapToLong(DevicePlan::weightBytes).sum();
        assertEquals(m.tensorBytes() + (s.length - 1) * replicated + (kvHeadsHeld - m.kvHeads()) * kvTensorBytesPerHead, sum);
    }

    static Stream<List<Double>> replicatedShares() {
        return Stream.of(List.of(1.0, 1.0, 1.0), List.of(1.0, 1.0, 1.0, 1.0), List.of(5.0, 1.0, 1.0, 1.0),
                List.of(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0), List.of(3.0, 1.0));
    }

    static Stream<List<Double>> qwenShares() {
        return Stream.of(List.of(1.0, 1.0), List.of(3.0, 1.0), List.of(1.0, 2.0, 1.0), List.of(1.0, 1.0, 1.0, 1.0));
    }

    /** Layer split: a device holds the biases and q/k norms of exactly its layers. */
    @Test
    void layerSplitCountsTheBiasesAndQkNormsOfItsLayers() {
        ModelShape llama = Shapes.llama3_8b(GgmlType.Q4_0);
        SplitPlan base = plan(llama, SplitMode.LAYER, 1, 2, 1);
        SplitPlan qwen2 = plan(Shapes.qwen2(llama), SplitMode.LAYER, 1, 2, 1);
        SplitPlan qwen3 = plan(Shapes.qwen3(llama), SplitMode.LAYER, 1, 2, 1);
        for (int d = 0; d < 3; d++) {
            long layers = base.devices().get(d).layers().size();
            assertEquals(base.weightBytes(d) + layers * (4096 + 2 * 1024) * 4, qwen2.weightBytes(d), "qwen2 device " + d);
            assertEquals(base.weightBytes(d) + layers * 2 * 128 * 4, qwen3.weightBytes(d), "qwen3 device " + d);
        }
    }

    @Test
    void noSplitHoldsEverythingOnOneDevice() {
        ModelShape m = Shapes.llama3_8b(GgmlType.Q4_0);
        SplitPlan p = plan(m, SplitMode.NONE, 1);
        assertEquals(m.tensorBytes(), p.loadPlan().devices().getFirst().weightBytes());
        assertEquals(1L << 30, p.loadPlan().devices().getFirst().kvCacheBytes());
        assertThrows(TandemException.class, () -> plan(m, SplitMode.NONE, 1, 1));
    }

    @Test
    void aPlanThatDoesNotFitIsRefusedNamingTheDeviceAndTheShortfall() {
        ModelShape m = Shapes.llama3_70b(GgmlType.Q4_0);
        List<DeviceBudget> devices = List.of(new DeviceBudget(0, "big", 80L << 30), new DeviceBudget(1, "small", 8L << 30));
        SplitPlan p = SplitPlanner.plan(m, SplitMode.TENSOR, devices, Ratios.of(List.of(1.0, 1.0), 2), CTX);
        assertTrue(p.loadPlan().devices().get(0).fits());
        assertFalse(p.loadPlan().fits());
        TandemException e = assertThrows(TandemException.class, () -> PlanFit.requireFits(p.loadPlan()));
        assertTrue(e.getMessage().startsWith("the model does not fit on device 1 (small): it needs "), e.getMessage());
        assertTrue(e.getMessage().contains("but 8.00 GiB are free"), e.getMessage());
        assertTrue(e.getMessage().contains(" short;"), e.getMessage());
        PlanFit.requireFits(SplitPlanner.plan(m, SplitMode.TENSOR, devices, Ratios.of(List.of(9.0, 1.0), 2), CTX)
                .loadPlan());
    }

    @Test
    void aDeviceThatOtherProgramsFillSaysSoWhereAPlanTooBigForItDoesNot() {
        ModelShape m = Shapes.llama3_8b(GgmlType.Q4_0);
        // 80 GiB of memory, 0.5 GiB of it free: the 8B would fit the empty device
        List<DeviceBudget> taken = List.of(new DeviceBudget(0, "h100", 1L << 29, 80L << 30));
        TandemException e = assertThrows(TandemException.class,
                () -> PlanFit.requireFits(SplitPlanner.plan(m, SplitMode.NONE, taken, Ratios.of(List.of(1.0), 1), CTX).loadPlan()));
        assertTrue(e.getMessage().startsWith("the model does not fit on device 0 (h100): it needs "), e.getMessage());
        assertTrue(e.getMessage().contains("but only 0.50 of its 80.00 GiB are free"), e.getMessage());
        assertTrue(e.getMessage().contains("other programs hold 79.50 GiB of it; close them"), e.getMessage());
        // 4 GiB of memory, all free: too big for the device itself, no other program to blame
        List<DeviceBudget> small = List.of(new DeviceBudget(0, "small", 4L << 30, 4L << 30));
        e = assertThrows(TandemException.class,
                () -> PlanFit.requireFits(SplitPlanner.plan(m, SplitMode.NONE, small, Ratios.of(List.of(1.0), 1), CTX).loadPlan()));
        assertTrue(e.getMessage().contains("but 4.00 GiB are free"), e.getMessage());
        assertFalse(e.getMessage().contains("other programs"), e.getMessage());
    }

    @Test
    void ratiosMustMatchTheDevicesAndBePositive() {
        assertThrows(TandemException.class, () -> Ratios.of(List.of(3.0, 1.0), 3));
        assertThrows(TandemException.class, () -> Ratios.of(List.of(3.0, 0.0), 2));
    }
}
