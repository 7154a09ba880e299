package tandem.engine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tandem.engine.runtime.TandemException;

/** The prompt a command was given: --prompt TEXT or --file PATH. */
final class PromptText {
    private PromptText() {}

    static String from(CliArgs args) {
        if (args.value("--prompt").isPresent()) return args.value("--prompt").get();
        if (args.value("--file").isPresent()) {
            Path p = Path.of(args.value("--file").get());
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new TandemException(p + ": cannot read the prompt file: " + e.getMessage());
            }
        }
        throw new TandemException("missing --prompt (or --file)");
    }
}
