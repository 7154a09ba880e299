package tandem.engine.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.api.RemoteModel;

/**
 * {@code tandem run --model M --prompt T [--tokens N] [sampling] [engine]}: streams the generated
 * text (not the prompt) to stdout as it comes, ending with a newline; timings go to stderr. With
 * {@code --remote URL} instead of --model, an OpenAI-compatible server generates it.
 */
final class RunCommand {
    private RunCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("run", argv,
                CliArgs.options(CliArgs.ENGINE_OPTIONS, CliArgs.SAMPLING_OPTIONS, RemoteOptions.OPTIONS,
                        Set.of("--model", "--prompt", "--file")), Set.of());
        // the options first, then the model, then the prompt: the first mistake on the line is the one reported
        EngineOptions options = args.engineOptions();
        SamplingParams params = args.samplingParams(SamplingParams.defaults());
        if (args.value("--remote").isPresent()) {
            String prompt = PromptText.from(args);
            RemoteModel remote = RemoteOptions.engine(args, err).orElseThrow();
            return finish(remote.complete(prompt, params, event -> print(out, event.text())), out, err);
        }
        Path modelFile = args.model();
        String prompt = PromptText.from(args);
        try (LoadedModel model = ModelLoading.load(modelFile, options, err); Session session = model.newSession()) {
            return finish(session.generate(prompt, params, event -> print(out, event.text())), out, err);
        }
    }

    private static void print(PrintStream out, String text) {
        out.print(text);
        out.flush();
    }

    private static int finish(GenerationResult result, PrintStream out, PrintStream err) {
        out.println();
        GenerationReport.print(result, err);
        return 0;
    }
}
