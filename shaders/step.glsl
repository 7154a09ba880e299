// The per-step parameters the host writes before each submit, so that command buffers recorded
// once stay valid: the position of the first token and the token ids. Kernels define
// STEP_BINDING before including this.
layout(binding = STEP_BINDING) readonly buffer Step {
    uint pos0;      // cache position of token 0 of this step
    uint nTokens;   // tokens in this step
    uint ids[];     // their vocabulary ids
} step;

// The cache row of position t: t itself, or t % ring in a sliding-window layer's ring of `ring`
// rows (0 = no ring). Kernels pass their push constant's ring.
uint cache_row(uint t, uint ring) {
    return ring == 0u ? t : t % ring;
}
