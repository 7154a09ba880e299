package tandem.app.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SplitSharesTest {
    private static final double EPS = 1e-9;

    static Stream<Arguments> drags() {
        return Stream.of(
                Arguments.of("middle of two", new double[] {0.5, 0.5}, 0, 0.7, new double[] {0.7, 0.3}),
                Arguments.of("clamped at the right end", new double[] {0.5, 0.5}, 0, 1.5, new double[] {0.98, 0.02}),
                Arguments.of("clamped at the left end", new double[] {0.5, 0.5}, 0, -3, new double[] {0.02, 0.98}),
                Arguments.of("second of three moves only its neighbours", new double[] {0.2, 0.3, 0.5}, 1, 0.9, new double[] {0.2, 0.7, 0.1}),
                Arguments.of("cannot pass the previous divider", new double[] {0.25, 0.25, 0.25, 0.25}, 2, 0.1, new double[] {0.25, 0.25, 0.02, 0.48}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drags")
    void dragMovesTheTwoNeighbouringShares(String name, double[] shares, int divider, double position, double[] expected) {
        assertArrayEquals(expected, SplitShares.dragDivider(shares, divider, position), EPS);
    }

    @Test
    void weightsNormaliseToShares() {
        assertArrayEquals(new double[] {0.75, 0.25}, SplitShares.normalize(new double[] {3, 1}), EPS);
        assertArrayEquals(new double[] {0.5, 0.5}, SplitShares.normalize(new double[] {0, 0}), EPS);
    }

    @Test
    void proportionalToSizesWithUnknownsCountingAsNothing() {
        long gib = 1L << 30;
        assertArrayEquals(new double[] {0.75, 0.25}, SplitShares.proportional(new long[] {24 * gib, 8 * gib}), EPS);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, SplitShares.proportional(new long[] {0, 0, 0}), EPS);
    }

    @Test
    void dividerPositionsAreCumulativeShares() {
        assertArrayEquals(new double[] {0.2, 0.5}, SplitShares.dividerPositions(new double[] {0.2, 0.3, 0.5}), EPS);
    }

    @Test
    void percentagesRoundToATenth() {
        assertArrayEquals(new double[] {33.3, 66.7}, SplitShares.asPercentages(new double[] {1.0 / 3, 2.0 / 3}), EPS);
    }

    @Test
    void balanceGivesEachDeviceWorkInProportionToItsMeasuredSpeed() {
        // Half the work each, but device 0 took three times as long: it is a third as fast.
        assertArrayEquals(new double[] {0.25, 0.75}, SplitShares.balance(new double[] {0.5, 0.5}, new double[] {300, 100}), EPS);
        // 60:40 and equal times means the first is 1.5x as fast: the split is already balanced.
        assertArrayEquals(new double[] {0.6, 0.4}, SplitShares.balance(new double[] {0.6, 0.4}, new double[] {200, 200}), EPS);
        // A missing measurement leaves the split alone.
        assertArrayEquals(new double[] {0.6, 0.4}, SplitShares.balance(new double[] {0.6, 0.4}, new double[] {200, 0}), EPS);
    }
}
