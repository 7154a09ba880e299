package tandem.engine.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import tandem.engine.api.DevicePlan;
import tandem.engine.Engine;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadProgress;
import tandem.engine.api.LoadedModel;

/** Loads the model a command names, and tells stderr where it runs. */
final class ModelLoading {
    private ModelLoading() {}

    static LoadedModel load(CliArgs args, EngineOptions options, PrintStream err) {
        return load(args.model(), options, err);
    }

    static LoadedModel load(Path modelFile, EngineOptions options, PrintStream err) {
        LoadedModel model = Engine.load(modelFile, options, LoadProgress.NONE, () -> false);
        err.println("tandem: " + model.info().path().getFileName() + " on " + describe(model) + ", context "
                + model.plan().contextLength() + " tokens");
        // where the split could not honour the asked shares exactly (head groups, quant blocks)
        for (String note : model.plan().notes()) err.println("tandem: plan: " + note);
        return model;
    }

    /** "cpu" or "vulkan: 0 NVIDIA H100, 1 NVIDIA H100 (tensor)". */
    static String describe(LoadedModel model) {
        String backend = model.backend().name().toLowerCase(Locale.ROOT);
        if (model.plan().devices().size() == 1 && model.plan().devices().getFirst().physicalIndex() < 0) return backend;
        StringBuilder s = new StringBuilder(backend).append(':');
        for (DevicePlan d : model.plan().devices()) s.append(' ').append(d.physicalIndex()).append(' ').append(d.deviceName()).append(',');
        s.setLength(s.length() - 1);
        return s.append(" (").append(model.plan().mode().name().toLowerCase(Locale.ROOT)).append(')').toString();
    }
}
