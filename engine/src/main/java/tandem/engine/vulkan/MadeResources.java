package tandem.engine.vulkan;

import java.util.ArrayList;
import java.util.List;

/**
 * The resources a constructor or loader has made so far, so that when a later step fails they are
 * closed again, newest first (Vulkan objects in the reverse order of their making), and the
 * failure goes on with any close failures attached. An owner may also keep them here for good and
 * close them all at its own close.
 */
public final class MadeResources {
    private final List<AutoCloseable> made = new ArrayList<>();

    /** Remembers {@code resource} and returns it. */
    public <T extends AutoCloseable> T keep(T resource) {
        made.add(resource);
        return resource;
    }

    /** Closes everything kept, newest first, and returns {@code failure} to be rethrown. */
    public RuntimeException closeAfter(RuntimeException failure) {
        return closeEach(failure);
    }

    /**
     * Closes everything kept, newest first: the close of an owner that keeps here all it made. Every
     * resource is closed even if one fails; the first failure is thrown afterwards.
     */
    public void closeAll() {
        RuntimeException failure = closeEach(null);
        if (failure != null) throw failure;
    }

    private RuntimeException closeEach(RuntimeException failure) {
        for (AutoCloseable r : made.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                else failure.addSuppressed(e);
            }
        }
        made.clear();
        return failure;
    }
}
