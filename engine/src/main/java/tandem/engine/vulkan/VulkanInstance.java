package tandem.engine.vulkan;

import static org.lwjgl.system.MemoryStack.stackPush;
import static org.lwjgl.vulkan.EXTDebugUtils.*;
import static org.lwjgl.vulkan.VK10.*;
import static org.lwjgl.vulkan.VK11.vkEnumerateInstanceVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.vulkan.VK;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCallbackDataEXT;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCallbackEXT;
import org.lwjgl.vulkan.VkDebugUtilsMessengerCreateInfoEXT;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkLayerProperties;
import tandem.engine.api.TandemException;

/**
 * The Vulkan instance: the loader, optionally the Khronos validation layer with a messenger that
 * records every warning and error (tests fail on any), and the physical devices it sees.
 * Closing it is the last Vulkan call of its owner: close every {@link VulkanDevice} first.
 */
public final class VulkanInstance implements AutoCloseable {
    static final String VALIDATION_LAYER = "VK_LAYER_KHRONOS_validation";

    private final VkInstance instance;
    private final int apiVersion;
    private final long messenger;
    private final VkDebugUtilsMessengerCallbackEXT callback;
    private final List<String> sink;
    private List<PhysicalDevice> physicalDevices;

    private VulkanInstance(VkInstance instance, int apiVersion, long messenger,
                           VkDebugUtilsMessengerCallbackEXT callback, List<String> sink) {
        this.instance = instance;
        this.sink = sink;
        this.apiVersion = apiVersion;
        this.messenger = messenger;
        this.callback = callback;
    }

    /** Whether the user asked for validation: {@code -Dtandem.validation=true} or {@code TANDEM_VALIDATION=1}. */
    public static boolean validationRequested() {
        return Boolean.getBoolean("tandem.validation") || "1".equals(System.getenv("TANDEM_VALIDATION"));
    }

    public static VulkanInstance create() {
        return create(validationRequested());
    }

    /**
     * @throws TandemException when no Vulkan loader is installed or the instance cannot be made
     */
    public static VulkanInstance create(boolean validation) {
        try {
            // LWJGL loads the loader when VK is first touched; create() only when that failed.
            if (VK.getFunctionProvider() == null) VK.create();
        } catch (Throwable e) {
            throw new TandemException("no Vulkan loader found (" + e.getMessage()
                    + "); install one, e.g. 'apt-get install libvulkan1 mesa-vulkan-drivers'");
        }
        try (MemoryStack stack = stackPush()) {
            int version = instanceVersion(stack);
            // Vulkan 1.3 is what we use of the API; newer drivers serve it too.
            int api = Math.min(version, VK_MAKE_API_VERSION(0, 1, 3, 0));
            if (api < VK_MAKE_API_VERSION(0, 1, 2, 0)) {
                throw new TandemException("the Vulkan loader offers only API " + versionString(version)
                        + "; Tandem needs 1.2 or newer: update the Vulkan loader and driver");
            }
            if (validation && !layerPresent(stack, VALIDATION_LAYER)) {
                throw new TandemException("validation was requested but " + VALIDATION_LAYER
                        + " is not installed; install vulkan-validationlayers or unset TANDEM_VALIDATION");
            }
            VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default()
                    .pApplicationName(stack.UTF8("Tandem")).pEngineName(stack.UTF8("Tandem")).apiVersion(api);
            PointerBuffer layers = null;
            PointerBuffer extensions = null;
            if (validation) {
                layers = stack.pointers(stack.UTF8(VALIDATION_LAYER));
                extensions = stack.pointers(stack.UTF8(VK_EXT_DEBUG_UTILS_EXTENSION_NAME));
            }
            VkInstanceCreateInfo info = VkInstanceCreateInfo.calloc(stack).sType$Default()
                    .pApplicationInfo(app).ppEnabledLayerNames(layers).ppEnabledExtensionNames(extensions);
            PointerBuffer p = stack.mallocPointer(1);
            VkCheck.check(vkCreateInstance(info, null, p), "vkCreateInstance");
            VkInstance vk = new VkInstance(p.get(0), info);
            if (!validation) return new VulkanInstance(vk, api, VK_NULL_HANDLE, null, new ArrayList<>());
            return withMessenger(vk, api, stack);
        }
    }

