package tandem.engine.server;

import tandem.engine.api.DeviceMetrics;
import tandem.engine.api.LoadedModel;
import tandem.engine.api.MetricsSnapshot;

/**
 * {@code GET /metrics}: the engine's figures (the ones the app's Monitor charts) and the server's
 * counters in Prometheus text. The engine's rates cover the time since the previous scrape.
 */
final class MetricsEndpoint {
    private final LoadedModel model;
    private final GenerationQueue queue;
    private final ServerStats stats;

    MetricsEndpoint(LoadedModel model, GenerationQueue queue, ServerStats stats) {
        this.model = model;
        this.queue = queue;
        this.stats = stats;
    }

    String render() {
        MetricsSnapshot m = model.metrics();
        PrometheusText text = new PrometheusText()
                .family("tandem_tokens_per_second", "gauge", "Tokens generated per second since the previous scrape.")
                .sample("tandem_tokens_per_second", m.tokensPerSecond())
                .family("tandem_tokens_generated_total", "counter", "Tokens the model generated since it was loaded.")
                .sample("tandem_tokens_generated_total", m.tokensGenerated())
                .family("tandem_prompt_tokens_total", "counter", "Prompt tokens of the requests answered.")
                .sample("tandem_prompt_tokens_total", stats.promptTokens.get())
                .family("tandem_completion_tokens_total", "counter", "Completion tokens of the requests answered.")
                .sample("tandem_completion_tokens_total", stats.completionTokens.get())
                .family("tandem_queue_length", "gauge", "Requests waiting for the model.")
                .sample("tandem_queue_length", queue.waiting())
                .family("tandem_requests_running", "gauge", "Requests generating now: the slots in use, of tandem_slots.")
                .sample("tandem_requests_running", queue.running())
                .family("tandem_slots", "gauge", "Sequences the server generates at once.")
                .sample("tandem_slots", queue.slots())
                .family("tandem_requests_total", "counter", "Generating requests by outcome.")
                .sample("tandem_requests_total", stats.completed.get(), "outcome", "completed")
                .sample("tandem_requests_total", stats.disconnected.get(), "outcome", "disconnected")
                .sample("tandem_requests_total", stats.failed.get(), "outcome", "failed")
                .sample("tandem_requests_total", stats.refused.get(), "outcome", "refused");
        text.family("tandem_device_busy_ratio", "gauge", "Share of the time since the previous scrape the device was busy.");
        for (DeviceMetrics d : m.devices()) text.sample("tandem_device_busy_ratio", d.busyFraction(), labels(d));
        text.family("tandem_device_compute_microseconds_per_token", "gauge", "Device compute time per token.");
        for (DeviceMetrics d : m.devices()) text.sample("tandem_device_compute_microseconds_per_token", d.computeMicrosPerToken(), labels(d));
        text.family("tandem_device_allreduce_microseconds_per_token", "gauge", "Device time in all-reduce per token.");
        for (DeviceMetrics d : m.devices()) text.sample("tandem_device_allreduce_microseconds_per_token", d.allReduceMicrosPerToken(), labels(d));
        text.family("tandem_device_memory_used_bytes", "gauge", "Device memory in use.");
        for (DeviceMetrics d : m.devices()) text.sample("tandem_device_memory_used_bytes", d.vramUsedBytes(), labels(d));
        text.family("tandem_device_memory_total_bytes", "gauge", "Device memory in all.");
        for (DeviceMetrics d : m.devices()) text.sample("tandem_device_memory_total_bytes", d.vramTotalBytes(), labels(d));
        return text.toString();
    }

    private static String[] labels(DeviceMetrics d) {
        return new String[] {"device", Integer.toString(d.device()), "name", d.name()};
    }
}
