#version 450
// Causal attention over the KV cache (its layout, one build per cache type: kv_cache.glsl), one workgroup per (query head, token), streaming the
// cache in tiles of WG positions with an online softmax (running max and sum), so no score
// buffer is needed and any context length works. Token t of the step sees positions
// 0..pos0+t. Grouped-query attention: query head h reads KV head h / (heads / kvHeads).
// With SPLITS > 1 (decode over a long cache) gl_WorkGroupID.z takes one of SPLITS ranges of the
// cache and writes its unnormalised partial (max, sum, weighted values) for attention_combine.
// With ROPE = 1 (decode: one token) the kernel also does rope_store's work, which saves a dispatch
// and a barrier per layer: each workgroup ropes its query head and the step's key head itself and
// takes the step's key and value from shared memory (rounded as the cache holds them); the
// first query head of each KV group, in the split that holds the last position, appends them to
// the caches for later steps. No workgroup reads the cache at the step's position.
// p.window > 0 limits each query to the last p.window positions (sliding-window layers); with
// SINKS = 1 each head's learned sink logit (gpt-oss) joins the softmax's denominator, added by
// split 0 (so attention_combine needs no change).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint HD = 128;  // head dimension (a constant, so the loops unroll)
layout(constant_id = 2) const uint SPLITS = 1;
layout(constant_id = 3) const uint ROPE = 0;
layout(constant_id = 4) const uint NEOX = 0;
layout(constant_id = 5) const uint SINKS = 0;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Query { float q[]; };
#define KV_K_BINDING 1   // written only with ROPE = 1
#define KV_V_BINDING 2
#include "kv_cache.glsl"
layout(binding = 3) writeonly buffer Output { float o[]; };
#define STEP_BINDING 4
#include "step.glsl"
// Per (token, head, split): max, sum, then HD weighted value sums (SPLITS > 1 only).
layout(binding = 5) writeonly buffer Partials { float part[]; };
// ROPE = 1 only: the step's (unrotated) keys and values, and the cos/sin table.
layout(binding = 6) readonly buffer Keys { float knew[]; };
layout(binding = 7) readonly buffer Values { float vnew[]; };
layout(binding = 8) readonly buffer Table { vec2 cs[]; };
layout(binding = 9) readonly buffer Sinks { float sinks[]; };   // [heads], SINKS = 1 only
layout(push_constant) uniform Push {
    uint heads;
    uint kvHeads;
    uint headDim;
    float scale;   // factor on Q·K (1 / sqrt(headDim) unless the model says otherwise)
    uint ropeDim;  // ROPE = 1 only
    uint window;   // sliding window: the query sees its last `window` positions; 0 = all
    uint ring;     // cache rows of a sliding-window ring (position t in row t % ring); 0 = every position
} p;
#include "rope.glsl"

// The weighted sum of values works on pairs of dimensions (one 32-bit load each). When the
// workgroup is wider than a head has pairs, KG groups of invocations take every KG-th key and
// their sums are added at the end; otherwise each invocation takes PPT pairs of every key.
const uint PAIRS = HD / 2u;
const uint KG = WG >= PAIRS ? WG / PAIRS : 1u;
const uint PPT = (PAIRS + WG - 1u) / WG;

shared float qs[HD];
shared float ks[ROPE != 0u ? HD : 1u];   // the step's key and value (ROPE = 1)
shared vec2 vs[ROPE != 0u ? HD / 2u : 1u];
shared float probs[WG];
shared vec2 group_sums[WG];

