#version 450
// The last step of a mixture's FFN for a prompt: y[t][r] (+)= sum over the token's slots s of
// weights[t * used + s] * out[t * used + s][r], the down products of its chosen experts (computed per
// pair, grouped by expert, biases included) weighted by the router and summed into the residual
// stream or the all-reduce slot.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Products { float products[]; };   // [tokens * used][rows]
layout(binding = 1) readonly buffer Weights { float weights[]; };     // [tokens * used]
layout(binding = 2) buffer Output { float y[]; };
layout(push_constant) uniform Push {
    uint rows;
    uint used;
    uint yStride;
    uint accumulate;
} p;

void main() {
    uint r = gl_WorkGroupID.x * WG + gl_LocalInvocationID.x, t = gl_WorkGroupID.y;
    if (r >= p.rows) return;
    float sum = 0.0;
    for (uint s = 0u; s < p.used; s++) sum += weights[t * p.used + s] * products[(t * p.used + s) * p.rows + r];
    uint o = t * p.yStride + r;
    y[o] = (p.accumulate != 0u ? y[o] : 0.0) + sum;
}
