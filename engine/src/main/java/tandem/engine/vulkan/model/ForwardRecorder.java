package tandem.engine.vulkan.model;

import tandem.engine.tensor.GgmlType;
import tandem.engine.vulkan.CommandRecorder;
import tandem.engine.vulkan.GpuTimeline;

/**
 * Records one forward step of {@code tokens} tokens into a command buffer: embedding, every block,
 * final norm and logits, with a barrier between dependent kernels and no host round trip. The
 * positions and ids come from the step buffer, so a recorded step can be replayed at any
 * position. Segments (embedding, layer i, output) are always timestamped; every kernel is when
 * profiling.
 */
final class ForwardRecorder {
    private final DeviceModel m;
    private final SequenceBuffers b;
    private final GpuTimeline timeline;
    private final boolean profile;
    /** The sequences of a shared step (buffers then holds their rows' activations), or null: one sequence. */
    private final StepRows rows;

    ForwardRecorder(DeviceModel model, SequenceBuffers buffers, GpuTimeline timeline, boolean profile) {
        this(model, buffers, null, timeline, profile);
    }

    ForwardRecorder(DeviceModel model, SequenceBuffers buffers, StepRows rows, GpuTimeline timeline, boolean profile) {
        this.m = model;
        this.b = buffers;
        this.rows = rows;
        this.timeline = timeline;
        this.profile = profile;
    }

    /**
     * @param allLogits logits of every token (tokens <= logitRows) instead of the last one only
     */
    void record(CommandRecorder rec, int tokens, boolean allLogits) {
        BlockRecorder blocks = new BlockRecorder(m.config(), m.weights(), b, rows, profile ? timeline : null);
        rec.begin();
        timeline.begin(rec);
        blocks.embedding(rec, tokens);
        timeline.mark("embedding");
        for (int l = 0; l < m.config().layers(); l++) {
            blocks.block(rec, l, l, tokens, (r, site, weightType, product, out, accumulate) -> {
                blocks.addLocally(r, product, out, accumulate);
                // the experts' products keep the float kernels
                String kind = site == BlockRecorder.ResidualSite.EXPERT_DOWN ? BlockRecorder.kind(r.device(), tokens)
                        : BlockRecorder.kind(r.device(), tokens, weightType);
                String label = kind + " " + site.label() + " " + weightType.label();
                if (site.endsLayer()) {
                    r.computeBarrier();
                    timeline.mark(profile ? label : "layer"); // without profiling, one segment per layer
                } else {
                    blocks.step(r, label);
                }
                return r;
            });
        }
        blocks.output(rec, tokens, allLogits);
        int logitRows = rows != null ? tokens - rows.firstLogitRow() : allLogits ? tokens : 1;
        timeline.mark(profile ? BlockRecorder.kind(rec.device(), logitRows, m.weights().output().type()) + " output "
                + m.weights().output().type().label() : "output");
        timeline.end();
        rec.end();
    }
}
