package tandem.app.chat;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tandem.app.store.JsonStore;

/**
 * Reads every intact conversation out of a damaged history file: conversations are read one by
 * one, a conversation that does not make sense is skipped, and a file cut short (a crash, a full
 * disk) keeps every conversation before the cut.
 */
final class HistorySalvage implements JsonStore.Salvage<ChatHistory> {
    @Override
    public JsonStore.Partial<ChatHistory> read(ObjectMapper mapper, Path file) throws IOException {
        List<ChatHistory.Conversation> kept = new ArrayList<>();
        int damaged = 0;
        boolean cut = false;
        try (JsonParser parser = mapper.getFactory().createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return null;
            while (!cut && parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"conversations".equals(field) || value != JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                try {
                    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                        if (t == null) {
                            cut = true;
                            break;
                        }
                        JsonNode node = mapper.readTree(parser);
                        try {
                            kept.add(mapper.treeToValue(node, ChatHistory.Conversation.class));
                        } catch (JacksonException | IllegalArgumentException e) {
                            damaged++;
                        }
                    }
                } catch (JacksonException e) {
                    cut = true; // the text ends or breaks here: what came before is whole
                }
            }
        } catch (JacksonException e) {
            cut = true;
        }
        if (kept.isEmpty()) return null;
        String lost = damaged == 0 && !cut ? "" : cut ? " (the rest of the file is damaged)" : " (" + damaged + " damaged)";
        return new JsonStore.Partial<>(new ChatHistory(kept), kept.size() + " conversation" + (kept.size() == 1 ? "" : "s") + lost);
    }
}
