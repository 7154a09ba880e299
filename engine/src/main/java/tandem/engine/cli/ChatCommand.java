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
import tandem.engine.server.RemoteEngine;

/**
 * {@code tandem chat --model M [--system T]}: a conversation in the terminal. Each line read is a
 * user message, answered through the engine's {@link ChatSession} (the chat template, one BOS rule,
 * only the tokens after what the KV cache already holds evaluated). {@code /exit} or end of input quits,
 * {@code /reset} starts over. With {@code --remote URL} instead of --model, an OpenAI-compatible server answers.
 */
final class ChatCommand {
    private ChatCommand() {}

    /** What answers the conversation: the local {@link ChatSession} or a remote engine. */
    private interface Replier {
        GenerationResult reply(List<ChatMessage> conversation, SamplingParams params, TokenListener listener);
    }

    static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("chat", argv, CliArgs.options(CliArgs.ENGINE_OPTIONS, CliArgs.SAMPLING_OPTIONS,
                RemoteOptions.OPTIONS, Set.of("--model", "--system")), Set.of());
        SamplingParams params = args.samplingParams(SamplingParams.defaults());
        Optional<RemoteEngine> remote = RemoteOptions.engine(args, err);
        if (remote.isPresent()) return converse(args, remote.get()::chat, () -> { }, params, in, out, err);
        try (LoadedModel model = ModelLoading.load(args, args.engineOptions(), err); ChatSession chat = new ChatSession(model)) {
            return converse(args, chat::reply, chat::reset, params, in, out, err);
        }
    }

    private static int converse(CliArgs args, Replier replier, Runnable reset, SamplingParams params, InputStream in,
                                PrintStream out, PrintStream err) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<ChatMessage> conversation = new ArrayList<>();
        args.value("--system").ifPresent(s -> conversation.add(ChatMessage.system(s)));
        int systemMessages = conversation.size();
        err.println("tandem: type a message; /reset starts over, /exit quits");
        String line;
        while ((line = prompt(lines, err)) != null && !line.strip().equals("/exit")) {
            if (line.strip().equals("/reset")) {
                conversation.subList(systemMessages, conversation.size()).clear();
                reset.run();
                continue;
            }
            if (line.isBlank()) continue;
            conversation.add(ChatMessage.user(line));
            try {
                GenerationResult answer = replier.reply(conversation, params, event -> {
                    out.print(event.text());
                    out.flush();
                });
                out.println();
                conversation.add(ChatMessage.assistant(answer.text()));
                GenerationReport.print(answer, err);
            } catch (TandemException e) {
                conversation.removeLast();
                err.println("tandem chat: " + e.getMessage());
            }
        }
        return 0;
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
