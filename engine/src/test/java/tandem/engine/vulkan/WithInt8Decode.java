package tandem.engine.vulkan;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs each test of a class with the opt-in int8 decode products on ({@code -Dtandem.decode.int8=true})
 * and switches them off after it, so the next class sees the default: {@code @ExtendWith(WithInt8Decode.class)}.
 */
public final class WithInt8Decode implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        System.setProperty(Int8Decode.PROPERTY, "true");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.clearProperty(Int8Decode.PROPERTY);
    }
}
