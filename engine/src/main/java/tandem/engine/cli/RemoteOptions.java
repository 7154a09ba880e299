package tandem.engine.cli;

import java.util.Optional;
import java.util.Set;
import tandem.engine.api.TandemException;
import tandem.engine.api.RemoteModel;
import tandem.engine.server.HttpApi;

/** {@code --remote URL [--api-key K] [--remote-model NAME]}: an OpenAI-compatible server instead of a local model. */
final class RemoteOptions {
    private RemoteOptions() {}

    static final Set<String> OPTIONS = Set.of("--remote", "--api-key", "--remote-model");

    /** The remote engine the options name, if any; refuses --model together with --remote. */
    static Optional<RemoteModel> engine(CliArgs args, java.io.PrintStream err) {
        Optional<String> url = args.value("--remote");
        if (url.isEmpty()) {
            if (args.value("--remote-model").isPresent()) throw new TandemException("--remote-model needs --remote URL");
            return Optional.empty();
        }
        if (args.value("--model").isPresent()) throw new TandemException("give either --model (a local file) or --remote URL, not both");
        RemoteModel engine = HttpApi.connect(url.get(), args.value("--api-key").or(() -> Optional.ofNullable(System.getenv("TANDEM_API_KEY"))),
                args.value("--remote-model"));
        err.println("tandem: remote engine " + engine.url() + ", model " + engine.model() + " (its server owns the devices)");
        return Optional.of(engine);
    }
}
