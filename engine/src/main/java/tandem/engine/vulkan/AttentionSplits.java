package tandem.engine.vulkan;

/**
 * How decode divides a long cache among workgroups per head: {@code count} of them, whose partial
 * results ({@link GpuOps#attentionPartialFloats} floats) go to {@code partials} for a second kernel
 * to combine; one split needs no partials.
 */
public record AttentionSplits(int count, BufferRange partials) {
    /** The whole cache in one workgroup per head. */
    public static final AttentionSplits NONE = new AttentionSplits(1, null);

    public AttentionSplits {
        if (count < 1) throw new IllegalArgumentException("splits must be >= 1, got " + count);
        if (count > 1 && partials == null) throw new IllegalArgumentException(count + " splits need a partials buffer");
    }
}
