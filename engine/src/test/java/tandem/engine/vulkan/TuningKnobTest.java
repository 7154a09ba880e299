package tandem.engine.vulkan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tandem.engine.api.TandemException;

class TuningKnobTest {
    private static final String KNOB = "tandem.test.knob";

    @AfterEach
    void unset() { System.clearProperty(KNOB); }

    @Test
    void anUnsetKnobGivesTheFallbackAndAValueInRangeIsUsed() {
        assertEquals(8, TuningKnob.get(KNOB, 8, 1, 32));
        assertFalse(TuningKnob.isSet(KNOB));
        System.setProperty(KNOB, " 12 ");
        assertTrue(TuningKnob.isSet(KNOB));
        assertEquals(12, TuningKnob.get(KNOB, 8, 1, 32));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "33", "-4", "eight", "8.5"})
    void aValueOutsideTheRangeIsOneLineNamingTheKnobAndTheRange(String value) {
        System.setProperty(KNOB, value);
        TandemException e = assertThrows(TandemException.class, () -> TuningKnob.get(KNOB, 8, 1, 32));
        assertEquals("-D" + KNOB + "=" + value + " is out of range: use a whole number from 1 to 32, or leave it unset",
                e.getMessage());
    }
}
