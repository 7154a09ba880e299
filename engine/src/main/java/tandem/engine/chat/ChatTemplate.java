package tandem.engine.chat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;
import tandem.engine.gguf.GgufFile;

/**
 * A model's chat template ({@code tokenizer.chat_template}, Jinja) turning a conversation into the
 * prompt text the model was trained on. The template sees {@code messages} (role and content),
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token} and the functions
 * {@code raise_exception} and {@code strftime_now}, as under Hugging Face's apply_chat_template.
 *
 * <p>A model without a template gets ChatML ({@code <|im_start|>role\ncontent<|im_end|>\n}),
 * the fallback llama.cpp uses too; {@link #isFallback()} tells the caller so.
 */
public final class ChatTemplate {
    /** ChatML, written as a Jinja template so that both paths render the same way. */
    static final String CHATML = "{% for message in messages %}{{ '<|im_start|>' + message.role + '\\n' + message.content"
            + " + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private final String source;
    private final boolean fallback;
    private final String bosToken;
    private final String eosToken;
    private final String modelName;

    private ChatTemplate(String source, boolean fallback, String bosToken, String eosToken, String modelName) {
        this.source = source;
        this.fallback = fallback;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.modelName = modelName;
    }

    /** The template of a GGUF file; BOS/EOS texts come from its tokenizer. */
    public static ChatTemplate fromGguf(GgufFile file, Tokenizer tok) {
        var metadata = file.metadata();
        String name = metadata.optString("general.name").filter(n -> !n.isBlank())
                .orElse(file.path() == null ? "model" : file.path().getFileName().toString());
        String template = metadata.optString("tokenizer.chat_template").filter(t -> !t.isBlank()).orElse(null);
        return of(template, tokenText(tok, tok.bosId()), tokenText(tok, tok.eosId()), name);
    }

    /**
     * @param template  Jinja source, or null for the ChatML fallback
     * @param modelName named in error messages
     */
    public static ChatTemplate of(String template, String bosToken, String eosToken, String modelName) {
        return template == null
                ? new ChatTemplate(CHATML, true, bosToken, eosToken, modelName)
                : new ChatTemplate(template, false, bosToken, eosToken, modelName);
    }

    /** True when the model has no template and ChatML is used instead. */
    public boolean isFallback() { return fallback; }

    /** The Jinja source in use. */
    public String source() { return source; }

    /**
     * @param addGenerationPrompt end with the header of an assistant turn, so the model answers next
     * @throws TandemException naming the model when the template fails or refuses the conversation
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders with extra template variables, e.g. {@code enable_thinking=false} for Qwen3 or
     * {@code tools} (a list of JSON-like maps) for templates that describe tools.
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> variables) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", m.role());
            message.put("content", m.content());
            list.add(message);
        }
        Map<String, Object> context = new LinkedHashMap<>(variables);
        context.put("messages", list);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        try {
            return JinjaRenderer.render(source, context);
        } catch (JinjaRenderer.TemplateFailure e) {
            throw new TandemException("chat template of " + modelName + " failed to render: " + e.getMessage()
                    + (fallback ? "" : "; the template in the model file is not supported - please report it with the model name"));
        }
    }

    private static String tokenText(Tokenizer tok, int id) {
        return id >= 0 && id < tok.vocabSize() ? tok.piece(id) : "";
    }
}
