package tandem.engine.vulkan.model;

import tandem.engine.vulkan.GpuBuffer;

/**
 * A block's norms of the attention and FFN outputs before their residual adds (Gemma's
 * post_attention_norm and post_ffw_norm); both null for architectures without them.
 */
public record PostNorms(GpuBuffer attention, GpuBuffer ffn) {}
