package tandem.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringFilterTest {
    @Test
    void holdsBackAPossibleStartAndDropsTheStopStringSplitOverPieces() {
        StopStringFilter f = new StopStringFilter(List.of("</s>"));
        assertEquals("Hello", f.accept("Hello<"));
        assertEquals("", f.accept("/"));
        assertEquals("", f.accept("s>tail"));
        assertTrue(f.stopped());
        assertEquals("Hello", f.text());
    }

    @Test
    void releasesHeldTextWhenItTurnsOutNotToBeAStop() {
        StopStringFilter f = new StopStringFilter(List.of("User:"));
        assertEquals("a ", f.accept("a Us"));
        assertEquals("Usage", f.accept("age"));
        assertFalse(f.stopped());
        assertEquals("", f.accept(""));
        assertEquals("a Usage", f.text());
    }

    @Test
    void flushReleasesAPendingPrefixAtTheEnd() {
        StopStringFilter f = new StopStringFilter(List.of("###"));
        assertEquals("x", f.accept("x##"));
        assertEquals("##", f.flush());
        assertEquals("x##", f.text());
    }

    @Test
    void earliestOfSeveralStopStringsWins() {
        StopStringFilter f = new StopStringFilter(List.of("C", "B"));
        assertEquals("A", f.accept("ABC"));
        assertEquals("A", f.text());
    }

    @Test
    void withoutStopStringsEverythingPassesAtOnce() {
        StopStringFilter f = new StopStringFilter(List.of());
        assertEquals("abc", f.accept("abc"));
        assertEquals("", f.flush());
    }
}
