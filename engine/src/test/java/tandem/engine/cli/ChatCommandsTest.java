package tandem.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import tandem.engine.Engine;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.ChatSession;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.Session;
import tandem.engine.gguf.SharedData;

/** {@code tandem chat}'s own commands (/system, /reset, /exit, unknown ones) and Ctrl+C, on stories260K. */
class ChatCommandsTest {
    private static final String MODEL = SharedData.data("models/stories260K.gguf").toString();
    private static final int TOKENS = 12;

    private record Transcript(int status, String out, String err) {
        List<String> stops() {
            Matcher m = Pattern.compile("stop: ([a-z ]+)").matcher(err);
            return m.results().map(r -> r.group(1)).toList();
        }
    }

    private static Transcript chat(String input, int tokens, OutputStream outSink) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ChatCommand.run(new String[] {"--model", MODEL, "--backend", "cpu", "--temperature", "0",
                "--tokens", Integer.toString(tokens)}, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(outSink, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Transcript(status, outSink.toString(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void slashLinesAreCommandsAndNeverReachTheModel() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Transcript t = chat("/system You tell short stories.\n/unknown thing\nOnce\n/reset\nOnce\n/system\nOnce\n/exit\nNever sent\n",
                TOKENS, out);
        assertEquals(0, t.status(), t.err());
        assertTrue(t.err().contains("tandem chat: unknown command /unknown"), t.err());
        assertEquals(3, t.stops().size(), "three answers, then /exit: " + t.err());
        ChatMessage system = ChatMessage.system("You tell short stories.");
        try (LoadedModel model = Engine.load(Path.of(MODEL), EngineOptions.cpu(), LoadProgress.NONE, () -> false)) {
            String first = fresh(model, List.of(system, ChatMessage.user("Once")));
            // /reset keeps the system message; /system with no text removes it
            String third = fresh(model, List.of(ChatMessage.user("Once"), ChatMessage.assistant(first), ChatMessage.user("Once")));
            assertEquals(first + "\n" + first + "\n" + third + "\n", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    @Timeout(120)
    void ctrlCStopsTheAnswerNotTheChat() {
        // Ctrl+C as the first answer's first text arrives: that answer stops, the next one is written in full
        OutputStream out = new ByteArrayOutputStream() {
            private boolean raised;

            @Override public synchronized void write(byte[] b, int off, int len) {
                if (!raised && len > 0) {
                    raised = true;
                    Signal.raise(new Signal("INT"));
                }
                super.write(b, off, len);
            }
        };
        Transcript t = chat("Once upon a time\nOnce upon a time\n/exit\n", 200, out);
        assertEquals(0, t.status(), t.err());
        List<String> stops = t.stops();
        assertEquals(2, stops.size(), t.err());
        assertEquals("cancelled", stops.get(0), t.err());
        assertTrue(!stops.get(1).equals("cancelled"), t.err());
    }

    @Test
    void linesParseIntoCommandsOrMessages() {
        assertEquals(new ChatInput.Exit(), ChatInput.parse("  /exit "));
        assertEquals(new ChatInput.Reset(), ChatInput.parse("/reset"));
        assertEquals(new ChatInput.System("Be brief."), ChatInput.parse("/system   Be brief. "));
        assertEquals(new ChatInput.System(""), ChatInput.parse("/system"));
        assertEquals(new ChatInput.Unknown("/help"), ChatInput.parse("/help me"));
        assertEquals(new ChatInput.Message(" a /slash inside "), ChatInput.parse(" a /slash inside "));
        assertEquals(new ChatInput.Blank(), ChatInput.parse("   "));
    }

    private static String fresh(LoadedModel model, List<ChatMessage> conversation) {
        try (Session session = model.newSession()) {
            return session.generate(ChatSession.promptTokens(model, conversation), SamplingParams.greedy(TOKENS), e -> {}).text();
        }
    }
}
