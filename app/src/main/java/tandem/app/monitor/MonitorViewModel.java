package tandem.app.monitor;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import tandem.app.concurrent.AppExecutors;
import tandem.app.concurrent.UiBatcher;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;

/**
 * The Monitor screen's data: the engine's metrics polled at 10 Hz while an answer is being
 * generated, kept for the last minute of activity (so the charts still show the last answer
 * when the model is idle).
 */
public final class MonitorViewModel {
    public static final double WINDOW_SECONDS = 60;
    static final long POLL_MILLIS = 100;
    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;

    private final ReadOnlyObjectProperty<LoadedModel> model;
    private final long originNanos;
    private final ObservableList<MonitorSample> samples = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<MonitorSample> latest = new ReadOnlyObjectWrapper<>(this, "latest");
    private final ObservableList<ChartDevice> devices = FXCollections.observableArrayList();
    // One read-only view each, kept for good: such a view listens to its list weakly, so a view made
    // per call and listened to by the screen is garbage-collected with its listener — the charts
    // then stop while the summary, a property, runs on.
    private final ObservableList<MonitorSample> samplesView = FXCollections.unmodifiableObservableList(samples);
    private final ObservableList<ChartDevice> devicesView = FXCollections.unmodifiableObservableList(devices);
    private final UiBatcher<MetricsSnapshot> snapshots;
    private final java.util.ArrayDeque<MetricsSnapshot> recentCounts = new java.util.ArrayDeque<>();
    private ScheduledExecutorService poller;
    private ScheduledFuture<?> polling;

    /**
     * @param generating  polling runs while this is true, plus one last poll when it turns false
     * @param originNanos System.nanoTime() that counts as second 0 on the charts
     */
    public MonitorViewModel(AppExecutors executors, ReadOnlyObjectProperty<LoadedModel> model,
                            ReadOnlyBooleanProperty generating, long originNanos) {
        this.model = model;
        this.originNanos = originNanos;
        this.snapshots = new UiBatcher<>(executors.ui(), batch -> batch.forEach(this::accept));
        model.addListener((obs, old, now) -> modelChanged(now));
        modelChanged(model.get());
        generating.addListener((obs, was, now) -> {
            if (now) startPolling();
            else stopPolling();
        });
    }

    /** Samples of the last minute, oldest first. */
    public ObservableList<MonitorSample> samples() { return samplesView; }

    /** The loaded model's devices as the charts draw them (legend and colours); empty without a model. */
    public ObservableList<ChartDevice> devices() { return devicesView; }

    /** How to draw a device of a sample: from the load plan, or by its index when the plan does not list it. */
    public ChartDevice chartDevice(tandem.engine.api.DeviceMetrics d) {
        for (ChartDevice c : devices) if (c.device() == d.device()) return c;
        return new ChartDevice(d.device(), d.name(), d.device(), 0);
    }

    /**
     * A new model has other devices: its charts start afresh (the time axis runs on), so no line
     * or legend entry of the previous model's devices survives a reload.
     */
    private void modelChanged(LoadedModel now) {
        samples.clear();
        recentCounts.clear();
        latest.set(null);
        devices.setAll(now == null ? java.util.List.of() : ChartDevice.of(now.plan()));
    }

    /** The newest sample (for VRAM bars and the tokens/s figure); null before the first. */
    public ReadOnlyObjectProperty<MonitorSample> latestProperty() { return latest.getReadOnlyProperty(); }

    /**
     * Each device's mean compute time per token over the kept samples with generation in them,
     * in device order; empty when some device has no measurement.
     */
    public double[] meanComputeMicrosPerToken() {
        int devices = samples.isEmpty() ? 0 : samples.getLast().devices().size();
        double[] sum = new double[devices];
        int[] count = new int[devices];
        for (MonitorSample s : samples) {
            if (s.devices().size() != devices) continue;
            for (int d = 0; d < devices; d++) {
                double t = s.devices().get(d).computeMicrosPerToken();
                if (t > 0) {
                    sum[d] += t;
                    count[d]++;
                }
            }
        }
        double[] mean = new double[devices];
        for (int d = 0; d < devices; d++) {
            if (count[d] == 0) return new double[0];
            mean[d] = sum[d] / count[d];
        }
        return mean;
    }

    /** UI thread: adds a snapshot and forgets samples more than a minute older than it. */
    public void accept(MetricsSnapshot snapshot) {
        MonitorSample sample = new MonitorSample((snapshot.nanos() - originNanos) / 1e9, smoothedRate(snapshot), snapshot.devices());
        if (!samples.isEmpty() && sample.seconds() <= samples.getLast().seconds()) return;
        samples.add(sample);
        double oldest = sample.seconds() - WINDOW_SECONDS;
        int expired = 0;
        while (expired < samples.size() && samples.get(expired).seconds() < oldest) expired++;
        if (expired > 0) samples.remove(0, expired);
        latest.set(sample);
    }

    /**
     * Tokens per second over the last second of snapshots, from the engine's token count and
     * timestamps: a 100 ms window holds only a few tokens, so its own rate jumps by whole tokens.
     * Falls back to the snapshot's rate until the recent snapshots span a third of a second.
     */
    private double smoothedRate(MetricsSnapshot snapshot) {
        recentCounts.addLast(snapshot);
        while (snapshot.nanos() - recentCounts.getFirst().nanos() > RATE_WINDOW_NANOS) recentCounts.removeFirst();
        MetricsSnapshot oldest = recentCounts.getFirst();
        long span = snapshot.nanos() - oldest.nanos();
        if (span < RATE_WINDOW_NANOS / 3) return snapshot.tokensPerSecond();
        return (snapshot.tokensGenerated() - oldest.tokensGenerated()) * 1e9 / span;
    }

    /** Stops the poller thread (window closing). */
    public void shutdown() {
        if (poller != null) poller.shutdownNow();
    }

    private void startPolling() {
        if (poller == null) {
            poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tandem-metrics").daemon(true).factory());
        }
        if (polling == null) polling = poller.scheduleAtFixedRate(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void stopPolling() {
        if (polling == null) return;
        polling.cancel(false);
        polling = null;
        if (!poller.isShutdown()) poller.execute(this::poll); // the final figures of the answer that just ended
    }

    /** Poller thread. */
    private void poll() {
        LoadedModel m = model.get();
        if (m == null) return;
        try {
            snapshots.offer(m.metrics());
        } catch (RuntimeException e) {
            // A model closed between the check and the call: nothing to chart this tick.
        }
    }
}
