package tandem.engine.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tandem.engine.api.ChatSession;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.TandemException;

/**
 * Requests wait here for the model: each slot is a {@link ChatSession} (its own KV cache, re-used
 * for a later request's common prefix) served by its own thread, in arrival order. Slots that
 * generate at the same time share each decode step (the model's sessions batch their steps), so
 * {@code --parallel N} serves N requests at about the cost of one step each.
 */
final class GenerationQueue implements AutoCloseable {
    /** Slots without a request; guarded by itself. */
    private final List<ChatSession> free = new ArrayList<>();
    private final ExecutorService slotThreads;
    private final Set<Generation> submitted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final int slots;

    GenerationQueue(LoadedModel model, int slots) {
        this.slots = slots;
        try {
            for (int i = 0; i < slots; i++) free.add(new ChatSession(model));
        } catch (TandemException e) {
            free.forEach(ChatSession::close);
            throw new TandemException("--parallel " + slots + ": slot " + (free.size() + 1) + " has no room for its KV cache ("
                    + e.getMessage() + "); serve with a smaller --parallel or --ctx", e);
        }
        AtomicInteger names = new AtomicInteger();
        slotThreads = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "tandem-slot-" + names.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the generation; its events start once a slot takes it. */
    void submit(Generation generation) {
        submitted.add(generation);
        waiting.incrementAndGet();
        try {
            slotThreads.execute(() -> runOnSlot(generation));
        } catch (RejectedExecutionException e) {
            waiting.decrementAndGet();
            submitted.remove(generation);
            throw ApiError.unavailable("the server is shutting down");
        }
    }

    private void runOnSlot(Generation generation) {
        waiting.decrementAndGet();
        running.incrementAndGet();
        ChatSession chat = takeSlot(generation.prompt());
        try {
            generation.run(chat);
        } finally {
            synchronized (free) {
                free.add(chat);
            }
            running.decrementAndGet();
            submitted.remove(generation);
        }
    }

    /**
     * The free slot whose cache holds the longest prefix of the prompt (a conversation's next turn
     * goes back to its slot), else the one free longest. There is one: a thread per slot runs.
     */
    private ChatSession takeSlot(int[] prompt) {
        synchronized (free) {
            ChatSession best = free.getFirst();
            for (ChatSession s : free) if (s.sharedPrefix(prompt) > best.sharedPrefix(prompt)) best = s;
            free.remove(best);
            return best;
        }
    }

    /** Requests waiting for a slot. */
    int waiting() { return waiting.get(); }

    /** Requests generating now. */
    int running() { return running.get(); }

    int slots() { return slots; }

    /** Cancels what runs and what waits, lets the slot threads finish, then frees the KV caches. */
    @Override
    public void close() {
        slotThreads.shutdown();
        submitted.forEach(Generation::cancel);
        try {
            if (!slotThreads.awaitTermination(30, TimeUnit.SECONDS)) slotThreads.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (free) {
            free.forEach(ChatSession::close);
        }
    }
}
