package tandem.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.Session;
import tandem.engine.api.Tokenizer;

/**
 * {@code tandem logits --model M --prompt T}: evaluates the prompt (BOS as the model's metadata
 * says) and prints {@code {"tokens":[...],"last_logits":[...]}}, the format of llama.cpp's
 * reference files, so outputs compare directly.
 */
final class LogitsCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LogitsCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("logits", argv,
                CliArgs.options(CliArgs.ENGINE_OPTIONS, Set.of("--model", "--prompt", "--file")), Set.of("--no-bos"));
        // the options first, then the model, then the prompt: the first mistake on the line is the one reported
        EngineOptions options = args.engineOptions();
        Path modelFile = args.model();
        String prompt = PromptText.from(args);
        try (LoadedModel model = ModelLoading.load(modelFile, options, err); Session session = model.newSession()) {
            Tokenizer tokenizer = model.tokenizer();
            int[] tokens = tokenizer.encode(prompt, tokenizer.addBosByDefault() && !args.flag("--no-bos"), true);
            float[] logits = session.evaluate(tokens);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("tokens", tokens);
            json.put("last_logits", logits);
            out.println(JSON.writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("logits could not be written as JSON", e);
        }
        return 0;
    }
}
