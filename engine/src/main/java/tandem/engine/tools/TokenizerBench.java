package tandem.engine.tools;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

import tandem.engine.api.Tokenizer;

/**
 * Times tokenization of about N MB of text (a JMH-free benchmark: warm up, then the best of a few
 * timed runs). Used by {@code tandem tokenize --bench}; figures go to the README, not to tests.
 */
public final class TokenizerBench {
    private TokenizerBench() {}

    /**
     * What one benchmark measured: wall-clock times, and the best run's CPU time of the tokenizing thread: on a machine shared
     * with other work the CPU time is the steadier figure.
     */
    public record Result(long bytes, int tokens, double bestMillis, double meanMillis, double bestCpuMillis, int runs) {
        public double megabytesPerSecond() { return bytes / 1e6 / (bestMillis / 1e3); }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"bytes\":%d,\"tokens\":%d,\"best_ms\":%.1f,\"mean_ms\":%.1f,\"best_cpu_ms\":%.1f,\"runs\":%d,\"mb_per_s\":%.2f}",
                    bytes, tokens, bestMillis, meanMillis, bestCpuMillis, runs, megabytesPerSecond());
        }
    }

    /**
     * @param sample text to repeat up to the size, or null for generated English
     * @param megabytes how much text to tokenize per run
     */
    public static Result run(Tokenizer tokenizer, String sample, int megabytes, boolean parseSpecial) {
        String text = sample == null ? englishText(megabytes * 1_000_000L) : repeat(sample, megabytes * 1_000_000L);
        long bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int tokens = 0;
        for (int i = 0; i < 2; i++) tokens = tokenizer.encode(text, false, parseSpecial).length; // JIT warm-up
        int runs = 5;
        double best = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE, total = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < runs; i++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            tokens = tokenizer.encode(text, false, parseSpecial).length;
            double ms = (System.nanoTime() - t0) / 1e6;
            bestCpu = Math.min(bestCpu, (threads.getCurrentThreadCpuTime() - cpu0) / 1e6);
            best = Math.min(best, ms);
            total += ms;
        }
        return new Result(bytes, tokens, best, total / runs, bestCpu, runs);
    }

    private static String repeat(String sample, long size) {
        if (sample.isEmpty()) throw new IllegalArgumentException("empty benchmark text");
        StringBuilder sb = new StringBuilder();
        while (sb.length() < size) sb.append(sample);
        return sb.toString();
    }

    private static final String[] WORDS = ("the of and to in a is that for it as was with be by on not he I this are or his from at "
            + "which but have an they you were her she there one all we their can has more when will would who been "
            + "time people year way day man thing woman life child world school state family student group country "
            + "problem hand part place case week company system program question work government number night point "
            + "home water room mother area money story fact month lot right study book eye job word business issue "
            + "side kind head house service friend father power hour game line end member law car city community name "
            + "president team minute idea kid body information back parent face others level office door health person "
            + "art war history party result change morning reason research girl guy moment air teacher force education "
            + "Tokenization splits text into pieces, and the model reads them one by one; don't we'll they're it's 1984 "
            + "3.14 $20 (maybe) \"quoted\" e-mail well-known").split(" ");

    /** Deterministic English-like prose: sentences of common words, commas, numbers, new paragraphs. */
    static String englishText(long size) {
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder sb = new StringBuilder((int) size + 64);
        while (sb.length() < size) {
            int words = 6 + random.nextInt(14);
            for (int w = 0; w < words; w++) {
                String word = WORDS[random.nextInt(WORDS.length)];
                if (w == 0) word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                sb.append(word);
                if (w < words - 1) sb.append(random.nextInt(9) == 0 ? ", " : " ");
            }
            sb.append(random.nextInt(12) == 0 ? ".\n\n" : ". ");
        }
        sb.setLength((int) size);
        return sb.toString();
    }
}
