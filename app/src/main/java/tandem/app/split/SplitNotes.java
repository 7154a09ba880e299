package tandem.app.split;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.ModelInfo;

/**
 * Says in plain words what a split gave each device and what it costs, from the plan the engine
 * loaded (heads and layers per device) against the shares the user asked for.
 */
final class SplitNotes {
    /** A share off by less than this is "as asked". */
    private static final double TOLERANCE = 0.005;

    private SplitNotes() {}

    /**
     * @param labels the devices' names in the plan's order
     * @param asked  the share asked for each device (ignored without a split)
     */
    static List<String> forPlan(ModelInfo model, LoadPlan plan, List<String> labels, double[] asked) {
        List<String> notes = new ArrayList<>();
        List<DevicePlan> devices = plan.devices();
        switch (plan.mode()) {
            case NONE -> notes.add("Only " + label(labels, 0) + " runs the model, so nothing is exchanged between devices.");
            case TENSOR -> {
                notes.add("Every layer is cut across the devices; they add up their partial results twice per layer, "
                        + 2 * model.layers() + " times per token.");
                mostOff(devices, asked, model.heads(), DevicePlan::queryHeads).ifPresent(d -> notes.add(headsReason(model) + ", so "
                        + label(labels, d) + " gets " + got(devices.get(d).queryHeads(), model.heads(), asked[d], "attention heads")
                        + "; the rest of each layer follows the asked shares."));
            }
            case LAYER -> {
                notes.add("The devices take turns: each runs its own layers and hands the result on, so only one works at a time.");
                mostOff(devices, asked, model.layers(), DevicePlan::layers).ifPresent(d -> notes.add("This model has "
                        + model.layers() + " layers, so " + label(labels, d) + " runs "
                        + got(devices.get(d).layers(), model.layers(), asked[d], "layers") + "."));
            }
        }
        return notes;
    }

    /**
     * The device whose whole units (heads, layers) are furthest from its asked share, the later one
     * of a tie (with two devices, the second: its numbers read more naturally); empty when every
     * device got its share.
     */
    private static java.util.OptionalInt mostOff(List<DevicePlan> devices, double[] asked, int total,
                                                 java.util.function.ToIntFunction<DevicePlan> units) {
        int worst = -1;
        double off = TOLERANCE;
        for (int d = 0; d < devices.size() && d < asked.length; d++) {
            int got = units.applyAsInt(devices.get(d));
            double miss = Math.abs(got / (double) total - asked[d]);
            if (got > 0 && miss >= off - 1e-12) {
                worst = d;
                off = miss;
            }
        }
        return worst < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(worst);
    }

    /** "3 of 8 attention heads (38 %) instead of 40 %". */
    private static String got(int units, int total, double asked, String what) {
        return units + " of " + total + " " + what + " (" + percent(units / (double) total) + ") instead of " + percent(asked);
    }

    /** Why attention cannot follow any ratio: whole heads, and heads that share a KV head go together where they can. */
    private static String headsReason(ModelInfo model) {
        if (model.kvHeads() < model.heads()) {
            return "This model has " + model.kvHeads() + " KV heads, each shared by " + model.heads() / model.kvHeads()
                    + " attention heads";
        }
        return "This model has " + model.heads() + " attention heads, and a device gets whole ones";
    }

    /** One sentence on why the winner won, against the runner-up. */
    static String verdict(TrialResult winner, TrialResult runnerUp) {
        String mode = name(winner);
        if (runnerUp == null) return mode + " is the only mode that could be measured.";
        String speed = String.format(Locale.ROOT, "%.2f×", winner.tokensPerSecond() / Math.max(1e-9, runnerUp.tokensPerSecond()))
                + " the speed of " + name(runnerUp).toLowerCase(Locale.ROOT);
        String why = switch (winner.mode()) {
            case NONE -> "on these devices, exchanging results between devices costs more than splitting the work saves";
            case TENSOR -> "every device works on every token, and the exchange takes "
                    + percent(winner.interconnectFraction()) + " of a device's time";
            case LAYER -> "the devices take turns with one hand-off each instead of an exchange in every layer";
        };
        return mode + " is fastest, " + speed + ": " + why + ".";
    }

    static String name(TrialResult r) {
        return switch (r.mode()) {
            case NONE -> "One device (none)";
            case TENSOR -> "Tensor split";
            case LAYER -> "Layer split";
        };
    }

    private static String label(List<String> labels, int d) {
        return d < labels.size() ? labels.get(d) : "device " + d;
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f %%", fraction * 100);
    }
}
