package tandem.app.split;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import tandem.app.concurrent.AppExecutors;
import tandem.app.concurrent.LatestOnlyRunner;
import tandem.app.devices.DeviceEntry;
import tandem.app.devices.DevicesViewModel;
import tandem.app.engine.EngineService;
import tandem.app.engine.UserMessages;
import tandem.app.settings.SettingsService;
import tandem.app.ui.Sizes;
import tandem.engine.api.Backend;
import tandem.engine.api.DevicePlan;
import tandem.engine.api.EngineOptions;
import tandem.engine.api.LoadPlan;
import tandem.engine.api.SplitMode;

/**
 * The split configurator's state: how the chosen model's work is divided among the included
 * devices, and whether the engine's plan for that division fits each device's free memory.
 * Every change (drag, typed ratio, preset, mode, context length, device choice) re-plans in the
 * background and is saved for the current model; opening a model restores its saved split.
 */
public final class SplitViewModel {
    /** The CPU engine's pseudo device index, also used as its colour key. */
    public static final int CPU_INDEX = -1;

    private final EngineService engine;
    private final AppExecutors executors;
    private final DevicesViewModel devices;
    private final ReadOnlyObjectProperty<Path> model;
    private final SettingsService settings;
    private final LatestOnlyRunner planner;

    private final ObservableList<SplitSlot> slots = FXCollections.observableArrayList();
    private final ObservableList<SplitSlot> slotsView = FXCollections.unmodifiableObservableList(slots);
    private final ObjectProperty<SplitMode> mode = new SimpleObjectProperty<>(this, "mode", SplitMode.TENSOR);
    private final IntegerProperty contextLength = new SimpleIntegerProperty(this, "contextLength", 0);
    private final ReadOnlyObjectWrapper<LoadPlan> plan = new ReadOnlyObjectWrapper<>(this, "plan");
    private final ReadOnlyStringWrapper warning = new ReadOnlyStringWrapper(this, "warning", "");
    private final ReadOnlyStringWrapper planProblem = new ReadOnlyStringWrapper(this, "planProblem", "");
    private final ReadOnlyBooleanWrapper willNotFit = new ReadOnlyBooleanWrapper(this, "willNotFit", false);

    private final StringBinding target = Bindings.createStringBinding(this::describeTarget, slots, mode);

    private long planTicket;
    private boolean restoring;
    private EngineOptions pendingRestore;

    public SplitViewModel(EngineService engine, AppExecutors executors, DevicesViewModel devices,
                          ReadOnlyObjectProperty<Path> model, SettingsService settings) {
        this.engine = engine;
        this.executors = executors;
        this.devices = devices;
        this.model = model;
        this.settings = settings;
        this.planner = new LatestOnlyRunner(executors.background());
        devices.logicalDevices().addListener((ListChangeListener<DeviceEntry>) c -> userChanged(true));
        mode.addListener((obs, old, now) -> userChanged(true));
        contextLength.addListener((obs, old, now) -> userChanged(false));
        model.addListener((obs, old, now) -> restoreFor(now));
        devices.discoveredProperty().addListener((obs, old, now) -> {
            if (now && pendingRestore != null) applyRestore();
        });
        rebuildSlots();
    }

    /** The bar's segments, left to right. One "CPU engine" slot when no device is included. */
    public ObservableList<SplitSlot> slots() { return slotsView; }

    public ObjectProperty<SplitMode> modeProperty() { return mode; }

    /** KV-cache length in tokens; 0 means the model's own. */
    public IntegerProperty contextLengthProperty() { return contextLength; }

    /** The engine's plan for the current choices; null while none (no model, or planning failed). */
    public ReadOnlyObjectProperty<LoadPlan> planProperty() { return plan.getReadOnlyProperty(); }

    /** Says which device will not fit and what to do; empty when it fits or is not known yet. */
    public ReadOnlyStringProperty warningProperty() { return warning.getReadOnlyProperty(); }

    /** Why the plan could not be made, in plain words; empty when planning worked. */
    public ReadOnlyStringProperty planProblemProperty() { return planProblem.getReadOnlyProperty(); }

    public ReadOnlyBooleanProperty willNotFitProperty() { return willNotFit.getReadOnlyProperty(); }

    /** Where a load with the current choices runs, in words: "the CPU engine (…)" or the devices and mode. */
    public StringBinding targetProperty() { return target; }

    private String describeTarget() {
        if (usesCpuEngine()) return "the CPU engine (include a GPU on the Devices screen to use it)";
        String names = slots.stream().map(SplitSlot::label).collect(Collectors.joining(", "));
        return slots.size() == 1 ? names : names + " (" + mode.get().name().toLowerCase(java.util.Locale.ROOT) + " split)";
    }

    /** Whether the chosen devices use the CPU engine (no device included). */
    public boolean usesCpuEngine() { return devices.logicalDevices().isEmpty(); }

    public double[] shares() { return slots.stream().mapToDouble(SplitSlot::share).toArray(); }

