package tandem.engine.vulkan;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs each test of a class with the int8 decode products on, the mixture experts' too
 * ({@code -Dtandem.decode.int8=true -Dtandem.moe.int8=true}),
 * and switches them off after it, so the next class sees the default: {@code @ExtendWith(WithInt8Decode.class)}.
 */
public final class WithInt8Decode implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        System.setProperty(Int8Decode.PROPERTY, "true");
        System.setProperty(Int8Decode.EXPERTS_PROPERTY, "true");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.clearProperty(Int8Decode.PROPERTY);
        System.clearProperty(Int8Decode.EXPERTS_PROPERTY);
    }
}
