package tandem.engine.vulkan;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's Vulkan instances without the validation layer, then restores the setting.
 * For multi-device runs: the installed layer (1.3.239) mis-tracks timeline semaphores that the
 * host relay signals while other devices wait on them, reports VUID-VkSemaphoreSignalInfo-value-03259
 * and stalls ("most likely a validation bug"); see VulkanAllReduceTest. Use with
 * {@code @ExtendWith(WithoutValidationLayer.class)}.
 */
public final class WithoutValidationLayer implements BeforeAllCallback, AfterAllCallback {
    private static final String PROPERTY = "tandem.validation";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WithoutValidationLayer.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        // a holder, since the store does not keep null values
        context.getStore(NAMESPACE).put(PROPERTY, new String[] {System.getProperty(PROPERTY)});
        System.setProperty(PROPERTY, "false");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String before = context.getStore(NAMESPACE).get(PROPERTY, String[].class)[0];
        if (before == null) System.clearProperty(PROPERTY);
        else System.setProperty(PROPERTY, before);
    }
}
