package tandem.engine.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tandem.engine.api.TandemException;

/** The prompt a command was given: --prompt TEXT or --file PATH. */
final class PromptText {
    private PromptText() {}

    static String from(CliArgs args) {
        if (args.value("--prompt").isPresent()) return args.value("--prompt").get();
        if (args.value("--file").isPresent()) {
            Path p = Path.of(args.value("--file").get());
            // the JDK's messages here are just the path again or "Input length = 1": say what is wrong
            if (Files.isDirectory(p)) throw new TandemException(p + ": is a directory, not a prompt file");
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new TandemException(p + ": no such prompt file");
            } catch (CharacterCodingException e) {
                throw new TandemException(p + ": the prompt file is not UTF-8 text");
            } catch (IOException e) {
                throw new TandemException(p + ": cannot read the prompt file (" + e.getClass().getSimpleName() + ")");
            }
        }
        throw new TandemException("missing --prompt (or --file)");
    }
}
