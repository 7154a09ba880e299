#version 450
// Causal attention over the F16 KV cache, one workgroup per (query head, token), streaming the
// cache in tiles of WG positions with an online softmax (running max and sum), so no score
// buffer is needed and any context length works. Token t of the step sees positions
// 0..pos0+t. Grouped-query attention: query head h reads KV head h / (heads / kvHeads).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint DPT = 2;   // head dimensions per invocation: ceil(headDim / WG)
layout(constant_id = 2) const uint HD = 128;  // head dimension (a constant, so the key loop unrolls)
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Query { float q[]; };
layout(binding = 1) readonly buffer KCache { uint kc[]; };
layout(binding = 2) readonly buffer VCache { uint vc[]; };
layout(binding = 3) writeonly buffer Output { float o[]; };
#define STEP_BINDING 4
#include "step.glsl"
layout(push_constant) uniform Push {
    uint heads;
    uint kvHeads;
    uint headDim;
    float scale;   // 1 / sqrt(headDim)
} p;

shared float qs[WG * DPT];
shared float probs[WG];

float v_at(uint key, uint kvBase, uint d, uint kvDim) {
    uint idx = key * kvDim + kvBase + d;
    vec2 pair = unpackHalf2x16(vc[idx >> 1]);
    return (idx & 1u) != 0u ? pair.y : pair.x;
}

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y;
    uint lid = gl_LocalInvocationID.x;
    uint kvDim = p.kvHeads * p.headDim;
    uint kvBase = (head / (p.heads / p.kvHeads)) * p.headDim;
    uint len = step.pos0 + token + 1u;
    uint qBase = (token * p.heads + head) * p.headDim;
    for (uint d = lid; d < p.headDim; d += WG) qs[d] = q[qBase + d] * p.scale;
    barrier();

    float m = -1e30, l = 0.0;
    float acc[DPT];
    [[unroll]] for (uint i = 0; i < DPT; i++) acc[i] = 0.0;
    for (uint t0 = 0; t0 < len; t0 += WG) {
        uint key = t0 + lid;
        float s = -1e30;
        if (key < len) {
            s = 0.0;
            uint kb = (key * kvDim + kvBase) >> 1;
            [[unroll]] for (uint i = 0; i < HD / 2u; i++) {
                vec2 k2 = unpackHalf2x16(kc[kb + i]);
                s += qs[2u * i] * k2.x + qs[2u * i + 1u] * k2.y;
            }
        }
        float mNew = max(m, wg_max(s));
        float corr = exp(m - mNew);
        float pr = key < len ? exp(s - mNew) : 0.0;
        probs[lid] = pr;
        l = l * corr + wg_sum(pr);
        uint n = min(WG, len - t0);
        [[unroll]] for (uint i = 0; i < DPT; i++) {
            uint d = lid + i * WG;
            if (d < p.headDim) {
                // Eight keys per step keep eight independent loads in flight.
                float a = acc[i] * corr;
                uint j = 0;
                for (; j + 8u <= n; j += 8u) {
                    [[unroll]] for (uint u = 0; u < 8u; u++) a += probs[j + u] * v_at(t0 + j + u, kvBase, d, kvDim);
                }
                for (; j < n; j++) a += probs[j] * v_at(t0 + j, kvBase, d, kvDim);
                acc[i] = a;
            }
        }
        m = mNew;
        barrier();
    }
    [[unroll]] for (uint i = 0; i < DPT; i++) {
        uint d = lid + i * WG;
        if (d < p.headDim) o[qBase + d] = acc[i] / l;
    }
}
