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
import java.util.Set;
import tandem.engine.chat.ChatMessage;
import tandem.engine.runtime.ChatSession;
import tandem.engine.runtime.GenerationResult;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.SamplingParams;
import tandem.engine.runtime.TandemException;

/**
 * {@code tandem chat --model M [--system T]}: a conversation in the terminal. Each line read is a
 * user message, answered through the engine's {@link ChatSession} (the chat template, one BOS rule,
 * only the tokens after what the KV cache already holds evaluated). {@code /exit} or end of input quits,
 * {@code /reset} starts over.
 */
final class ChatCommand {
    private ChatCommand() {}

    static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("chat", argv,
                CliArgs.options(CliArgs.ENGINE_OPTIONS, CliArgs.SAMPLING_OPTIONS, Set.of("--model", "--system")), Set.of());
        SamplingParams params = args.samplingParams(SamplingParams.defaults());
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try (LoadedModel model = ModelLoading.load(args, args.engineOptions(), err); ChatSession chat = new ChatSession(model)) {
            List<ChatMessage> conversation = new ArrayList<>();
            args.value("--system").ifPresent(s -> conversation.add(ChatMessage.system(s)));
            int systemMessages = conversation.size();
            err.println("tandem: type a message; /reset starts over, /exit quits");
            String line;
            while ((line = prompt(lines, err)) != null && !line.strip().equals("/exit")) {
                if (line.strip().equals("/reset")) {
                    conversation.subList(systemMessages, conversation.size()).clear();
                    chat.reset();
                    continue;
                }
                if (line.isBlank()) continue;
                conversation.add(ChatMessage.user(line));
                try {
                    GenerationResult answer = answer(chat, conversation, params, out);
                    conversation.add(ChatMessage.assistant(answer.text()));
                    GenerationReport.print(answer, err);
                } catch (TandemException e) {
                    conversation.removeLast();
                    err.println("tandem chat: " + e.getMessage());
                }
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

    private static GenerationResult answer(ChatSession chat, List<ChatMessage> conversation, SamplingParams params,
                                           PrintStream out) {
        GenerationResult result = chat.reply(conversation, params, event -> {
            out.print(event.text());
            out.flush();
        });
        out.println();
        return result;
    }
}
