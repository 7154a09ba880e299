package tandem.engine.api;

import java.util.List;

/**
 * A model on any OpenAI-compatible server (vLLM, llama.cpp's server, tandem serve, ...), answering
 * like a local one: the speed and time to first token of its results are measured on this side.
 * One generation at a time; {@link #cancel()} may come from any thread.
 */
public interface RemoteModel {
    /** The model the requests name. */
    String model();

    /** The server's address, for messages. */
    String url();

    /** The models the server lists, in its order. */
    List<String> models();

    /** Answers a conversation through {@code /chat/completions}. */
    GenerationResult chat(List<ChatMessage> conversation, SamplingParams params, TokenListener listener);

    /** Continues raw text through {@code /completions}. */
    GenerationResult complete(String prompt, SamplingParams params, TokenListener listener);

    /** Ends the running generation soon by closing its stream, which ends the remote generation too. */
    void cancel();
}