    /** The user dragged divider {@code divider} to {@code position}, a fraction of the bar's width. */
    public void dragDivider(int divider, double position) {
        setWeights(SplitShares.asPercentages(SplitShares.dragDivider(shares(), divider, position)));
    }

    /** The user typed a ratio for one slot; the others keep theirs. */
    public void setWeight(int slot, double weight) {
        // A field of a table that was just rebuilt may commit late with an index that no longer exists.
        if (!(weight > 0) || Double.isInfinite(weight) || slot < 0 || slot >= slots.size()) return;
        double[] weights = slots.stream().mapToDouble(SplitSlot::weight).toArray();
        weights[slot] = weight;
        setWeights(weights);
    }

    public void presetEven() { setWeights(SplitShares.asPercentages(SplitShares.even(slots.size()))); }

    public void presetByVram() { setWeights(SplitShares.asPercentages(SplitShares.proportional(sizes(false)))); }

    public void presetByFreeVram() { setWeights(SplitShares.asPercentages(SplitShares.proportional(sizes(true)))); }

    /**
     * Whether measurements taken with a loaded plan can balance this split: the plan ran on exactly
     * these devices, in this order, and every device has a time.
     */
    public boolean canBalance(LoadPlan measuredWith, double[] computeMicrosPerToken) {
        if (measuredWith == null || slots.size() < 2) return false;
        List<Integer> ran = measuredWith.devices().stream().map(DevicePlan::physicalIndex).toList();
        return ran.equals(slots.stream().map(SplitSlot::physicalIndex).toList())
                && computeMicrosPerToken.length == slots.size();
    }

    /**
     * Gives each device work in proportion to its measured speed, so that in tensor mode no device
     * waits for a slower one.
     *
     * @param measuredWith          the plan the model ran with while it was measured (its shares)
     * @param computeMicrosPerToken each device's compute time per token then (e.g. from the Monitor)
     */
    public void presetByMeasuredSpeed(LoadPlan measuredWith, double[] computeMicrosPerToken) {
        if (!canBalance(measuredWith, computeMicrosPerToken)) return;
        double[] measuredShares = measuredWith.devices().stream().mapToDouble(DevicePlan::share).toArray();
        setWeights(SplitShares.asPercentages(SplitShares.balance(measuredShares, computeMicrosPerToken)));
    }

    /** How the engine should load the model with the current choices. */
    public EngineOptions options() {
        int ctx = contextLength.get();
        if (usesCpuEngine()) return new EngineOptions(Backend.CPU, List.of(), List.of(), SplitMode.NONE, ctx);
        List<Integer> indices = slots.stream().map(SplitSlot::physicalIndex).toList();
        if (slots.size() == 1) return new EngineOptions(Backend.VULKAN, indices, List.of(), SplitMode.NONE, ctx);
        List<Double> ratios = slots.stream().map(SplitSlot::weight).toList();
        return new EngineOptions(Backend.VULKAN, indices, ratios, mode.get(), ctx);
    }

    /**
     * How to load the model in this mode on the included devices with the current ratios (by VRAM
     * where the current mode has none for them): what Measure tries for each mode.
     */
    public EngineOptions optionsFor(SplitMode m) {
        List<DeviceEntry> logical = devices.logicalDevices();
        int ctx = contextLength.get();
        if (logical.isEmpty()) return new EngineOptions(Backend.CPU, List.of(), List.of(), SplitMode.NONE, ctx);
        List<Integer> indices = logical.stream().map(e -> e.info().index()).toList();
        if (m == SplitMode.NONE || logical.size() < 2) {
            return new EngineOptions(Backend.VULKAN, indices.subList(0, 1), List.of(), SplitMode.NONE, ctx);
        }
        double[] weights = slots.size() == logical.size() ? slots.stream().mapToDouble(SplitSlot::weight).toArray()
                : SplitShares.asPercentages(SplitShares.proportional(logical.stream().mapToLong(e -> e.info().vramTotal()).toArray()));
        return new EngineOptions(Backend.VULKAN, indices, java.util.Arrays.stream(weights).boxed().toList(), m, ctx);
    }

