package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.SharedData;
import tandem.engine.tokenizer.Tokenizers;

/**
 * A session alone prefills its prompt in the runner's chunks (512 tokens on GPUs); while another
 * session generates, in chunks of at most {@link StepBatcher#SHARED_PREFILL_CHUNK}, so the other's
 * next token waits for a short step. The steps' sizes are read from the runner (the CPU runner,
 * asking for 512-token chunks as the GPU runners do: {@link RecordingRunner}).
 */
class PrefillChunkTest {
    @Test
    void aloneInTheRunnersChunksBesideAnotherGenerationInShortOnes() throws Exception {
        try (GgufFile file = GgufFile.open(SharedData.data("models/stories260K.gguf"))) {
            RecordingRunner runner = RecordingRunner.cpu(file, 512);
            StepBatcher batcher = new StepBatcher(runner);
            var tokenizer = Tokenizers.fromGguf(file);
            int[] prompt = IntStream.range(0, 700).map(i -> 1 + (i * 37) % 500).toArray();
            SamplingParams noTokens = SamplingParams.greedy(0);
            try (Session alone = new GenerationSession(runner.newState(1024), batcher, runner.prefillChunk(), tokenizer,
                    new ActivityMeter(), s -> { })) {
                alone.generate(prompt, noTokens, e -> { });
            }
            assertEquals(List.of(512, 188), runner.partSizes());

            runner.forget();
            ActivityMeter meter = new ActivityMeter();
            try (Session other = new GenerationSession(runner.newState(1024), batcher, runner.prefillChunk(), tokenizer, meter, s -> { });
                 Session late = new GenerationSession(runner.newState(1024), batcher, runner.prefillChunk(), tokenizer, meter, s -> { })) {
                // the other session generates on its own thread for as long as the late one prefills
                AtomicInteger generated = new AtomicInteger();
                Thread generating = Thread.ofPlatform().start(() -> other.generate(new int[] {1, 2, 3}, SamplingParams.greedy(1000),
                        e -> generated.incrementAndGet()));
                while (generated.get() == 0) Thread.onSpinWait();
                late.generate(prompt, noTokens, e -> { });
                other.cancel();
                generating.join();
            }
            // the late session's chunks are the parts of more than one token after the other's 3-token prompt
            List<Integer> chunks = runner.partSizes().stream().filter(n -> n > 3).toList();
            assertEquals(700 / StepBatcher.SHARED_PREFILL_CHUNK + 1, chunks.size(), runner.partSizes().toString());
            chunks.forEach(n -> assertEquals(true, n <= StepBatcher.SHARED_PREFILL_CHUNK, chunks.toString()));
        }
    }
}
