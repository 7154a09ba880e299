// The gated inputs the products fuse into their down projections: GLU 1 is SwiGLU, silu(g) * u;
// GLU 2 is gpt-oss's clamped form, min(g, 7) * sigmoid(1.702 min(g, 7)) * (clamp(u, -7, 7) + 1)
// (tandem.engine.model.ExpertStyle.OAI_ALPHA / OAI_LIMIT). Kernels declare the GLU constant first.
const float OAI_ALPHA = 1.702;
const float OAI_LIMIT = 7.0;

vec4 gated4(vec4 g, vec4 u) {
    if (GLU == 2u) {
        g = min(g, OAI_LIMIT);
        return g / (1.0 + exp(-OAI_ALPHA * g)) * (clamp(u, -OAI_LIMIT, OAI_LIMIT) + 1.0);
    }
    return GLU != 0u ? g / (1.0 + exp(-g)) * u : g;
}

float gated(float g, float u) { return gated4(vec4(g), vec4(u)).x; }