    /**
     * The first {@code count} included devices' short labels for sentences ("GPU0 llvmpipe #2": the
     * name without the driver's details in brackets).
     */
    public List<String> labels(int count) {
        List<DeviceEntry> logical = devices.logicalDevices();
        if (logical.isEmpty()) return List.of("CPU engine");
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < Math.min(count, logical.size()); i++) {
            String name = logical.get(i).shortName();
            int details = name.indexOf(" (");
            int instance = instance(logical, i);
            labels.add((details > 0 ? name.substring(0, details) : name) + (instance == 0 ? "" : " #" + (instance + 1)));
        }
        return labels;
    }

    /** Which use of its GPU a logical device is (0 for the first). */
    private static int instance(List<DeviceEntry> used, int i) {
        DeviceEntry e = used.get(i);
        return (int) used.subList(0, i).stream().filter(o -> o == e).count();
    }

    private static String label(List<DeviceEntry> used, int i) {
        int instance = instance(used, i);
        return instance == 0 ? used.get(i).shortName() : used.get(i).shortName() + " #" + (instance + 1);
    }

    private long[] sizes(boolean free) {
        return slots.stream().mapToLong(s -> free ? s.vramFree() : s.vramTotal()).toArray();
    }

    private void setWeights(double[] weights) {
        double[] shares = SplitShares.normalize(weights);
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).setWeight(weights[i]);
            slots.get(i).setShare(shares[i]);
        }
        replanAndSave();
    }

    private void userChanged(boolean devicesOrMode) {
        if (devicesOrMode) rebuildSlots();
        replanAndSave();
    }

    /** Slots for the included devices; keeps the ratios when the same devices remain. */
    private void rebuildSlots() {
        List<SplitSlot> next = new ArrayList<>();
        List<DeviceEntry> logical = devices.logicalDevices();
        if (logical.isEmpty()) {
            next.add(new SplitSlot(CPU_INDEX, 0, "CPU engine", 0, Long.MAX_VALUE));
        } else {
            List<DeviceEntry> used = mode.get() == SplitMode.NONE ? logical.subList(0, 1) : logical;
            for (int i = 0; i < used.size(); i++) {
                DeviceEntry e = used.get(i);
                next.add(new SplitSlot(e.info().index(), instance(used, i), label(used, i), e.info().vramTotal(), e.info().vramFree()));
            }
        }
        boolean sameDevices = next.stream().map(SplitSlot::physicalIndex).toList()
                .equals(slots.stream().map(SplitSlot::physicalIndex).toList());
        double[] weights = sameDevices
                ? slots.stream().mapToDouble(SplitSlot::weight).toArray()
                : SplitShares.asPercentages(SplitShares.proportional(next.stream().mapToLong(SplitSlot::vramTotal).toArray()));
        double[] shares = SplitShares.normalize(weights);
        for (int i = 0; i < next.size(); i++) {
            next.get(i).setWeight(weights[i]);
            next.get(i).setShare(shares[i]);
        }
        slots.setAll(next);
    }

    private void restoreFor(Path path) {
        EngineOptions saved = path == null ? null : settings.current().splits().get(key(path));
        pendingRestore = saved;
        if (saved != null && devices.discoveredProperty().get()) {
            applyRestore();
        } else {
            replan();
        }
    }

    private void applyRestore() {
        EngineOptions saved = pendingRestore;
        pendingRestore = null;
        restoring = true;
        try {
            devices.select(saved.backend() == Backend.CPU ? List.of() : saved.devices());
            if (saved.devices().size() > 1) mode.set(saved.splitMode());
            contextLength.set(saved.contextLength());
            if (saved.split().size() == slots.size() && slots.size() > 1) {
                setWeights(saved.split().stream().mapToDouble(Double::doubleValue).toArray());
            }
        } finally {
            restoring = false;
        }
        replan();
    }

    private void replanAndSave() {
        replan();
        Path path = model.get();
        if (path != null && !restoring && pendingRestore == null && devices.discoveredProperty().get()) {
            EngineOptions options = options();
            settings.update(s -> s.withSplit(key(path), options));
        }
    }

    private void replan() {
        if (restoring) return;
        Path path = model.get();
        long ticket = ++planTicket;
        if (path == null) {
            applyPlan(null, "");
            return;
        }
        // planned as it will load: Preferences' default context and cache type (ModelViewModel.load)
        EngineOptions options = settings.current().preferences().applyTo(options());
        planner.submit(() -> {
            LoadPlan result = null;
            String problem = "";
            try {
                result = engine.plan(path, options);
            } catch (RuntimeException e) {
                problem = UserMessages.describe(e);
            }
            LoadPlan planned = result;
            String failure = problem;
            executors.ui().execute(() -> {
                if (ticket == planTicket) applyPlan(planned, failure);
            });
        });
    }

    private void applyPlan(LoadPlan p, String problem) {
        for (int i = 0; i < slots.size(); i++) {
            slots.get(i).setPlan(p != null && i < p.devices().size() ? p.devices().get(i) : null);
        }
        plan.set(p);
        planProblem.set(problem);
        willNotFit.set(p != null && !p.fits());
        warning.set(p == null || p.fits() ? "" : fitWarning(p));
    }

    private String fitWarning(LoadPlan p) {
        String tooSmall = p.devices().stream().filter(d -> !d.fits())
                .map(d -> deviceLabel(d) + " needs " + Sizes.bytes(d.totalBytes()) + " but has " + Sizes.bytes(d.freeBytes()) + " free")
                .collect(Collectors.joining("; "));
        return "Will not fit: " + tooSmall + ". Move share to another device, include more devices or lower the context length.";
    }

    private String deviceLabel(DevicePlan d) {
        return d.device() < slots.size() ? slots.get(d.device()).label() : d.deviceName();
    }

    /** Splits are saved per model file. */
    static String key(Path model) { return model.toAbsolutePath().normalize().toString(); }

}
