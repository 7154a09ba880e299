package tandem.app.chat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tandem.app.store.JsonStore;
import tandem.engine.api.TandemException;

/**
 * Conversations to and from files the user chooses: Markdown to read or share, JSON to move
 * chats between installations. The JSON is the history file's own format, so a history file
 * can be imported too. Reading a file never changes the chats already there; a file that is not
 * a chat export is refused with one line that says why.
 */
final class ChatTransfer {
    private static final Set<String> ROLES = Set.of("system", MessageViewModel.USER, MessageViewModel.ASSISTANT);
    private static final ObjectMapper MAPPER = JsonStore.newMapper();

    private ChatTransfer() {}

    /** Writes conversations as JSON, atomically (a failed write leaves an earlier file whole). */
    static void writeJson(List<ChatHistory.Conversation> conversations, Path file) {
        new JsonStore<>(file, ChatHistory.class, ChatHistory::empty, "chat export").save(new ChatHistory(conversations));
    }

    /** Writes one conversation as Markdown. */
    static void writeMarkdown(ChatHistory.Conversation conversation, Path file) throws IOException {
        Files.writeString(file, markdown(conversation));
    }

    /**
     * A conversation as Markdown: the title, the system prompt, then each message under its
     * speaker; an answer's reasoning as a quote, and of a regenerated answer the version shown.
     */
    static String markdown(ChatHistory.Conversation c) {
        StringBuilder md = new StringBuilder("# ").append(c.title()).append("\n\n");
        if (c.systemPrompt() != null && !c.systemPrompt().isBlank()) {
            md.append("*System prompt:* ").append(c.systemPrompt().strip()).append("\n\n");
        }
        for (ChatHistory.Message m : c.messages()) {
            boolean user = MessageViewModel.USER.equals(m.role());
            md.append("## ").append(user ? "You" : "Tandem");
            if (m.versions().size() > 1 && m.shown() != null) {
                md.append(" (version ").append(m.shown() + 1).append(" of ").append(m.versions().size()).append(')');
            }
            md.append("\n\n");
            String text = m.content() == null ? "" : m.content();
            if (!user) {
                Reasoning r = Reasoning.of(text);
                if (r.hasThinking()) md.append("> **Thinking:** ").append(r.thinking().replace("\n", "\n> ")).append("\n\n");
                text = r.answer();
            }
            md.append(text.strip()).append("\n\n");
        }
        return md.toString();
    }

    /**
     * The conversations in a JSON export (or a history file, or one exported conversation).
     *
     * @throws TandemException with a one-line reason when the file cannot be read or is not a chat export
     */
    static List<ChatHistory.Conversation> readJson(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new TandemException(file.getFileName() + " is not valid JSON" + where + ": choose a chat exported from Tandem as JSON");
        } catch (NoSuchFileException e) {
            throw new TandemException(file + ": no such file");
        } catch (IOException e) {
            throw new TandemException("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw notAnExport(file);
        List<ChatHistory.Conversation> conversations = new ArrayList<>();
        try {
            if (root.has("conversations")) {
                conversations.addAll(MAPPER.treeToValue(root, ChatHistory.class).conversations());
            } else if (root.has("messages")) {
                conversations.add(MAPPER.treeToValue(root, ChatHistory.Conversation.class));
            } else {
                throw notAnExport(file);
            }
        } catch (JacksonException | IllegalArgumentException e) {
            throw notAnExport(file);
        }
        if (conversations.isEmpty()) throw new TandemException(file.getFileName() + " holds no conversations");
        for (int i = 0; i < conversations.size(); i++) {
            for (ChatHistory.Message m : conversations.get(i).messages()) {
                if (m == null || !ROLES.contains(m.role())) {
                    throw new TandemException(file.getFileName() + ": conversation " + (i + 1)
                            + " has a message without a known role (user, assistant or system); nothing was imported");
                }
            }
        }
        return conversations;
    }

    private static TandemException notAnExport(Path file) {
        return new TandemException(file.getFileName() + " is not a Tandem chat export (no conversations or messages in it)");
    }
}
