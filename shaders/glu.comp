#version 450
// Gated feed-forward input in place: gate[i] = act(gate[i]) * up[i], for the activations the
// product kernels do not fuse (they fuse SiLU: matvec/matmul GLU = 1). ACT = 1 is GELU in ggml's
// tanh form (Gemma's GeGLU): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint ACT = 1;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) buffer Gate { float gate[]; };
layout(binding = 1) readonly buffer Up { float up[]; };
layout(push_constant) uniform Push {
    uint n;   // values
} p;

const float SQRT_2_OVER_PI = 0.7978845608028654;

void main() {
    uint i = flat_group_x() * WG + gl_LocalInvocationID.x;
    if (i >= p.n) return;
    float x = gate[i];
    float a = x / (1.0 + exp(-x));
    if (ACT == 1u) {
        // tanh through exp of a non-positive argument: no overflow for large |x|
        float u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        float e = exp(-2.0 * abs(u));
        float t = sign(u) * (1.0 - e) / (1.0 + e);
        a = 0.5 * x * (1.0 + t);
    }
    gate[i] = a * up[i];
}
