package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.ChatSession;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.ServerOptions;
import tandem.engine.server.ServerFixture;

/** {@code tandem chat --remote URL} against {@code tandem serve}: two turns, answered as the local chat path answers them. */
class RemoteChatCommandTest {
    private static final String FIRST = "Tell me a story about a cat";
    private static final String SECOND = "What did the cat do next?";

    @Test
    void remoteChatAnswersEachTurnAsTheLocalChatPathDoes() {
        try (ServerFixture fixture = new ServerFixture(ServerOptions.DEFAULT_MAX_BODY_BYTES)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = ChatCommand.run(new String[] {"--remote", fixture.server.baseUrl().toString(), "--api-key", ServerFixture.KEY,
                    "--temperature", "0", "--tokens", "10"},
                    new ByteArrayInputStream((FIRST + "\n" + SECOND + "\n/exit\n").getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("remote engine"), err.toString(StandardCharsets.UTF_8));

            try (ChatSession local = new ChatSession(fixture.model)) {
                String answer1 = local.reply(List.of(ChatMessage.user(FIRST)), SamplingParams.greedy(10), e -> { }).text();
                String answer2 = local.reply(List.of(ChatMessage.user(FIRST), ChatMessage.assistant(answer1), ChatMessage.user(SECOND)),
                        SamplingParams.greedy(10), e -> { }).text();
                assertEquals(answer1 + "\n" + answer2 + "\n", out.toString(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void modelAndRemoteTogetherAreRefused() {
        CliRun both = CliRun.of("chat", "--remote", "http://127.0.0.1:9/v1", "--model", "x.gguf");
        assertEquals(1, both.status());
        assertTrue(both.err().contains("either --model"), both.err());
    }
}
