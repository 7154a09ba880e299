package tandem.app.engine;

import java.util.List;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.TokenListener;

/** A remote engine the chat can answer from instead of the loaded model. */
public interface RemoteChat {
    /** Streams the answer to a conversation; blocks (the engine thread calls it). */
    GenerationResult chat(List<ChatMessage> conversation, SamplingParams params, TokenListener listener);

    /** Ends the running answer soon, from any thread. */
    void cancel();

    /** "model at URL", for the window's header and banners. */
    String describe();
}
