#version 450
// Combines the SPLITS partial attentions of each (head, token) written by attention.comp:
// out = sum_s e^(m_s - M) acc_s / sum_s e^(m_s - M) l_s with M the largest partial max.
// With QUANT = 1 (decode, where the attention output projection takes the int8 products) the head's
// HD values are written as HD / 32 int8 blocks of the projection's input (q8_1_store.glsl) instead of
// floats, which saves that input's quantize dispatch and its barrier in every layer.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint HD = 128;
layout(constant_id = 2) const uint SPLITS = 2;
layout(constant_id = 3) const uint QUANT = 0;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Partials { float part[]; };
layout(binding = 1) writeonly buffer Output { float o[]; };
// QUANT = 1: the same binding as the int8 input's codes and (d, s) (see q8_1_store.glsl)
layout(binding = 1) writeonly buffer Codes { uvec4 codes[]; };
layout(binding = 1) writeonly buffer Scales { vec2 scales[]; };
layout(push_constant) uniform Push {
    uint heads;
    uint scales;   // QUANT = 1: vec2 index of the first block's (d, s)
} p;

#include "q8_1_store.glsl"

shared float combined[QUANT != 0u ? HD : 1u];

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y;
    uint base = (token * p.heads + head) * SPLITS * (HD + 2u);
    float mx = -1e30;
    for (uint s = 0; s < SPLITS; s++) mx = max(mx, part[base + s * (HD + 2u)]);
    float total = 0.0;
    for (uint s = 0; s < SPLITS; s++) total += exp(part[base + s * (HD + 2u)] - mx) * part[base + s * (HD + 2u) + 1u];
    for (uint d = gl_LocalInvocationID.x; d < HD; d += WG) {
        float v = 0.0;
        for (uint s = 0; s < SPLITS; s++) v += exp(part[base + s * (HD + 2u)] - mx) * part[base + s * (HD + 2u) + 2u + d];
        if (QUANT != 0u) combined[d] = v / total;
        else o[(token * p.heads + head) * HD + d] = v / total;
    }
    if (QUANT == 0u) return;
    barrier();
    uint block = gl_LocalInvocationID.x;
    if (block >= HD / 32u) return;
    vec4 v[8];
    [[unroll]] for (uint r = 0; r < 8u; r++) {
        uint i = 32u * block + 4u * r;
        v[r] = vec4(combined[i], combined[i + 1u], combined[i + 2u], combined[i + 3u]);
    }
    q8_1_store(v, (token * p.heads + head) * (HD / 32u) + block, p.scales);
}
