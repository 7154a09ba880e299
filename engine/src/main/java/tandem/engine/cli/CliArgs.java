package tandem.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tandem.engine.api.Backend;
import tandem.engine.api.CacheType;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.SamplingParams;
import tandem.engine.api.SplitMode;
import tandem.engine.api.TandemException;

/**
 * The options of one sub-command, parsed once: {@code --name value} pairs, flags and positional
 * arguments. Engine options ({@code --backend --devices --split --split-mode --ctx --cache-type}) and sampling
 * options ({@code --temperature --top-k --top-p --min-p --repeat-penalty --repeat-last-n
 * --presence-penalty --frequency-penalty --seed --tokens --stop}) are understood here, for every command that accepts them.
 */
public final class CliArgs {
    public static final Set<String> ENGINE_OPTIONS = Set.of("--backend", "--devices", "--split", "--split-mode", "--ctx",
            "--cache-type");
    public static final Set<String> SAMPLING_OPTIONS = Set.of("--temperature", "--top-k", "--top-p", "--min-p",
            "--repeat-penalty", "--repeat-last-n", "--presence-penalty", "--frequency-penalty", "--seed", "--tokens", "--stop");

    private final String command;
    private final Map<String, List<String>> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positional = new ArrayList<>();

    private CliArgs(String command) {
        this.command = command;
    }

    /**
     * @param valueOptions options that take a value (include ENGINE_OPTIONS / SAMPLING_OPTIONS as wanted)
     * @param flagOptions  options without a value
     */
    public static CliArgs parse(String command, String[] args, Set<String> valueOptions, Set<String> flagOptions) {
        CliArgs parsed = new CliArgs(command);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (valueOptions.contains(a)) {
                if (i + 1 >= args.length) throw new TandemException(a + " needs a value");
                parsed.values.computeIfAbsent(a, k -> new ArrayList<>()).add(args[++i]);
            } else if (flagOptions.contains(a)) {
                parsed.flags.add(a);
            } else if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
                throw new TandemException("unknown option " + a + " for '" + command + "'; run 'tandem help' for the list");
            } else {
                parsed.positional.add(a);
            }
        }
        return parsed;
    }

    /** Union of option sets, for {@link #parse}. */
    @SafeVarargs
    public static Set<String> options(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> s : sets) all.addAll(s);
        return all;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public boolean flag(String name) { return flags.contains(name); }

    public List<String> positional() { return List.copyOf(positional); }

    /** The last value given for the option. */
    public Optional<String> value(String name) {
        List<String> v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(v.getLast());
    }

    /** Every value given for a repeatable option, in order. */
    public List<String> all(String name) { return List.copyOf(values.getOrDefault(name, List.of())); }

    public String require(String name) {
        return value(name).orElseThrow(() -> new TandemException("missing " + name + " for '" + command + "'"));
    }

    public int intValue(String name, int dflt) {
        return value(name).map(v -> parseInt(name, v)).orElse(dflt);
    }

    public float floatValue(String name, float dflt) {
        return value(name).map(v -> {
            try {
                return Float.parseFloat(v);
            } catch (NumberFormatException e) {
                throw new TandemException(name + ": '" + v + "' is not a number");
            }
        }).orElse(dflt);
    }

    /** The model file given with --model (or as the only positional argument); it must exist. */
    public Path model() {
        String m = value("--model").orElseGet(() -> positional.size() == 1 ? positional.getFirst() : null);
        if (m == null) throw new TandemException("missing --model for '" + command + "'");
        Path p = Path.of(m);
        if (Files.isDirectory(p)) throw new TandemException(m + ": is a directory, not a model file");
        if (!Files.isRegularFile(p)) throw new TandemException(m + ": no such model file");
        return p;
    }

    public EngineOptions engineOptions() {
        Backend backend = value("--backend").map(v -> parseEnum(Backend.class, "--backend", v)).orElse(Backend.AUTO);
        SplitMode mode = value("--split-mode").map(v -> parseEnum(SplitMode.class, "--split-mode", v)).orElse(SplitMode.NONE);
        List<Integer> devices = value("--devices").map(v -> list(v, "--devices").stream().map(s -> parseInt("--devices", s)).toList())
                .orElse(List.of());
        List<Double> split = value("--split").map(v -> list(v, "--split").stream().map(s -> parseRatio(s)).toList())
                .orElse(List.of());
        int ctx = intValue("--ctx", 0);
        if (ctx < 0) throw new TandemException("--ctx must be >= 0, got " + ctx);
        CacheType cache = value("--cache-type").map(v -> parseEnum(CacheType.class, "--cache-type", v)).orElse(CacheType.F16);
        return new EngineOptions(backend, devices, split, mode, ctx, cache);
    }

    /**
     * Sampling settings from the options over the given defaults. Without --seed, a fresh seed
     * from the clock (what the user expects from a sampler); pass --seed for repeatable text.
     */
    public SamplingParams samplingParams(SamplingParams defaults) {
        try {
            return new SamplingParams(
                    floatValue("--temperature", defaults.temperature()),
                    intValue("--top-k", defaults.topK()),
                    floatValue("--top-p", defaults.topP()),
                    floatValue("--min-p", defaults.minP()),
                    floatValue("--repeat-penalty", defaults.repeatPenalty()),
                    intValue("--repeat-last-n", defaults.repeatLastN()),
                    value("--seed").map(v -> parseLong("--seed", v)).orElseGet(System::nanoTime),
                    intValue("--tokens", defaults.maxTokens()),
                    all("--stop").isEmpty() ? defaults.stopStrings() : all("--stop"),
                    floatValue("--presence-penalty", defaults.presencePenalty()),
                    floatValue("--frequency-penalty", defaults.frequencyPenalty()));
        } catch (IllegalArgumentException e) {
            throw new TandemException(e.getMessage());
        }
    }

    private static List<String> list(String v, String name) {
        List<String> parts = List.of(v.split(","));
        if (parts.stream().anyMatch(String::isBlank)) throw new TandemException(name + ": '" + v + "' has an empty entry");
        return parts.stream().map(String::trim).toList();
    }

    private static double parseRatio(String s) {
        try {
            double d = Double.parseDouble(s);
            if (!(d > 0) || Double.isInfinite(d)) throw new TandemException("--split: every ratio must be > 0, got " + s);
            return d;
        } catch (NumberFormatException e) {
            throw new TandemException("--split: '" + s + "' is not a number");
        }
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw wholeNumberError(name, v);
        }
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw wholeNumberError(name, v);
        }
    }

    /** Digits that overflow are a whole number, just too large: say so rather than call them not a number. */
    private static TandemException wholeNumberError(String name, String v) {
        if (v.matches("[+-]?\\d+")) return new TandemException(name + ": " + v + " is out of range");
        return new TandemException(name + ": '" + v + "' is not a whole number");
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String name, String v) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> allowed = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
            throw new TandemException(name + ": '" + v + "' is not one of " + String.join(", ", allowed));
        }
    }
}
