#version 450
// Mixture-of-experts routing on the GPU, so that decode needs no host round trip per layer: for
// each token (one invocation) the k experts with the largest router logits (+ bias where the
// model has one; the lower index first on a tie) and their weights, a softmax over the k chosen
// logits — the routing of tandem.engine.cpu.ExpertRouting. The expert products read ids and
// weights from here (matvec.comp built with MOE).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint MAX_USED = 8;   // k at most (the arrays below)
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

void main() {
    uint token = gl_GlobalInvocationID.x;
    if (token >= p.tokens) return;
    uint base = token * p.experts;
    uint chosen[MAX_USED];
    float value[MAX_USED];
    for (uint s = 0; s < p.used; s++) {
        uint best = 0xFFFFFFFFu;
        float bestValue = 0.0;
        for (uint e = 0; e < p.experts; e++) {
            bool taken = false;
            for (uint j = 0; j < s; j++) taken = taken || chosen[j] == e;
            if (taken) continue;
            float v = logits[base + e] + (p.bias != 0u ? bias[e] : 0.0);
            if (best == 0xFFFFFFFFu || v > bestValue) {
                best = e;
                bestValue = v;
            }
        }
        chosen[s] = best;
        value[s] = bestValue;
    }
    float sum = 0.0, largest = value[0];
    for (uint s = 0; s < p.used; s++) {
        value[s] = exp(value[s] - largest);
        sum += value[s];
    }
    for (uint s = 0; s < p.used; s++) {
        ids[token * p.used + s] = chosen[s];
        weights[token * p.used + s] = value[s] / sum;
    }
}
