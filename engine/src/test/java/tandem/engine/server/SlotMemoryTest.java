package tandem.engine.server;

import tandem.engine.api.ServerOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tandem.engine.api.ChatMessage;
import tandem.engine.api.Backend;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.Session;
import tandem.engine.api.TandemException;
import tandem.engine.api.Tokenizer;

/**
 * {@code --parallel N} where the Nth slot's KV cache no longer fits: one line naming the slot and
 * what to do, the caches already made freed, and the port not held.
 */
class SlotMemoryTest {
    @Test
    void aSlotWithoutRoomIsOneLineAndFreesTheOthers() {
        try (LoadedModel real = Engine.load(ServerFixture.STORIES, EngineOptions.cpu().withContextLength(64), LoadProgress.NONE,
                () -> false)) {
            OutOfRoomAfter model = new OutOfRoomAfter(real, 2);
            TandemException e = assertThrows(TandemException.class, () -> OpenAiServer.start(model,
                    new ServerOptions("127.0.0.1", 0, Optional.empty(), 4, ServerOptions.DEFAULT_MAX_BODY_BYTES, "m"), System.err));
            assertTrue(e.getMessage().startsWith("--parallel 4: slot 3 has no room for its KV cache (the KV cache for 64 tokens"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("serve with a smaller --parallel or --ctx"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
            assertEquals(2, model.made.size());
            assertEquals(2, model.closed.get(), "the slots made before the failure are closed");
        }
    }

    /**
     * The real model, whose sessions after the first {@code room} fail as a full heap would; it keeps
     * the ones it made and counts their closes.
     */
    private record OutOfRoomAfter(LoadedModel real, int room, List<Session> made, AtomicInteger closed) implements LoadedModel {
        OutOfRoomAfter(LoadedModel real, int room) {
            this(real, room, new ArrayList<>(), new AtomicInteger());
        }

        @Override
        public Session newSession() {
            if (made.size() == room) {
                throw new TandemException("the KV cache for 64 tokens needs 1.0 MiB but the Java heap has 0.5 MiB free; "
                        + "use a smaller --ctx or a larger -Xmx");
            }
            Session session = real.newSession();
            made.add((Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) closed.incrementAndGet();
                        return method.invoke(session, args);
                    }));
            return made.getLast();
        }

        @Override public ModelInfo info() { return real.info(); }
        @Override public Backend backend() { return real.backend(); }
        @Override public LoadPlan plan() { return real.plan(); }
        @Override public Tokenizer tokenizer() { return real.tokenizer(); }
        @Override public String formatChat(List<ChatMessage> m, boolean add) { return real.formatChat(m, add); }
        @Override public MetricsSnapshot metrics() { return real.metrics(); }
        @Override public void close() {}
    }
}
