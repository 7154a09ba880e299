#version 450
// RMS norm of each token's row, times the F32 norm weight: y = x / sqrt(mean(x^2) + eps) * w.
// With ADD = 1 the result is added to y instead (Gemma's post-norms: the residual stream gains the
// normed attention or FFN output).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint ADD = 0;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Input { float x[]; };
layout(binding = 1) readonly buffer Weight { float w[]; };
layout(binding = 2) buffer Output { float y[]; };
layout(push_constant) uniform Push {
    uint n;       // row length
    float eps;
    uint xOffset; // first input float (lets the last token alone be normed)
} p;

void main() {
    uint base = p.xOffset + gl_WorkGroupID.x * p.n;
    float sum = 0.0;
    for (uint i = gl_LocalInvocationID.x; i < p.n; i += WG) {
        float v = x[base + i];
        sum += v * v;
    }
    float scale = inversesqrt(wg_sum(sum) / float(p.n) + p.eps);
    uint out0 = gl_WorkGroupID.x * p.n;
    for (uint i = gl_LocalInvocationID.x; i < p.n; i += WG) {
        float v = x[base + i] * scale * w[i];
        y[out0 + i] = ADD != 0u ? y[out0 + i] + v : v;
    }
}
