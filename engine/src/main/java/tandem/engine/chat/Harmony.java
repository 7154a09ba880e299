package tandem.engine.chat;

import tandem.engine.api.Tokenizer;

/**
 * gpt-oss's chat format ("harmony"): messages {@code <|start|>ROLE<|message|>CONTENT<|end|>}, the
 * assistant's with a channel, {@code <|start|>assistant<|channel|>final<|message|>...}; the model thinks
 * in the {@code analysis} channel, answers in {@code final} and ends its turn with {@code <|return|>}.
 * Followed: OpenAI's "OpenAI Harmony Response Format" (cookbook.openai.com/articles/openai-harmony,
 * 2025-08-05): the system message (model identity, knowledge cutoff, current date, reasoning effort,
 * valid channels), the system prompt as the developer message's "# Instructions", earlier assistant
 * turns as their final message ending in {@code <|end|>} with their analysis dropped, and the prompt
 * ending in {@code <|start|>assistant} for the model to choose its channel.
 */
public final class Harmony {
    private Harmony() {}

    /**
     * The chat template of gpt-oss files that carry none (written from the format above). Assistant
     * content arrives as the engine streams it ({@link HarmonyChannels}): {@code <think>analysis</think>}
     * then the answer; {@link ChatTemplate} passes the answer as {@code content} and the analysis as
     * {@code thinking}, as for a file's own harmony template.
     */
    static final String TEMPLATE = """
            {%- set ns = namespace(instructions='') -%}
            {%- for message in messages -%}
            {%- if message.role == 'system' or message.role == 'developer' -%}
            {%- set ns.instructions = ns.instructions + message.content -%}
            {%- endif -%}
            {%- endfor -%}
            <|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.
            Knowledge cutoff: 2024-06
            Current date: {{ strftime_now('%Y-%m-%d') }}

            Reasoning: {{ reasoning_effort if reasoning_effort is defined else 'medium' }}

            # Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>
            {%- if ns.instructions -%}
            <|start|>developer<|message|># Instructions

            {{ ns.instructions }}<|end|>
            {%- endif -%}
            {%- for message in messages -%}
            {%- if message.role == 'user' -%}
            <|start|>user<|message|>{{ message.content }}<|end|>
            {%- elif message.role == 'assistant' -%}
            <|start|>assistant<|channel|>final<|message|>{{ message.content }}<|end|>
            {%- endif -%}
            {%- endfor -%}
            {%- if add_generation_prompt -%}<|start|>assistant{%- endif -%}""";

    /** Texts of the structure tokens a harmony vocabulary has. */
    static final String START = "<|start|>", CHANNEL = "<|channel|>", MESSAGE = "<|message|>", END = "<|end|>",
            RETURN = "<|return|>";

    /** Whether a template renders harmony (a file's gpt-oss template or {@link #TEMPLATE}). */
    static boolean renders(String templateSource) {
        return templateSource.contains(CHANNEL) && templateSource.contains(MESSAGE);
    }

    /** Whether the vocabulary is a harmony one: its structure tokens are single special tokens. */
    public static boolean vocabularyOf(Tokenizer tokenizer) {
        for (String t : new String[] {START, CHANNEL, MESSAGE, END, RETURN}) if (specialId(tokenizer, t) < 0) return false;
        return true;
    }

    /** The id of a special token given by its text, or -1 where the text is not one token. */
    static int specialId(Tokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text, false, true);
        return ids.length == 1 && text.equals(tokenizer.piece(ids[0])) ? ids[0] : -1;
    }
}
