package tandem.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tandem.engine.Engine;
import tandem.engine.api.Backend;
import tandem.engine.api.DeviceInfo;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.ModelInfo;
import tandem.engine.api.Session;
import tandem.engine.api.StepCounts;
import tandem.engine.api.TandemException;

/**
 * {@code tandem bench --model M [-p 512[,2048]] [-n 128] [-r 3] [-d 0,4096] [--parallel 1,4,8] [--json] [engine options]}:
 * llama-bench's two tests — prompt processing (pp: p tokens in one evaluation, for each p given) and
 * text generation (tg: n tokens one at a time) — each run once to warm up, then r times; tokens/s as mean ± sd.
 * With {@code -d}, as llama-bench's depth, each test runs once per depth N after N tokens were put
 * in the cache (untimed; the test column reads "tg128 @ d4096"). Per-device busy
 * % and all-reduce µs per token come from the model's own metrics, so every backend reports them
 * the same way. With {@code --parallel N,...} the text generation test runs N sequences at once
 * (N sessions on N threads, each generating n tokens; their decode steps are shared) and reports
 * their aggregate tokens/s ("tg128 x4").
 */
final class BenchCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchCommand() {}

    /** One test's outcome. busy and allReduceMicros are per device, averaged over the repeats. */
    record BenchResult(String test, int promptTokens, int generatedTokens, int depth, List<Double> samples,
                       double[] busy, double[] allReduceMicros) {
        double mean() { return samples.stream().mapToDouble(Double::doubleValue).average().orElse(0); }

        double sd() {
            if (samples.size() < 2) return 0;
            double m = mean();
            return Math.sqrt(samples.stream().mapToDouble(s -> (s - m) * (s - m)).sum() / (samples.size() - 1));
        }
    }

    @FunctionalInterface
    private interface Workload {
        void run(Session session);
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("bench", argv,
                CliArgs.options(CliArgs.ENGINE_OPTIONS, Set.of("--model", "-p", "-n", "-r", "-d", "--parallel")),
                Set.of("--json", "--profile"));
        List<Integer> prompts = counts("-p", args.value("-p").orElse("512"));
        int prompt = prompts.stream().mapToInt(Integer::intValue).max().orElse(0);
        int generate = args.intValue("-n", 128);
        int repeats = args.intValue("-r", 3);
        if (generate < 0 || repeats < 1) throw new TandemException("-n must be >= 0 and -r >= 1");
        List<Integer> depths = counts("-d", args.value("-d").orElse("0"));
        List<Integer> streams = args.value("--parallel").map(v -> counts("--parallel", v)).orElse(List.of());
        if (streams.contains(0)) throw new TandemException("--parallel: give stream counts of at least 1, like --parallel 1,4,8");
        int deepest = depths.stream().mapToInt(Integer::intValue).max().orElse(0);
        EngineOptions options = args.engineOptions();
        int needed = deepest + Math.max(prompt, generate);
        if (options.contextLength() == 0) options = options.withContextLength(Math.max(1, needed));
        else if (options.contextLength() < needed) {
            throw new TandemException("--ctx " + options.contextLength() + " is too small for depth " + deepest + " plus the test's "
                    + Math.max(prompt, generate) + " tokens; raise --ctx to at least " + needed + " or leave it out");
        }
        // Per-kernel GPU timestamps: read by the Vulkan backend when the model loads.
        // -Dtandem.profile=false keeps the kernels' timestamps off (a mark per layer only) while --profile still prints
        // the host's phases, which the timestamps would otherwise slow down
        if (args.flag("--profile") && System.getProperty("tandem.profile") == null) System.setProperty("tandem.profile", "true");
        try (LoadedModel model = ModelLoading.load(args, options, err)) {
            if (prompt > 0) printPromptKernels(model, err);
            int vocab = model.info().vocabSize();
            List<BenchResult> results = new ArrayList<>();
            for (int depth : depths) {
                int[] context = randomTokens(vocab, depth, 3);
                for (int p : prompts) {
                    if (p > 0) {
                        results.add(measure(model, "pp" + p, p, 0, context, repeats, err, s -> s.evaluate(randomTokens(vocab, p, 1))));
                    }
                }
                for (int n : generate > 0 ? streams : List.<Integer>of()) {
                    results.add(measureStreams(model, generate, n, context, repeats, err));
                }
                if (generate > 0 && streams.isEmpty()) {
                    int[] tokens = randomTokens(vocab, generate, 2);
                    // each token its own decode step, its logits copied out as a generation's are (into one array, as
                    // llama.cpp's output buffer), without sampling
                    results.add(measure(model, "tg" + generate, 0, generate, context, repeats, err, s -> s.evaluateEach(tokens)));
                }
            }
            if (args.flag("--json")) {
                for (BenchResult r : results) out.println(jsonLine(model, r));
            } else {
                printTable(model, results, out);
            }
            if (args.flag("--profile")) {
                KernelTable.print(model.kernelTimes(), out);
                KernelTable.printHost(model.hostTimes(), out);
            }
        }
        return 0;
    }

    /** One stderr line naming the kernels prompts run on each GPU, so the numbers name their path. */
    private static void printPromptKernels(LoadedModel model, PrintStream err) {
        if (model.backend() == Backend.VULKAN) err.println("tandem: " + Engine.describePromptKernels(model));
    }

    /**
     * Runs the workload once to warm up and then {@code repeats} times, each time after the
     * {@code context} tokens (the depth, evaluated once, untimed) and nothing else in the cache.
     */
    private static BenchResult measure(LoadedModel model, String name, int promptTokens, int generatedTokens, int[] context,
                                       int repeats, PrintStream err, Workload workload) {
        int tokens = promptTokens + generatedTokens;
        String test = name + (context.length > 0 ? " @ d" + context.length : "");
        try (Session session = model.newSession()) {
            if (context.length > 0) session.evaluate(context);
            workload.run(session); // warm-up: JIT, caches, first-use allocations
            return repeat(model, test, promptTokens, generatedTokens, context.length, tokens, repeats, err, "", () -> {
                session.truncate(context.length);
                workload.run(session);
            });
        }
    }

    /**
     * Times {@code run} {@code repeats} times (each after the caller's warm-up), {@code tokens} tokens
     * each time, with the devices' busy share and all-reduce time per token averaged over the runs.
     */
    private static BenchResult repeat(LoadedModel model, String test, int promptTokens, int generatedTokens, int depth, int tokens,
                                      int repeats, PrintStream err, String rateNote, Runnable run) {
        List<Double> samples = new ArrayList<>();
        double[] busy = null;
        double[] allReduce = null;
        for (int i = 0; i < repeats; i++) {
            model.metrics(); // starts a fresh metrics window
            StepCounts before = model.stepCounts();
            long t0 = System.nanoTime();
            run.run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            StepCounts steps = model.stepCounts().since(before);
            var devices = model.metrics().devices();
            if (busy == null) {
                busy = new double[devices.size()];
                allReduce = new double[devices.size()];
            }
            for (int d = 0; d < devices.size(); d++) {
                busy[d] += devices.get(d).busyFraction() / repeats;
                allReduce[d] += devices.get(d).allReduceMicrosPerToken() / repeats;
            }
            samples.add(tokens / seconds);
            // with several streams, whether they really shared their steps (a step of fewer sequences is a step more)
            String shared = rateNote.isEmpty() ? ""
                    : String.format(Locale.ROOT, " (%d steps, %.2f sequences a step)", steps.steps(), steps.sequencesPerStep());
            err.printf(Locale.ROOT, "tandem: %s run %d/%d: %.2f tok/s%s%s%n", test, i + 1, repeats, tokens / seconds, rateNote, shared);
        }
        return new BenchResult(test, promptTokens, generatedTokens, depth, samples, busy, allReduce);
    }

    /**
     * {@code streams} sessions, each on its own thread, evaluate {@code generate} tokens one at a
     * time together (after the depth's tokens, untimed), once to warm up and then {@code repeats}
     * times: the aggregate tokens/s of all streams.
     */
    private static BenchResult measureStreams(LoadedModel model, int generate, int streams, int[] context, int repeats,
                                              PrintStream err) {
        String test = "tg" + generate + " x" + streams + (context.length > 0 ? " @ d" + context.length : "");
        int vocab = model.info().vocabSize();
        List<Session> sessions = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(streams);
        try {
            for (int i = 0; i < streams; i++) {
                sessions.add(model.newSession());
                if (context.length > 0) sessions.getLast().evaluate(context);
            }
            Runnable round = () -> runTogether(threads, sessions, context.length, generate, vocab);
            round.run(); // warm-up: JIT, caches, the shared step's recording
            return repeat(model, test, 0, generate, context.length, streams * generate, repeats, err, " in all", round);
        } finally {
            threads.shutdownNow();
            sessions.forEach(Session::close);
        }
    }

    /** Every session back to the depth, then all generating their tokens at once; returns when all are done. */
    private static void runTogether(ExecutorService threads, List<Session> sessions, int depth, int generate, int vocab) {
        CyclicBarrier start = new CyclicBarrier(sessions.size());
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            int[] tokens = randomTokens(vocab, generate, 2 + i);
            running.add(threads.submit(() -> {
                s.truncate(depth);
                start.await();
                s.evaluateEach(tokens);
                return null;
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TandemException("bench interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new TandemException("a bench stream failed: " + e.getCause());
            }
        }
    }

    /** "512,2048" (-p: prompt lengths) or "0,4096,16384" (-d: depths): whole numbers >= 0, as llama-bench takes them. */
    static List<Integer> counts(String option, String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            int n;
            try {
                n = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new TandemException(option + ": '" + part.strip() + "' is not a whole number; give counts like " + option + " 0,4096");
            }
            if (n < 0) throw new TandemException(option + ": " + n + " is negative; give counts like " + option + " 0,4096");
            out.add(n);
        }
        return out;
    }

    private static int[] randomTokens(int vocab, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) tokens[i] = random.nextInt(vocab);
        return tokens;
    }

    private static void printTable(LoadedModel model, List<BenchResult> results, PrintStream out) {
        boolean allReduce = results.stream().anyMatch(r -> maxOf(r.allReduceMicros()) > 0);
        out.println("| model | size | params | backend | devices | split | test | t/s | busy %" + (allReduce ? " | all-reduce µs/token |" : " |"));
        out.println("| --- | ---: | ---: | --- | --- | --- | --- | ---: | ---:" + (allReduce ? " | ---: |" : " |"));
        ModelInfo info = model.info();
        for (BenchResult r : results) {
            StringBuilder row = new StringBuilder();
            row.append("| ").append(modelName(info))
                    .append(" | ").append(ByteSizes.human(info.fileBytes()))
                    .append(" | ").append(ByteSizes.count(info.parameterCount()))
                    .append(" | ").append(model.backend().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(devices(model))
                    .append(" | ").append(model.plan().mode().name().toLowerCase(Locale.ROOT))
                    .append(" | ").append(r.test())
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f ± %.2f", r.mean(), r.sd()))
                    .append(" | ").append(perDevice(r.busy(), 100, "%.0f"));
            if (allReduce) row.append(" | ").append(perDevice(r.allReduceMicros(), 1, "%.1f"));
            out.println(row.append(" |"));
        }
    }

    private static String jsonLine(LoadedModel model, BenchResult r) {
        ModelInfo info = model.info();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", modelName(info));
        json.put("size_bytes", info.fileBytes());
        json.put("params", info.parameterCount());
        json.put("backend", model.backend().name().toLowerCase(Locale.ROOT));
        json.put("devices", devices(model));
        json.put("split_mode", model.plan().mode().name().toLowerCase(Locale.ROOT));
        json.put("test", r.test());
        json.put("n_prompt", r.promptTokens());
        json.put("n_gen", r.generatedTokens());
        json.put("n_depth", r.depth());
        json.put("avg_ts", r.mean());
        json.put("stddev_ts", r.sd());
        json.put("samples_ts", r.samples());
        json.put("busy", r.busy());
        json.put("allreduce_us_per_token", r.allReduceMicros());
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bench result could not be written as JSON", e);
        }
    }

    private static String modelName(ModelInfo info) {
        return info.name().isBlank() ? info.path().getFileName().toString() : info.name();
    }

    private static String devices(LoadedModel model) {
        return String.join(",", model.plan().devices().stream()
                .map(d -> d.physicalIndex() < 0 ? d.deviceName() : Integer.toString(d.physicalIndex())).toList());
    }

    private static String perDevice(double[] values, double scale, String format) {
        List<String> parts = new ArrayList<>();
        for (double v : values) parts.add(String.format(Locale.ROOT, format, v * scale));
        return String.join("/", parts);
    }

    private static double maxOf(double[] values) {
        double max = 0;
        for (double v : values) max = Math.max(max, v);
        return max;
    }
}
