package tandem.engine.vulkan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tandem.engine.runtime.ModelRunner.BatchPart;

/** How {@link SharedStepPlan#groups} puts the parts of a batched step into shared steps. */
class SharedStepPlanTest {
    /** A part of {@code tokens} rows; the grouping reads only rows and logits, so no state is needed. */
    private static BatchPart part(int tokens, boolean logits) {
        return new BatchPart(null, new int[tokens], 0, logits);
    }

    @Test
    void floatStepsShareAPromptChunkWithTheDecodeTokensAndTakeAnyRows() {
        List<BatchPart> parts = List.of(part(1, true), part(1, true), part(20, true));
        assertEquals(List.of(List.of(2, 0, 1)), SharedStepPlan.groups(parts, 512, 32, false));
    }

    /**
     * With the int8 products a sequence's own step takes them under 8 rows only: a longer prompt
     * chunk keeps a step of its own (float products), and a shared step no more rows than take int8.
     */
    @Test
    void int8StepsKeepPromptChunksOf8OrMoreRowsApartAndShareUpTo16Rows() {
        List<BatchPart> parts = List.of(part(1, true), part(9, true), part(1, true), part(4, false));
        assertEquals(List.of(List.of(1), List.of(3, 0, 2)), SharedStepPlan.groups(parts, 512, 32, true));

        List<BatchPart> decode = IntStream.range(0, 17).mapToObj(i -> part(1, true)).toList();
        assertEquals(List.of(IntStream.range(0, 16).boxed().toList(), List.of(16)), SharedStepPlan.groups(decode, 512, 32, true));
    }
}
