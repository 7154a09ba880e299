#version 450
// Combines the SPLITS partial attentions of each (head, token) written by attention.comp:
// out = sum_s e^(m_s - M) acc_s / sum_s e^(m_s - M) l_s with M the largest partial max.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint HD = 128;
layout(constant_id = 2) const uint SPLITS = 2;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Partials { float part[]; };
layout(binding = 1) writeonly buffer Output { float o[]; };
layout(push_constant) uniform Push {
    uint heads;
} p;

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
        o[(token * p.heads + head) * HD + d] = v / total;
    }
}
