package tandem.engine.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.ChatSession;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.TandemException;
import tandem.engine.api.TokenListener;
import tandem.engine.api.RemoteModel;

/**
 * {@code tandem chat --model M [--system T]}: a conversation in the terminal. Each line read is a
 * user message, answered through the engine's {@link ChatSession} (the chat template, one BOS rule,
 * only the tokens after what the KV cache already holds evaluated). Lines starting with "/" are
 * commands ({@link ChatInput}): {@code /exit} (or end of input) quits, {@code /reset} starts over,
 * {@code /system TEXT} sets the system message. Ctrl+C stops the answer being written, not the chat.
 * With {@code --remote URL} instead of --model, an OpenAI-compatible server answers.
 */
final class ChatCommand {
    private ChatCommand() {}

    /** What answers the conversation: the local {@link ChatSession} or a remote engine. */
    private interface Replier {
        GenerationResult reply(List<ChatMessage> conversation, SamplingParams params, TokenListener listener);

        /** Ends the running answer soon, from any thread. */
        void cancel();

        /** Forgets what the conversation cached. */
        void reset();

        /** Whether a system message reaches the model (a remote server's template is not known here). */
        default boolean keepsSystemPrompt() { return true; }
    }

    static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("chat", argv, CliArgs.options(CliArgs.ENGINE_OPTIONS, CliArgs.SAMPLING_OPTIONS,
                RemoteOptions.OPTIONS, Set.of("--model", "--system")), Set.of());
        SamplingParams params = args.samplingParams(SamplingParams.defaults());
        Optional<RemoteModel> remote = RemoteOptions.engine(args, err);
        if (remote.isPresent()) {
            RemoteModel engine = remote.get();
            return converse(args, new Replier() {
                @Override public GenerationResult reply(List<ChatMessage> c, SamplingParams p, TokenListener l) { return engine.chat(c, p, l); }
                @Override public void cancel() { engine.cancel(); }
                @Override public void reset() {}
            }, params, in, out, err);
        }
        try (LoadedModel model = ModelLoading.load(args, args.engineOptions(), err); ChatSession chat = new ChatSession(model)) {
            return converse(args, new Replier() {
                @Override public GenerationResult reply(List<ChatMessage> c, SamplingParams p, TokenListener l) { return chat.reply(c, p, l); }
                @Override public void cancel() { chat.cancel(); }
                @Override public void reset() { chat.reset(); }
                @Override public boolean keepsSystemPrompt() { return ChatSession.templateKeepsSystemPrompt(model); }
            }, params, in, out, err);
        }
    }

    private static int converse(CliArgs args, Replier replier, SamplingParams params, InputStream in,
                                PrintStream out, PrintStream err) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<ChatMessage> conversation = new ArrayList<>();
        args.value("--system").ifPresent(s -> setSystem(conversation, s, replier, err));
        err.println("tandem: type a message; " + ChatInput.HELP);
        try (Interrupts interrupts = Interrupts.install()) {
            String line;
            while ((line = prompt(lines, err)) != null) {
                switch (ChatInput.parse(line)) {
                    case ChatInput.Exit e -> { return 0; }
                    case ChatInput.Blank b -> { }
                    case ChatInput.Unknown u -> err.println("tandem chat: unknown command " + u.command() + " (" + ChatInput.HELP + ")");
                    case ChatInput.Reset r -> {
                        conversation.removeIf(m -> !m.role().equals("system"));
                        replier.reset();
                    }
                    case ChatInput.System s -> setSystem(conversation, s.text(), replier, err);
                    case ChatInput.Message m -> answer(conversation, m.text(), replier, interrupts, params, out, err);
                }
            }
        }
        return 0;
    }

    /** Replaces the system message (empty: none), saying so when the model's template would drop it. */
    private static void setSystem(List<ChatMessage> conversation, String text, Replier replier, PrintStream err) {
        conversation.removeIf(m -> m.role().equals("system"));
        if (text.isEmpty()) return;
        conversation.addFirst(ChatMessage.system(text));
        if (!replier.keepsSystemPrompt()) {
            err.println("tandem chat: this model's chat template has no system prompt, so the system message is not sent");
        }
    }

    /** Answers one user message; a failed answer leaves the conversation as it was. */
    private static void answer(List<ChatMessage> conversation, String text, Replier replier, Interrupts interrupts,
                               SamplingParams params, PrintStream out, PrintStream err) {
        conversation.add(ChatMessage.user(text));
        try {
            GenerationResult answer = interrupts.during(replier::cancel, () -> replier.reply(conversation, params, event -> {
                out.print(event.text());
                out.flush();
            }));
            out.println();
            conversation.add(ChatMessage.assistant(answer.text()));
            GenerationReport.print(answer, err);
        } catch (TandemException e) {
            conversation.removeLast();
            err.println("tandem chat: " + e.getMessage());
        }
    }

    private static String prompt(BufferedReader lines, PrintStream err) {
        err.print("> ");
        err.flush();
        try {
            return lines.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
