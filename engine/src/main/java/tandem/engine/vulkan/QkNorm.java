package tandem.engine.vulkan;

/**
 * The per-head RMS norm of queries and keys (Qwen3, Gemma 3) that a decode attention applies itself, before the
 * rotation: the query and key norm weights ([headDim] floats each) and the norm's epsilon.
 */
public record QkNorm(BufferRange queryWeight, BufferRange keyWeight, float eps) {}
