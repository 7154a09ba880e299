package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tandem.engine.api.ChatMessage;
import tandem.engine.gguf.SharedData;
import tandem.engine.api.ChatSession;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;

/**
 * {@code tandem chat} answers each line with the chat template, and a follow-up evaluates only the
 * tokens after the cached prefix while answering exactly as a fresh evaluation of the whole
 * conversation would.
 */
class ChatCommandTest {
    private static final String MODEL = SharedData.data("models/stories260K.gguf").toString();
    private static final String FIRST = "Tell me a story about a cat";
    private static final String SECOND = "What did the cat do next?";
    private static final int TOKENS = 12;

    @Test
    void followUpReusesTheCacheAndAnswersAsAFreshEvaluationWould() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] input = (FIRST + "\n" + SECOND + "\n/exit\n").getBytes(StandardCharsets.UTF_8);
        int status = ChatCommand.run(new String[] {"--model", MODEL, "--backend", "cpu", "--temperature", "0",
                "--tokens", Integer.toString(TOKENS)}, new ByteArrayInputStream(input),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, stderr);

        try (LoadedModel model = Engine.load(Path.of(MODEL), EngineOptions.cpu(), LoadProgress.NONE, () -> false)) {
            String answer1 = fresh(model, List.of(ChatMessage.user(FIRST))).text();
            List<ChatMessage> both = List.of(ChatMessage.user(FIRST), ChatMessage.assistant(answer1), ChatMessage.user(SECOND));
            GenerationResult answer2 = fresh(model, both);
            assertEquals(answer1 + "\n" + answer2.text() + "\n", out.toString(StandardCharsets.UTF_8));

            Matcher prompts = Pattern.compile("tandem: prompt (\\d+) tokens").matcher(stderr);
            assertTrue(prompts.find() && prompts.find(), stderr);
            int secondTurnEvaluated = Integer.parseInt(prompts.group(1));
            assertTrue(secondTurnEvaluated < answer2.promptTokens() / 2,
                    "second turn evaluated " + secondTurnEvaluated + " of " + answer2.promptTokens() + " tokens");
        }
    }

    private static GenerationResult fresh(LoadedModel model, List<ChatMessage> conversation) {
        try (Session session = model.newSession()) {
            return session.generate(ChatSession.promptTokens(model, conversation), SamplingParams.greedy(TOKENS), e -> {});
        }
    }
}
