package tandem.engine.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

import tandem.engine.api.DevicePlan;
import tandem.engine.Engine;
import tandem.engine.api.LoadPlan;

/**
 * {@code tandem plan --model M [engine options]}: what each device would hold (weights, KV cache,
 * scratch) and whether it fits, without loading anything; the rounding notes follow the table.
 * Exits 1 when some device lacks the memory.
 */
final class PlanCommand {
    private PlanCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("plan", argv, CliArgs.options(CliArgs.ENGINE_OPTIONS, Set.of("--model")), Set.of());
        LoadPlan plan = Engine.plan(args.model(), args.engineOptions());
        out.printf(Locale.ROOT, "split %s, context %d tokens, KV cache %s%n", plan.mode().name().toLowerCase(Locale.ROOT),
                plan.contextLength(), plan.cacheType().optionName());
        out.println("| device | name | share | weights | KV cache | scratch | total | free | fits |");
        out.println("|---:|---|---:|---:|---:|---:|---:|---:|---|");
        for (DevicePlan d : plan.devices()) {
            out.printf(Locale.ROOT, "| %s | %s | %.1f %% | %s | %s | %s | %s | %s | %s |%n",
                    d.physicalIndex() < 0 ? "cpu" : Integer.toString(d.physicalIndex()), d.deviceName(), 100 * d.share(),
                    ByteSizes.human(d.weightBytes()), ByteSizes.human(d.kvCacheBytes()), ByteSizes.human(d.scratchBytes()),
                    ByteSizes.human(d.totalBytes()),
                    d.freeBytes() == Long.MAX_VALUE ? "unknown" : ByteSizes.human(d.freeBytes()), d.fits() ? "yes" : "no");
        }
        for (String note : plan.notes()) out.println("note: " + note);
        return plan.fits() ? 0 : 1;
    }
}
