package tandem.engine.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import tandem.engine.chat.ChatMessage;
import tandem.engine.runtime.GenerationResult;
import tandem.engine.runtime.LoadedModel;
import tandem.engine.runtime.SamplingParams;
import tandem.engine.runtime.Session;
import tandem.engine.runtime.TandemException;
import tandem.engine.tokenizer.Tokenizer;

/**
 * {@code tandem chat --model M [--system T]}: a conversation in the terminal. Each line read is a
 * user message; the whole conversation is rendered with the model's chat template and only the
 * tokens after what the KV cache already holds are evaluated. {@code /exit} or end of input quits,
 * {@code /reset} starts over.
 */
final class ChatCommand {
    private ChatCommand() {}

    static int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("chat", argv,
                CliArgs.options(CliArgs.ENGINE_OPTIONS, CliArgs.SAMPLING_OPTIONS, Set.of("--model", "--system")), Set.of());
        SamplingParams params = args.samplingParams(SamplingParams.defaults());
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try (LoadedModel model = ModelLoading.load(args, args.engineOptions(), err); Session session = model.newSession()) {
            List<ChatMessage> conversation = new ArrayList<>();
            args.value("--system").ifPresent(s -> conversation.add(ChatMessage.system(s)));
            int systemMessages = conversation.size();
            err.println("tandem: type a message; /reset starts over, /exit quits");
            String line;
            while ((line = prompt(lines, err)) != null && !line.strip().equals("/exit")) {
                if (line.strip().equals("/reset")) {
                    conversation.subList(systemMessages, conversation.size()).clear();
                    session.reset();
                    continue;
                }
                if (line.isBlank()) continue;
                conversation.add(ChatMessage.user(line));
                try {
                    GenerationResult answer = answer(model, session, conversation, params, out);
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

    private static GenerationResult answer(LoadedModel model, Session session, List<ChatMessage> conversation,
                                           SamplingParams params, PrintStream out) {
        int[] tokens = conversationTokens(model, conversation);
        int reuse = commonPrefix(session.tokens(), tokens);
        if (reuse == tokens.length) reuse--; // at least one token must be evaluated to get logits
        session.truncate(reuse);
        GenerationResult result = session.generate(Arrays.copyOfRange(tokens, reuse, tokens.length), params, event -> {
            out.print(event.text());
            out.flush();
        });
        out.println();
        return result;
    }

    /** The rendered conversation as tokens, with BOS where the model wants one and the template did not write it. */
    static int[] conversationTokens(LoadedModel model, List<ChatMessage> conversation) {
        Tokenizer tokenizer = model.tokenizer();
        int[] ids = tokenizer.encode(model.formatChat(conversation, true), false, true);
        boolean needsBos = tokenizer.addBosByDefault() && tokenizer.bosId() >= 0 && (ids.length == 0 || ids[0] != tokenizer.bosId());
        if (!needsBos) return ids;
        int[] withBos = new int[ids.length + 1];
        withBos[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }
}
