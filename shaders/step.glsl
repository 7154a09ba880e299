// The per-step parameters the host writes before each submit, so that command buffers recorded
// once stay valid: the position of the first token and the token ids. Kernels define
// STEP_BINDING before including this.
layout(binding = STEP_BINDING) readonly buffer Step {
    uint pos0;      // cache position of token 0 of this step
    uint nTokens;   // tokens in this step
    uint ids[];     // their vocabulary ids
} step;
