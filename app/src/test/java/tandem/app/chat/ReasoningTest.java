package tandem.app.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class ReasoningTest {
    @Test
    void qwen3ThinkingIsSplitFromTheAnswer() {
        assertEquals(new Reasoning("The user greets me.", "Hello!", false),
                Reasoning.of("<think>\nThe user greets me.\n</think>\n\nHello!"));
    }

    @Test
    void whileStreamingTheThinkingIsOpenAndTheAnswerEmpty() {
        assertEquals(new Reasoning("The user", "", true), Reasoning.of("<think>\nThe user"));
    }

    @Test
    void r1DistillsStartInsideTheThinkingBecauseTheTemplateOpenedIt() {
        assertEquals(new Reasoning("Let me count.", "Three.", false), Reasoning.of("Let me count.\n</think>\n\nThree."));
    }

    @Test
    void anAnswerWithoutReasoningIsLeftAsItIs() {
        Reasoning plain = Reasoning.of("  Once upon a time <think> is just a word here");
        assertEquals("  Once upon a time <think> is just a word here", plain.answer());
        assertFalse(plain.hasThinking());
    }

    @Test
    void anEmptyThinkingBlockIsNoThinking() {
        assertFalse(Reasoning.of("<think>\n\n</think>\n\nHi").hasThinking());
        assertEquals("Hi", Reasoning.of("<think>\n\n</think>\n\nHi").answer());
    }
}
