package tandem.engine.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import tandem.engine.api.TandemException;

/**
 * The share of work each device asked for (e.g. 3:1), and how a dimension is cut by it.
 * A dimension is cut at multiples of a unit (head groups, quant blocks) by rounding the ideal
 * cumulative boundaries, so rounding errors never pile up on the last device.
 */
public record Ratios(List<Double> weights) {
    public Ratios {
        weights = List.copyOf(weights);
        if (weights.isEmpty()) throw new IllegalArgumentException("at least one device");
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new TandemException("split ratio " + format(weights) + " has a share that is not a positive number; "
                        + "give one positive number per device, e.g. --split 3,1");
            }
        }
    }

    /** The ratio the user gave for {@code devices} devices; empty means an even split. */
    public static Ratios of(List<Double> split, int devices) {
        if (split.isEmpty()) return new Ratios(java.util.Collections.nCopies(devices, 1.0));
        if (split.size() != devices) {
            throw new TandemException("--split has " + split.size() + " shares (" + format(split) + ") but "
                    + devices + " devices were chosen; give one share per device");
        }
        return new Ratios(split);
    }

    public int devices() { return weights.size(); }

    private double sum() { return weights.stream().mapToDouble(Double::doubleValue).sum(); }

    /**
     * Cuts {@code total} items into one consecutive range per device, each boundary (but the end)
     * a multiple of {@code unit}.
     */
    public List<SliceRange> cut(int total, int unit) {
        double sum = sum();
        double cumulative = 0;
        int previous = 0;
        List<SliceRange> ranges = new ArrayList<>(devices());
        for (int d = 0; d < devices(); d++) {
            cumulative += weights.get(d);
            int boundary = d == devices() - 1 ? total
                    : (int) Math.min(total, Math.round(total * (cumulative / sum) / unit) * unit);
            boundary = Math.max(boundary, previous);
            ranges.add(new SliceRange(previous, boundary));
            previous = boundary;
        }
        return ranges;
    }

    /**
     * Cuts {@code total} items into one non-empty consecutive range per device where only some cuts
     * are possible: every boundary (but the end) one {@code boundary} accepts, every range [start,
     * end) one {@code range} accepts. Of those cuts, the one whose boundaries lie nearest the asked
     * cumulative shares (least sum of squared distances), as {@link #cut} rounds them; empty when
     * there is none. Dynamic programming over the possible boundaries, devices x boundaries^2 steps.
     */
    public Optional<List<SliceRange>> cutNearest(int total, IntPredicate boundary, BiPredicate<Integer, Integer> range) {
        int n = devices();
        int[] points = IntStream.rangeClosed(0, total).filter(b -> b == 0 || b == total || boundary.test(b)).toArray();
        double sum = sum();
        // cost[d][i]: the least cost of cutting [0, points[i]) for devices 0..d-1; from[d][i] where device d-1 began
        double[][] cost = new double[n + 1][points.length];
        int[][] from = new int[n + 1][points.length];
        for (double[] row : cost) java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        cost[0][0] = 0;
        double cumulative = 0;
        for (int d = 1; d <= n; d++) {
            cumulative += weights.get(d - 1);
            double ideal = total * (cumulative / sum);
            for (int i = 1; i < points.length; i++) {
                if (d == n && points[i] != total) continue;
                double distance = points[i] - ideal;
                for (int j = 0; j < i; j++) {
                    if (cost[d - 1][j] == Double.POSITIVE_INFINITY || !range.test(points[j], points[i])) continue;
                    double c = cost[d - 1][j] + distance * distance;
                    if (c < cost[d][i] - 1e-9) {
                        cost[d][i] = c;
                        from[d][i] = j;
                    }
                }
            }
        }
        int last = points.length - 1;
        if (cost[n][last] == Double.POSITIVE_INFINITY) return Optional.empty();
        SliceRange[] ranges = new SliceRange[n];
        for (int d = n, i = last; d > 0; i = from[d][i], d--) ranges[d - 1] = new SliceRange(points[from[d][i]], points[i]);
        return Optional.of(List.of(ranges));
    }

    /** True when the sizes are exactly proportional to the asked shares. */
    public boolean honouredBy(List<SliceRange> ranges) {
        double sum = sum();
        long total = ranges.stream().mapToLong(SliceRange::size).sum();
        return IntStream.range(0, devices()).allMatch(d ->
                Math.abs(ranges.get(d).size() / (double) total - weights.get(d) / sum) < 1e-9);
    }

    /** A note for the plan when rounding moved the cut away from the asked shares, else empty. */
    public Optional<String> noteIfNotHonoured(String what, List<SliceRange> ranges, String why) {
        if (honouredBy(ranges)) return Optional.empty();
        String got = ranges.stream().map(r -> Integer.toString(r.size())).collect(Collectors.joining(":"));
        return Optional.of(what + ": asked " + this + ", got " + got + (why.isEmpty() ? "" : " (" + why + ")"));
    }

    @Override
    public String toString() { return format(weights); }

    private static String format(List<Double> shares) {
        return shares.stream().map(Ratios::formatShare).collect(Collectors.joining(":"));
    }

    private static String formatShare(double share) {
        return share == Math.rint(share) && Math.abs(share) < 1e15 ? Long.toString((long) share) : Double.toString(share);
    }
}
