package tandem.engine.cli;

import java.io.PrintStream;
import java.util.Locale;
import tandem.engine.api.GenerationResult;

/** The one-line timing summary commands print to stderr after a generation. */
final class GenerationReport {
    private GenerationReport() {}

    static void print(GenerationResult r, PrintStream err) {
        err.printf(Locale.ROOT, "tandem: prompt %d tokens at %.1f tok/s, generated %d tokens at %.1f tok/s, "
                        + "first token after %.0f ms, stop: %s%n",
                r.promptTokens(), r.promptTokensPerSecond(), r.generatedTokens(), r.tokensPerSecond(),
                r.timeToFirstTokenMillis(), r.stopReason().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
}