void emit(uint pair, vec2 value, uint qBase, uint record, float l) {
    if (SPLITS == 1u) {
        o[qBase + 2u * pair] = value.x / l;
        o[qBase + 2u * pair + 1u] = value.y / l;
    } else {
        part[record + 2u + 2u * pair] = value.x;
        part[record + 3u + 2u * pair] = value.y;
    }
}

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y;
    uint lid = gl_LocalInvocationID.x;
    uint kvDim = p.kvHeads * p.headDim;
    uint kvBase = (head / (p.heads / p.kvHeads)) * p.headDim;
    uint len = step.pos0 + token + 1u;
    uint lo = p.window != 0u && len > p.window ? len - p.window : 0u;
    uint split = gl_WorkGroupID.z;
    uint per = (len - lo + SPLITS - 1u) / SPLITS;
    uint start = min(len, lo + split * per), end = min(len, start + per);
    uint qBase = (token * p.heads + head) * p.headDim;
    uint record = ((token * p.heads + head) * SPLITS + split) * (HD + 2u);
    uint last = len - 1u;   // the step's own position (ROPE = 1: never read from the cache)
    if (ROPE == 0u) {
        for (uint d = lid; d < p.headDim; d += WG) qs[d] = q[qBase + d] * p.scale;
    } else {
        for (uint d = lid; d < p.headDim; d += WG) {
            uint partner = d < p.ropeDim ? rope_partner(d, p.ropeDim) : d;
            qs[d] = rope_rotate(q[qBase + d], q[qBase + partner], d, last, p.ropeDim) * p.scale;
            ks[d] = rope_rotate(knew[kvBase + d], knew[kvBase + partner], d, last, p.ropeDim);
        }
        for (uint pr = lid; pr < p.headDim / 2u; pr += WG) vs[pr] = vec2(vnew[kvBase + 2u * pr], vnew[kvBase + 2u * pr + 1u]);
        barrier();
        // One invocation a cache block: append the step's key and value (the first query head of each
        // KV group, in the split that holds the last position), then keep them rounded as stored.
        bool appends = head % (p.heads / p.kvHeads) == 0u && start < end && end == len;
        uint cacheBase = (cache_row(last, p.ring) * kvDim + kvBase) / 2u;
        for (uint b = lid * KV_BLOCK_PAIRS; b < p.headDim / 2u; b += WG * KV_BLOCK_PAIRS) {
            vec2 kx[KV_BLOCK_PAIRS], vx[KV_BLOCK_PAIRS];
            [[unroll]] for (uint i = 0; i < KV_BLOCK_PAIRS; i++) {
                kx[i] = vec2(ks[2u * (b + i)], ks[2u * (b + i) + 1u]);
                vx[i] = vs[b + i];
            }
            if (appends) {
                kv_store(false, cacheBase + b, kx);
                kv_store(true, cacheBase + b, vx);
            }
            kv_round(kx);
            kv_round(vx);
            [[unroll]] for (uint i = 0; i < KV_BLOCK_PAIRS; i++) {
                ks[2u * (b + i)] = kx[i].x;
                ks[2u * (b + i) + 1u] = kx[i].y;
                vs[b + i] = vx[i];
            }
        }
    }
    barrier();

    float m = -1e30, l = 0.0;
    uint group = KG > 1u ? lid / PAIRS : 0u;
    vec2 acc[PPT];
    [[unroll]] for (uint i = 0; i < PPT; i++) acc[i] = vec2(0.0);
    for (uint t0 = start; t0 < end; t0 += WG) {
        uint key = t0 + lid;
        float s = -1e30;
        if (key < end) {
            s = 0.0;
            if (ROPE != 0u && key == last) {
                [[unroll]] for (uint i = 0; i < HD; i++) s += qs[i] * ks[i];
            } else {
                uint kb = (cache_row(key, p.ring) * kvDim + kvBase) >> 1;
                [[unroll]] for (uint i = 0; i < HD / 2u; i++) {
                    vec2 k2 = kv_pair(false, kb + i);
                    s += qs[2u * i] * k2.x + qs[2u * i + 1u] * k2.y;
                }
            }
        }
        float mNew = max(m, wg_max(s));
        float corr = exp(m - mNew);
        float pr = key < end ? exp(s - mNew) : 0.0;
        probs[lid] = pr;
        l = l * corr + wg_sum(pr);
        uint n = min(WG, end - t0);
        // ROPE = 1: the step's own value comes from shared memory, after the loop over the cache
        bool ownValue = ROPE != 0u && t0 + n == len;
        uint cached = ownValue ? n - 1u : n;
        [[unroll]] for (uint i = 0; i < PPT; i++) {
            uint pair = KG > 1u ? lid % PAIRS : lid + i * WG;
            if (group < KG && pair < PAIRS) {
                vec2 a = acc[i] * corr;
                uint rowPairs = kvDim / 2u, vb = kvBase / 2u + pair;
                uint j = group;
                // Four keys per step keep four independent loads in flight.
                for (; j + 3u * KG < cached; j += 4u * KG) {
                    [[unroll]] for (uint u = 0; u < 4u; u++) {
                        a += probs[j + u * KG] * kv_pair(true, vb + cache_row(t0 + j + u * KG, p.ring) * rowPairs);
                    }
                }
                for (; j < cached; j += KG) a += probs[j] * kv_pair(true, vb + cache_row(t0 + j, p.ring) * rowPairs);
                if (ownValue && group == (n - 1u) % KG) a += probs[n - 1u] * vs[pair];
                acc[i] = a;
            }
        }
        m = mNew;
        barrier();
    }
    if (SINKS != 0u && split == 0u) l += exp(sinks[head] - m);
    if (SPLITS > 1u && lid == 0u) {
        part[record] = m;
        part[record + 1u] = l;
    }
    if (KG > 1u) {
        group_sums[lid] = acc[0];
        barrier();
        if (lid < PAIRS) {
            vec2 total = vec2(0.0);
            for (uint g = 0; g < KG; g++) total += group_sums[g * PAIRS + lid];
            emit(lid, total, qBase, record, l);
        }
        return;
    }
    [[unroll]] for (uint i = 0; i < PPT; i++) {
        uint pair = lid + i * WG;
        if (pair < PAIRS) emit(pair, acc[i], qBase, record, l);
    }
}
