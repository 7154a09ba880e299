package tandem.engine.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Set;
import java.util.StringJoiner;
import tandem.engine.Engine;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;
import tandem.engine.tools.TokenizerBench;

/**
 * {@code tandem tokenize --model MODEL (--prompt TEXT | --file PATH) [--no-bos] [--parse-special]}:
 * prints the ids as one JSON array. BOS is added as the model's metadata says unless --no-bos.
 * With {@code --bench [--mb N]} it instead times tokenizing N MB (default 1) of the given text, or
 * of generated English when none is given, and prints the figures.
 */
public final class TokenizeCommand {
    private TokenizeCommand() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CliArgs a = CliArgs.parse("tokenize", args, Set.of("--model", "--prompt", "--file", "--mb"),
                Set.of("--no-bos", "--parse-special", "--bench"));
        Path model = a.model();
        boolean bench = a.flag("--bench");
        // Read the text before loading, so that a usage error is the only line printed.
        String text = !bench || a.value("--prompt").isPresent() || a.value("--file").isPresent() ? text(a) : null;
        long start = System.nanoTime();
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        Tokenizer tokenizer = Engine.tokenizer(model);
        err.printf("tandem tokenize: loaded %d tokens in %.0f ms (%.0f ms CPU)%n", tokenizer.vocabSize(),
                (System.nanoTime() - start) / 1e6, (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1e6);
        boolean parseSpecial = a.flag("--parse-special");
        if (bench) {
            out.println(TokenizerBench.run(tokenizer, text, a.intValue("--mb", 1), parseSpecial).toJson());
            return 0;
        }
        boolean addBos = !a.flag("--no-bos") && tokenizer.addBosByDefault();
        StringJoiner json = new StringJoiner(",", "[", "]");
        for (int id : tokenizer.encode(text, addBos, parseSpecial)) json.add(Integer.toString(id));
        out.println(json);
        return 0;
    }

    private static String text(CliArgs a) {
        if (a.value("--prompt").isPresent() == a.value("--file").isPresent()) {
            throw new TandemException("give exactly one of --prompt TEXT or --file PATH");
        }
        return PromptText.from(a);
    }
}
