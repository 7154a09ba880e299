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

    @Test
    void valuesOutOfRangeAreClampedInsteadOfFailingTheAnswer() {
        SamplingSettings s = new SamplingSettings(SamplingParams.defaults());
        s.temperatureProperty().set(-1.0);
        s.topPProperty().set(0.0);
        s.minPProperty().set(1.0);
        s.maxTokensProperty().set(0);
        s.topKProperty().set(null);
        s.repeatLastNProperty().set(-5);
        s.presencePenaltyProperty().set(9.0);
        SamplingParams p = s.toParams();
        assertEquals(List.of(0f, 0.001f, 0.999f, 1, 40, -1, 2f),
                List.of(p.temperature(), p.topP(), p.minP(), p.maxTokens(), p.topK(), p.repeatLastN(), p.presencePenalty()));
    }

    @Test
    void floatsShowAsTheirShortDecimals() {
        SamplingSettings s = new SamplingSettings(SamplingParams.defaults());
        assertEquals(0.95, s.topPProperty().get());
        assertEquals(0.8, s.temperatureProperty().get());
    }
}
