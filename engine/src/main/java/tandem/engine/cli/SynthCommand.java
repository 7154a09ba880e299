package tandem.engine.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tandem.engine.gguf.GgufFile;
import tandem.engine.gguf.GgufWriter;
import tandem.engine.tools.synth.LlamaSynth;
import tandem.engine.tools.synth.SynthPreset;
import tandem.engine.tools.synth.SynthQuant;
import tandem.engine.model.Architecture;
import tandem.engine.api.TandemException;

/**
 * {@code tandem synth --arch llama|qwen2|qwen3|gemma3|phi3|qwen3moe|gpt-oss --preset tiny|8b|70b|qwen2.5-7b|qwen3-8b|qwen3-32b|gemma-3-27b|phi-4-mini|qwen3-30b-a3b|gpt-oss-20b|gpt-oss-120b [--type q4_0] --out FILE [--vocab VOCAB.gguf] [--seed N]}:
 * writes a random-weight model with a real model's shapes and a real tokenizer, for speed
 * measurements (speed does not depend on the weights' values) and for trying an architecture's
 * extra tensors (qwen2 biases, qwen3 q/k norms) on every backend and split. Prints the file's path on stdout.
 */
public final class SynthCommand {
    private SynthCommand() {}

    /** The weight types --type takes (one list for the usage line and the help). */
    static final String TYPES = "f16|q8_0|q4_0|q4_k|q6_k|iq4_nl|iq4_xs|q4_k_m|q5_k_m|mxfp4_moe";
    /** The command line, for the usage error and {@code tandem help synth}. */
    static final String SYNOPSIS = "synth --arch llama|qwen2|qwen3|gemma3|phi3|qwen3moe|gpt-oss --preset tiny|8b|70b|qwen2.5-7b|qwen3-8b|qwen3-32b|"
            + "gemma-3-27b|phi-4-mini|qwen3-30b-a3b|gpt-oss-20b|gpt-oss-120b [--type " + TYPES + "] --out FILE [--vocab VOCAB.gguf] "
            + "[--seed N] [--kv-heads N]";
    static final String USAGE = "usage: tandem " + SYNOPSIS;
    /** The tokenizer used when --vocab is not given (Llama 3's). */
    static final String DEFAULT_VOCAB = "data/vocab/ggml-vocab-llama-bpe.gguf";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String arch = "llama", preset = null, type = "q4_0", outFile = null, vocab = null;
        long seed = 1;
        int kvHeads = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new TandemException("missing value for '" + a + "'; " + USAGE);
            String v = args[++i];
            switch (a) {
                case "--arch" -> arch = v;
                case "--preset" -> preset = v;
                case "--type" -> type = v;
                case "--out" -> outFile = v;
                case "--vocab" -> vocab = v;
                case "--seed" -> seed = parseSeed(v);
                case "--kv-heads" -> kvHeads = parseKvHeads(v);
                default -> throw new TandemException("unknown option '" + a + "'; " + USAGE);
            }
        }
        Architecture architecture = architecture(arch);
        if (preset == null) throw new TandemException("no --preset given; " + USAGE);
        if (outFile == null) throw new TandemException("no --out given; " + USAGE);
        SynthPreset p = kvHeads == 0 ? SynthPreset.byName(preset) : SynthPreset.byName(preset).withKvHeads(kvHeads);
        SynthQuant t = SynthQuant.parse(type);
        Path vocabPath = vocab != null ? Path.of(vocab) : findDefaultVocab();

        GgufWriter writer;
        try (GgufFile v = GgufFile.open(vocabPath)) {
            if (!v.metadata().contains("tokenizer.ggml.tokens")) {
                throw new TandemException(vocabPath + " has no tokenizer.ggml.tokens; pass a vocab GGUF with --vocab");
            }
            writer = LlamaSynth.plan(architecture, p, t, v.metadata(), seed);
            int tokens = v.metadata().getStringArray("tokenizer.ggml.tokens").size();
            if (p.vocab() != 0 && tokens != p.vocab()) {
                err.println("synth: note: " + vocabPath.getFileName() + " has " + tokens + " tokens, " + p.displayName()
                        + " has " + p.vocab() + "; embedding and output follow the tokenizer");
            }
        }
        Path target = Path.of(outFile);
        long total = writer.fileSize();
        err.printf(Locale.ROOT, "synth: %s %s, %d tensors, %s -> %s%n", p.displayName(), t.label(), writer.plannedTensors().size(),
                ByteSizes.human(total), target);
        long start = System.nanoTime();
        long[] nextReport = {1L << 30};
        writer.write(target, written -> {
            if (written >= nextReport[0]) {
                nextReport[0] += 1L << 30;
                double s = (System.nanoTime() - start) / 1e9;
                err.printf(Locale.ROOT, "synth: %s of %s (%.2f GiB/s)%n", ByteSizes.human(written), ByteSizes.human(total), written / s / (1 << 30));
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        err.printf(Locale.ROOT, "synth: wrote %s in %.1f s (%.2f GiB/s)%n", ByteSizes.human(total), seconds, total / seconds / (1 << 30));
        out.println(target);
        return 0;
    }

    private static Architecture architecture(String name) {
        for (Architecture a : Architecture.SUPPORTED) {
            if (a.name().equals(name)) return a;
        }
        throw new TandemException("synth writes --arch " + String.join(", ", Architecture.SUPPORTED.stream()
                .map(Architecture::name).toList()) + ", not '" + name + "'");
    }

    private static int parseKvHeads(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new TandemException("--kv-heads needs a positive integer, not '" + v + "'");
    }

    private static long parseSeed(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new TandemException("--seed needs an integer, not '" + v + "'");
        }
    }

    /**
     * The shared Llama 3 vocab: under -Dtandem.shared, beside or inside the repository
     * (-Dtandem.home, set by ./tandem: ../shared or shared), or relative to the working directory.
     */
    static Path findDefaultVocab() {
        List<Path> candidates = new ArrayList<>();
        String shared = System.getProperty("tandem.shared");
        if (shared != null) candidates.add(Path.of(shared).resolve(DEFAULT_VOCAB));
        String home = System.getProperty("tandem.home");
        if (home != null) {
            candidates.add(Path.of(home).resolve("..").resolve("shared").resolve(DEFAULT_VOCAB));
            candidates.add(Path.of(home).resolve("shared").resolve(DEFAULT_VOCAB)); // GPU machines carry shared/ inside the tree
        }
        candidates.add(Path.of("..", "shared").resolve(DEFAULT_VOCAB));
        candidates.add(Path.of("shared").resolve(DEFAULT_VOCAB));
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) return c.normalize();
        }
        throw new TandemException("no tokenizer vocab found (looked for " + DEFAULT_VOCAB + " under " + candidates.stream()
                .map(c -> c.getParent().getParent().getParent().toString()).distinct().toList() + "); pass --vocab FILE.gguf");
    }
}
