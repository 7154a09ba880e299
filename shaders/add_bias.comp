#version 450
// Adds a bias vector to each token's row: y[t][i] += bias[i] (qwen2's Q/K/V biases).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) buffer Data { float y[]; };
layout(binding = 1) readonly buffer Bias { float bias[]; };
layout(push_constant) uniform Push {
    uint n;   // row length
} p;

void main() {
    uint i = gl_WorkGroupID.x * WG + gl_LocalInvocationID.x;
    if (i < p.n) y[gl_WorkGroupID.y * p.n + i] += bias[i];
}
