package tandem.app.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.engine.api.SamplingParams;

class SamplingSettingsTest {
    @Test
    void seedZeroDrawsAFreshSeedForEachAnswerAndOtherSeedsStay() {
        SamplingSettings s = new SamplingSettings(SamplingParams.defaults());
        assertEquals(0, s.toParams().seed());
        assertEquals(42, s.forAnswer(() -> 42).seed());
        s.seedProperty().set(7L);
        assertEquals(7, s.forAnswer(() -> 42).seed());
    }

    /** One rule: each refusal is the engine's own, the message the command line gives for the same value. */
    @Test
    void valuesOutOfRangeAreRefusedWithTheEnginesReason() {
        SamplingSettings s = new SamplingSettings(SamplingParams.defaults());
        assertEquals("temperature must be >= 0, got -1.0", s.problemWith(s.temperatureProperty(), -1.0));
        assertEquals("top-p must be in (0, 1], got 0.0", s.problemWith(s.topPProperty(), 0.0));
        assertEquals("min-p must be in [0, 1), got 1.0", s.problemWith(s.minPProperty(), 1.0));
        assertEquals("repeat-last-n must be >= -1, got -5", s.problemWith(s.repeatLastNProperty(), -5));
        assertEquals("max tokens must be >= 0, got -1", s.problemWith(s.maxTokensProperty(), -1));
        assertEquals(null, s.problemWith(s.topPProperty(), 1.0));
        assertEquals(null, s.problemWith(s.presencePenaltyProperty(), 9.0), "the engine has no bound here, so neither has the app");
        for (String[] cli : List.of(new String[] {"--temperature", "-1"}, new String[] {"--top-p", "0"}, new String[] {"--min-p", "1"})) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(tandem.engine.api.TandemException.class,
                    () -> tandem.engine.cli.CliArgs.parse("run", cli, tandem.engine.cli.CliArgs.SAMPLING_OPTIONS, java.util.Set.of())
                            .samplingParams(SamplingParams.defaults()));
            assertEquals(e.getMessage(), switch (cli[0]) {
                case "--temperature" -> s.problemWith(s.temperatureProperty(), -1.0);
                case "--top-p" -> s.problemWith(s.topPProperty(), 0.0);
                default -> s.problemWith(s.minPProperty(), 1.0);
            }, "the same words as " + cli[0]);
        }
        assertEquals(0.8f, s.toParams().temperature(), "a refused value is not taken");
    }

    @Test
    void stopStringsAreTakenAsTheEngineGetsThem() {
        SamplingSettings s = new SamplingSettings(SamplingParams.defaults());
        s.stopStringsProperty().set(StopStrings.parse("User:, \\n\\n, a\\,b, \\sEnd"));
        assertEquals(List.of("User:", "\n\n", "a,b", " End"), s.toParams().stopStrings());
        assertEquals("User:, \\n\\n, a\\,b, \\sEnd", StopStrings.format(s.toParams().stopStrings()));
        assertEquals(List.of(), StopStrings.parse(" , "));
    }

    @Test
    void floatsShowAsTheirShortDecimals() {
        SamplingSettings s = new SamplingSettings(SamplingParams.defaults());
        assertEquals(0.95, s.topPProperty().get());
        assertEquals(0.8, s.temperatureProperty().get());
    }
}