    private static VulkanInstance withMessenger(VkInstance vk, int api, MemoryStack stack) {
        List<String> sink = new ArrayList<>();
        VkDebugUtilsMessengerCallbackEXT cb = VkDebugUtilsMessengerCallbackEXT.create((severity, types, data, user) -> {
            String message = VkDebugUtilsMessengerCallbackDataEXT.create(data).pMessageString();
            synchronized (sink) { sink.add(message); }
            System.err.println("vulkan validation: " + message);
            return VK_FALSE;
        });
        VkDebugUtilsMessengerCreateInfoEXT mi = VkDebugUtilsMessengerCreateInfoEXT.calloc(stack).sType$Default()
                .messageSeverity(VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT)
                .messageType(VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT)
                .pfnUserCallback(cb);
        long[] handle = new long[1];
        int r = vkCreateDebugUtilsMessengerEXT(vk, mi, null, handle);
        if (r != VK_SUCCESS) {
            cb.free();
            vkDestroyInstance(vk, null);
            VkCheck.check(r, "vkCreateDebugUtilsMessengerEXT");
        }
        return new VulkanInstance(vk, api, handle[0], cb, sink);
    }

    private static int instanceVersion(MemoryStack stack) {
        if (VK.getFunctionProvider() == null) return VK_API_VERSION_1_0;
        var v = stack.mallocInt(1);
        try {
            VkCheck.check(vkEnumerateInstanceVersion(v), "vkEnumerateInstanceVersion");
            return v.get(0);
        } catch (NullPointerException | UnsupportedOperationException e) {
            return VK_API_VERSION_1_0;
        }
    }

    private static boolean layerPresent(MemoryStack stack, String name) {
        var count = stack.mallocInt(1);
        VkCheck.check(vkEnumerateInstanceLayerProperties(count, null), "vkEnumerateInstanceLayerProperties");
        try (VkLayerProperties.Buffer props = VkLayerProperties.calloc(count.get(0))) {
            VkCheck.check(vkEnumerateInstanceLayerProperties(count, props), "vkEnumerateInstanceLayerProperties");
            for (VkLayerProperties p : props) if (p.layerNameString().equals(name)) return true;
        }
        return false;
    }

    static String versionString(int v) {
        return String.format(Locale.ROOT, "%d.%d.%d", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v), VK_API_VERSION_PATCH(v));
    }

    public VkInstance handle() { return instance; }

    public int apiVersion() { return apiVersion; }

    public boolean validationEnabled() { return messenger != VK_NULL_HANDLE; }

    /** Physical devices in {@code tandem devices} order, one entry per card (duplicate drivers dropped). */
    public synchronized List<PhysicalDevice> physicalDevices() {
        if (physicalDevices == null) physicalDevices = DeviceDiscovery.discover(this);
        return physicalDevices;
    }

    /** The device with this {@code tandem devices} index, or a one-line error naming the valid ones. */
    public PhysicalDevice physicalDevice(int index) {
        List<PhysicalDevice> all = physicalDevices();
        if (all.isEmpty()) throw new TandemException("no Vulkan device found; install a Vulkan driver (see 'tandem devices')");
        if (index < 0 || index >= all.size()) {
            throw new TandemException("no Vulkan device " + index + "; 'tandem devices' lists 0.." + (all.size() - 1));
        }
        return all.get(index);
    }

    /** Validation messages seen so far (warnings and errors), oldest first; empty without validation. */
    public List<String> validationMessages() {
        synchronized (sink) { return List.copyOf(sink); }
    }

    /** Returns the messages seen so far and forgets them. */
    public List<String> takeValidationMessages() {
        synchronized (sink) {
            List<String> copy = List.copyOf(sink);
            sink.clear();
            return copy;
        }
    }

    /**
     * Destroys the instance. With validation on, messages nobody took are a failure of the run:
     * they are thrown here, after everything was destroyed, so tests and debug runs cannot miss them.
     */
    @Override
    public void close() {
        if (messenger != VK_NULL_HANDLE) vkDestroyDebugUtilsMessengerEXT(instance, messenger, null);
        vkDestroyInstance(instance, null);
        if (callback != null) callback.free();
        List<String> left = takeValidationMessages();
        if (!left.isEmpty()) {
            throw new IllegalStateException(left.size() + " Vulkan validation message(s), first: " + left.getFirst());
        }
    }
}
