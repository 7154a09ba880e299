package tandem.engine.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import tandem.engine.Engine;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.RunningServer;
import tandem.engine.api.ServerOptions;
import tandem.engine.api.TandemException;
import tandem.engine.server.HttpApi;

/**
 * {@code tandem serve --model M [engine options] [--host H] [--port P] [--api-key K] [--parallel N]}:
 * the OpenAI-compatible API over the model until the process is stopped (Ctrl+C), which stops
 * listening, ends running generations and frees the model.
 */
final class ServeCommand {
    private ServeCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        CliArgs args = CliArgs.parse("serve", argv, CliArgs.options(CliArgs.ENGINE_OPTIONS,
                Set.of("--model", "--host", "--port", "--api-key", "--parallel", "--alias")), Set.of());
        EngineOptions engine = args.engineOptions();
        Path modelFile = args.model();
        ServerOptions options = serverOptions(args, modelFile);
        if (options.parallel() > 1) refuseSlotsThatDoNotFit(Engine.plan(modelFile, engine), options.parallel());
        LoadedModel model = ModelLoading.load(modelFile, engine, err);
        RunningServer server;
        try {
            server = HttpApi.serve(model, options, err, request -> { });
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            model.close();
            stopped.countDown();
        }, "tandem-serve-shutdown"));
        err.println("tandem: serving " + options.modelId() + " at " + server.baseUrl()
                + (options.apiKey().isPresent() ? " (API key required)" : "") + "; Ctrl+C stops");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * {@code --parallel N} holds N sessions, each with a KV cache of the whole context and its own
     * activations: refused in one line before anything is loaded when a device cannot hold them all.
     */
    static void refuseSlotsThatDoNotFit(LoadPlan plan, int parallel) {
        for (DevicePlan one : plan.devices()) {
            DevicePlan all = one.withSequences(parallel);
            if (all.fits()) continue;
            throw new TandemException("--parallel " + parallel + ": " + parallel + " slots, each with a KV cache of "
                    + plan.contextLength() + " tokens (" + ByteSizes.human(one.kvCacheBytes()) + ") and its activations ("
                    + ByteSizes.human(one.scratchBytes()) + "), need " + ByteSizes.human(all.totalBytes()) + " on "
                    + one.deviceName() + " with the weights, which has " + ByteSizes.human(all.freeBytes())
                    + " free; serve with a smaller --parallel or --ctx");
        }
    }

    private static ServerOptions serverOptions(CliArgs args, Path modelFile) {
        String id = args.value("--alias").orElse(ServerOptions.modelIdFor(modelFile));
        int port = args.intValue("--port", ServerOptions.DEFAULT_PORT);
        int parallel = args.intValue("--parallel", 1);
        return new ServerOptions(args.value("--host").orElse(ServerOptions.DEFAULT_HOST), port,
                Optional.ofNullable(args.value("--api-key").orElse(System.getenv("TANDEM_API_KEY"))), parallel,
                ServerOptions.DEFAULT_MAX_BODY_BYTES, id);
    }
}
