#version 450
// Mixture-of-experts routing on the GPU, so that decode needs no host round trip per layer: one
// workgroup per token picks the k experts with the largest router logits (+ bias where the model
// has one; the lower index first on a tie), one at a time by a workgroup-wide max, and weights them
// by a softmax over the k chosen logits — the routing of tandem.engine.cpu.ExpertRouting. The
// expert products read the ids and weights from here (matvec.comp built with MOE).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint MAX_USED = 16;      // k at most
layout(constant_id = 2) const uint MAX_EXPERTS = 512;  // experts at most (the taken flags)
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Logits { float logits[]; };    // [tokens][experts]
layout(binding = 1) readonly buffer Bias { float bias[]; };        // [experts], read when p.bias = 1
layout(binding = 2) writeonly buffer Ids { uint ids[]; };          // [tokens][used]
layout(binding = 3) writeonly buffer Weights { float weights[]; }; // [tokens][used]
layout(push_constant) uniform Push {
    uint experts;
    uint used;
    uint tokens;
    uint bias;
} p;

shared bool taken[MAX_EXPERTS];
shared float scores[MAX_EXPERTS];  // the token's router logits (+ bias), read from memory once
shared uint reduce_index[WG];
shared uint chosen[MAX_USED];
shared float value[MAX_USED];

// The smallest v over the workgroup (contains barriers: uniform control flow only).
uint wg_min_index(uint v) {
    v = subgroupMin(v);
    if (subgroupElect()) reduce_index[gl_SubgroupID] = v;
    barrier();
    uint m = reduce_index[0];
    for (uint i = 1; i < gl_NumSubgroups; i++) m = min(m, reduce_index[i]);
    barrier();
    return m;
}

void main() {
    uint token = gl_WorkGroupID.x, lid = gl_LocalInvocationID.x;
    uint base = token * p.experts;
    // One read of the logits into shared memory: the k rounds below scan them k times, and a round of
    // memory reads per chosen expert was most of this kernel's time (8 rounds on Qwen3-30B-A3B).
    for (uint e = lid; e < p.experts; e += WG) {
        taken[e] = false;
        scores[e] = logits[base + e] + (p.bias != 0u ? bias[e] : 0.0);
    }
    barrier();
    for (uint s = 0; s < p.used; s++) {
        // each invocation's best untaken expert (ascending e and a strict '>' keep the lower index on a tie)
        float best = -3.0e38;
        uint bestIndex = 0xFFFFFFFFu;
        for (uint e = lid; e < p.experts; e += WG) {
            float v = scores[e];
            if (!taken[e] && (bestIndex == 0xFFFFFFFFu || v > best)) {
                best = v;
                bestIndex = e;
            }
        }
        float top = wg_max(best);
        uint index = wg_min_index(bestIndex != 0xFFFFFFFFu && best == top ? bestIndex : 0xFFFFFFFFu);
        if (lid == 0u) {
            chosen[s] = index;
            value[s] = top;
            taken[index] = true;
        }
        barrier();
    }
    if (lid == 0u) {
        float sum = 0.0;
        for (uint s = 0; s < p.used; s++) sum += exp(value[s] - value[0]);
        for (uint s = 0; s < p.used; s++) {
            ids[token * p.used + s] = chosen[s];
            weights[token * p.used + s] = exp(value[s] - value[0]) / sum;
        }
    }
}
