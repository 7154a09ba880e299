package tandem.app.devices;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import tandem.app.concurrent.AppExecutors;
import tandem.app.engine.EngineService;
import tandem.app.engine.UserMessages;
import tandem.engine.api.DeviceInfo;

/**
 * The Devices screen's state: the Vulkan devices found, which the user includes and how many
 * logical devices each counts as. {@link #logicalDevices()} is what the split configurator divides.
 */
public final class DevicesViewModel {
    private final EngineService engine;
    private final AppExecutors executors;
    /** The change listener also fires for each entry's choices, so the logical list stays current. */
    private final ObservableList<DeviceEntry> devices =
            FXCollections.observableArrayList(e -> new Observable[] {e.includedProperty(), e.instancesProperty()});
    private final ObservableList<DeviceEntry> logical = FXCollections.observableArrayList();
    private final ObservableList<DeviceEntry> logicalView = FXCollections.unmodifiableObservableList(logical);
    private final StringProperty banner = new SimpleStringProperty(this, "banner", "");
    private final BooleanProperty refreshing = new SimpleBooleanProperty(this, "refreshing", false);
    private final BooleanProperty discovered = new SimpleBooleanProperty(this, "discovered", false);

    public DevicesViewModel(EngineService engine, AppExecutors executors) {
        this.engine = engine;
        this.executors = executors;
        devices.addListener((javafx.collections.ListChangeListener<DeviceEntry>) c -> rebuildLogical());
    }

    public ObservableList<DeviceEntry> devices() { return devices; }

    /** Included devices, each repeated by its instance count, in device order. Empty means the CPU engine. */
    public ObservableList<DeviceEntry> logicalDevices() { return logicalView; }

    /** Empty when devices were found; otherwise says why the CPU engine is used. */
    public ReadOnlyStringProperty bannerProperty() { return banner; }

    public ReadOnlyBooleanProperty refreshingProperty() { return refreshing; }

    /** True once the first discovery finished (successfully or not). */
    public ReadOnlyBooleanProperty discoveredProperty() { return discovered; }

    /** Asks the engine for devices again, keeping the user's choices for devices still present. */
    public void refresh() {
        refreshing.set(true);
        executors.background().execute(() -> {
            List<DeviceInfo> found;
            String problem = null;
            try {
                found = engine.devices();
            } catch (RuntimeException e) {
                found = List.of();
                problem = UserMessages.describe(e);
            }
            List<DeviceInfo> result = found;
            String failure = problem;
            executors.ui().execute(() -> apply(result, failure));
        });
    }

    /** Includes exactly the given physical devices (repeats count as instances): a saved split being restored. */
    public void select(List<Integer> physicalIndices) {
        Map<Integer, Long> counts = physicalIndices.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        for (DeviceEntry entry : devices) {
            long n = counts.getOrDefault(entry.info().index(), 0L);
            entry.instancesProperty().set((int) Math.max(1, Math.min(DeviceEntry.MAX_INSTANCES, n)));
            entry.includedProperty().set(n > 0);
        }
    }

    private void apply(List<DeviceInfo> found, String failure) {
        Map<Integer, DeviceEntry> previous = devices.stream().collect(Collectors.toMap(e -> e.info().index(), e -> e));
        DeviceInfo best = bestDevice(found);
        List<DeviceEntry> entries = new ArrayList<>();
        for (DeviceInfo info : found) {
            DeviceEntry old = previous.get(info.index());
            boolean sameDevice = old != null && old.info().name().equals(info.name());
            boolean include = sameDevice ? old.isIncluded() : previous.isEmpty() && info.equals(best);
            DeviceEntry entry = new DeviceEntry(info, include);
            if (sameDevice) entry.instancesProperty().set(old.instancesProperty().get());
            entries.add(entry);
        }
        devices.setAll(entries);
        if (failure != null) {
            banner.set("Vulkan devices could not be listed (" + failure + "). Tandem runs on its CPU engine.");
        } else if (found.isEmpty()) {
            banner.set("No Vulkan device found. Tandem runs on its CPU engine; install a GPU driver with Vulkan support to use a GPU.");
        } else {
            banner.set("");
        }
        refreshing.set(false);
        discovered.set(true);
    }

    /**
     * The device a first start loads on: the GPU with the most memory, discrete before integrated.
     * A CPU-type Vulkan device (llvmpipe) is never chosen: Tandem's own CPU engine beats it.
     * Null when there is no GPU, which means the CPU engine.
     */
    static DeviceInfo bestDevice(List<DeviceInfo> found) {
        return found.stream()
                .filter(d -> !"cpu".equalsIgnoreCase(d.type()))
                .max(java.util.Comparator.comparingInt((DeviceInfo d) -> "discrete".equalsIgnoreCase(d.type()) ? 1 : 0)
                        .thenComparingLong(DeviceInfo::vramTotal))
                .orElse(null);
    }

    private void rebuildLogical() {
        List<DeviceEntry> expanded = new ArrayList<>();
        for (DeviceEntry entry : devices) {
            if (entry.isIncluded()) expanded.addAll(Collections.nCopies(entry.instancesProperty().get(), entry));
        }
        if (!expanded.equals(logical)) logical.setAll(expanded);
    }
}
