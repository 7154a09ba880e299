package tandem.engine.vulkan;

import java.util.ArrayList;
import java.util.List;

/**
 * The resources a constructor or loader has made so far, so that when a later step fails they are
 * closed again, newest first (Vulkan objects in the reverse order of their making), and the
 * failure goes on with any close failures attached.
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
        for (AutoCloseable r : made.reversed()) {
            try {
                r.close();
            } catch (Exception suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
        made.clear();
        return failure;
    }
}
