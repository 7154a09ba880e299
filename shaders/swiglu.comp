#version 450
// SwiGLU gate of the feed-forward block: out = silu(gate) * up, elementwise.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Gate { float g[]; };
layout(binding = 1) readonly buffer Up { float u[]; };
layout(binding = 2) writeonly buffer Output { float o[]; };
layout(push_constant) uniform Push {
    uint n;
} p;

void main() {
    uint i = flat_group_x() * WG + gl_LocalInvocationID.x;
    if (i >= p.n) return;
    float x = g[i];
    o[i] = x / (1.0 + exp(-x)) * u[i];
}
