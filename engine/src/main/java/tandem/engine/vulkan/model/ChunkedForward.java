package tandem.engine.vulkan.model;

import java.util.List;
import tandem.engine.runtime.ModelRunner;
import tandem.engine.vulkan.VulkanDevice;

/**
 * The part of a forward pass every Vulkan runner shares: check the tokens and positions, cut the
 * prompt into recorded-step sized chunks (one-token decode steps get their own recording), and
 * collect the logits rows that are asked for.
 */
public final class ChunkedForward {
    /** One runner's steps. */
    public interface Steps {
        /** Runs tokens[from, from + count) at {@code position}; {@code decode} for a single token without all logits. */
        void run(int[] tokens, int from, int count, int position, boolean decode, boolean allPositions);

        /** Copies the first {@code rows} logit rows of the step just run into {@code result} from row {@code firstRow}. */
        void collect(float[] result, int firstRow, int rows);
    }

    private ChunkedForward() {}

    /**
     * Prompt tokens per call while a session prefills on these devices ({@link ModelRunner#prefillChunk}): on GPUs a
     * whole recorded batch ({@code maxTokens}), the prompt size `bench -p 512` times: chunks of 64 re-read every
     * weight 8 times as often and leave the big products a few tiles wide (~66 ms for 512 tokens of an 8B on an H100,
     * so cancel still answers at once). CPU devices (lavapipe) keep the backend's default, which cancel needs there.
     * While other sessions generate, a session's chunks stay short anyway ({@code StepBatcher#prefillChunk}).
     */
    public static int prefillChunk(List<VulkanDevice> devices, int maxTokens, int cpuChunk) {
        return devices.stream().anyMatch(d -> d.physical().isCpu()) ? cpuChunk : maxTokens;
    }

    /**
     * Refuses a step before what the sliding-window rings still hold ({@link ModelRunner.State#earliestContinuation});
     * returns the end of the written positions after the step.
     */
    public static int requireContinuation(int position, int tokens, int earliest) {
        if (position > 0 && position < earliest) {
            throw new IllegalStateException("position " + position + " is before the sliding-window rings' reach " + earliest
                    + "; evaluate again from 0");
        }
        return position + tokens;
    }

    /**
     * @param into      where the last position's logits go (without allPositions), or null for a new array
     * @param maxTokens tokens a recorded step holds
     * @param logitRows logit rows a step can return
     */
    public static float[] forward(int[] tokens, int position, boolean allPositions, float[] into, int capacity, int vocab,
                                  int maxTokens, int logitRows, Steps steps) {
        ModelRunner.State.checkInput(tokens, position, capacity, vocab);
        float[] result = !allPositions && into != null && into.length == vocab ? into
                : new float[(allPositions ? tokens.length : 1) * vocab];
        int chunk = allPositions ? Math.min(maxTokens, logitRows) : maxTokens;
        for (int from = 0; from < tokens.length; from += chunk) {
            int count = Math.min(chunk, tokens.length - from);
            steps.run(tokens, from, count, position + from, count == 1 && !allPositions, allPositions);
            if (allPositions || from + count == tokens.length) steps.collect(result, allPositions ? from : 0, allPositions ? count : 1);
        }
        return result;
    }
}
