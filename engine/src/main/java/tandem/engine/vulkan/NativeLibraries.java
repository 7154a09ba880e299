package tandem.engine.vulkan;

import java.lang.invoke.MethodHandles;
import org.lwjgl.system.Library;
import org.lwjgl.util.vma.Vma;
import org.lwjgl.vulkan.VK;

/**
 * Loads every native library the engine uses — LWJGL's own, the Vulkan loader, VMA — on the
 * calling thread, once.
 *
 * <p>Why it exists: when LWJGL loads a library from the system paths it asks for the library's
 * file through {@code dl_iterate_phdr}, and its callback calls {@code dlopen}/{@code dlclose}.
 * glibc takes its loader locks in the opposite order there, so if another thread (a GUI
 * toolkit loading its font library, say) is inside {@code dlopen} at that moment, both threads
 * wait for each other forever. A program that starts such a toolkit calls
 * {@link #load()} first, while it has one thread; afterwards LWJGL loads nothing more.
 */
public final class NativeLibraries {
    private static boolean loaded;
    private static String vulkanProblem;

    private NativeLibraries() {}

    /**
     * Idempotent. A missing Vulkan loader is not an error here: device discovery reports it later
     * (and the CPU engine still runs); {@link #vulkanProblem()} says what went wrong.
     */
    public static synchronized void load() {
        if (loaded) return;
        loaded = true;
        Library.initialize();
        try {
            if (VK.getFunctionProvider() == null) VK.create();
        } catch (Throwable e) {
            vulkanProblem = String.valueOf(e.getMessage());
            return;
        }
        try {
            // Vma's static initialiser loads liblwjgl_vma.
            MethodHandles.lookup().ensureInitialized(Vma.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot initialise LWJGL's VMA binding", e);
        }
    }

    /** Why the Vulkan loader could not be loaded by {@link #load()}, or null. */
    public static synchronized String vulkanProblem() { return vulkanProblem; }
}
