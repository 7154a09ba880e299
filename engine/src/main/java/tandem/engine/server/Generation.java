package tandem.engine.server;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tandem.engine.api.ChatSession;
import tandem.engine.api.GenerationResult;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.StopReason;

/**
 * One request's generation: queued for a slot, run on the slot's thread, its text handed to the
 * request's thread through an unbounded queue, so a client that reads slowly never holds the model
 * up (what it has not read yet waits here, at most its max_tokens' worth).
 */
final class Generation {
    /** What the request's thread receives, in order: text pieces, then one Done or Failed. */
    sealed interface Event permits Text, Done, Failed {}

    record Text(String text) implements Event {}

    record Done(GenerationResult result) implements Event {}

    /** The engine failed; message says how, in one line. */
    record Failed(String message) implements Event {}

    private final int[] prompt;
    private final SamplingParams params;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile boolean cancelled;
    private volatile ChatSession running;

    Generation(int[] prompt, SamplingParams params) {
        this.prompt = prompt;
        this.params = params;
    }

    int promptTokens() { return prompt.length; }

    int[] prompt() { return prompt; }

    /** Runs on a slot's thread; never throws (a failure becomes a Failed event). */
    void run(ChatSession chat) {
        if (cancelled) {
            events.add(new Done(new GenerationResult("", 0, 0, 0, 0, 0, StopReason.CANCELLED)));
            return;
        }
        running = chat;
        try {
            GenerationResult result = chat.generate(prompt, params, event -> {
                // a cancel that came before generate() started is caught here, at the first token
                if (cancelled) chat.cancel();
                if (!event.text().isEmpty()) events.add(new Text(event.text()));
            });
            events.add(new Done(result));
        } catch (RuntimeException | Error e) {
            // an Error too: the request's thread waits for this generation's last event whatever happens
            events.add(new Failed(describe(e)));
        } finally {
            running = null;
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) return "out of Java heap memory; serve with a smaller --ctx or a larger -Xmx";
        if (e.getMessage() == null || e.getMessage().isBlank()) return "internal error (" + e.getClass().getSimpleName() + ")";
        return e.getMessage().lines().findFirst().orElse("");
    }

    /** From any thread: the client is gone (or the server stops); ends the generation soon, or skips it if queued. */
    void cancel() {
        cancelled = true;
        ChatSession chat = running;
        if (chat != null) chat.cancel();
    }

    boolean cancelled() { return cancelled; }

    /**
     * The next event, or null when none came within the timeout. Text already waiting behind it is
     * merged into one piece, so a client that reads slower than the model writes gets fewer, larger
     * chunks and catches up. One reader only (the request's thread).
     */
    Event next(long timeout, TimeUnit unit) throws InterruptedException {
        Event first = events.poll(timeout, unit);
        if (!(first instanceof Text text) || !(events.peek() instanceof Text)) return first;
        StringBuilder merged = new StringBuilder(text.text());
        while (events.peek() instanceof Text more) {
            merged.append(more.text());
            events.poll();
        }
        return new Text(merged.toString());
    }
}
