#version 450
// Causal attention over the KV cache (its layout, one build per cache type: kv_cache.glsl), one workgroup per (GQ query
// heads of one KV head, token), streaming the cache in tiles of WG positions with an online softmax (running max and
// sum), so no score buffer is needed and any context length works. Token t of the step sees positions
// 0..pos0+t. Grouped-query attention: query head h reads KV head h / (heads / kvHeads); the GQ heads of a workgroup
// share each key and value the workgroup reads, so a long cache is read once per KV head, not once per query head
// (the host picks GQ: Kernels#attentionQueryGroup).
// With SPLITS > 1 (decode over a long cache) gl_WorkGroupID.z takes one of SPLITS ranges of the
// cache (MIN_RANGE positions at least, so a short cache leaves the last splits empty) and writes its unnormalised partial
// (max, sum, weighted values) for attention_combine.
// With ROPE = 1 (decode: one token) the kernel also does rope_store's work, which saves a dispatch
// and a barrier per layer: each workgroup ropes its query heads and the step's key head itself and
// takes the step's key and value from shared memory (rounded as the cache holds them); the
// workgroup of each KV group's first query head, in the split that holds the last position, appends them to
// the caches for later steps. No workgroup reads the cache at the step's position. With QK_NORM = 1 (Qwen3, Gemma 3)
// it also does the per-head RMS norm of the query and the step's key before the rotation (weights at bindings 10
// and 11, epsilon QK_EPS), which saves the q/k norm dispatch and its barrier.
// p.window > 0 limits each query to the last p.window positions (sliding-window layers); with
// SINKS = 1 each head's learned sink logit (gpt-oss) joins the softmax's denominator, added by
// split 0 (so attention_combine needs no change).
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_shuffle : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint HD = 128;  // head dimension (a constant, so the loops unroll)
layout(constant_id = 2) const uint SPLITS = 1;
layout(constant_id = 3) const uint ROPE = 0;
layout(constant_id = 4) const uint NEOX = 0;
layout(constant_id = 5) const uint SINKS = 0;
layout(constant_id = 6) const uint GQ = 1;    // query heads per workgroup, a divisor of heads / kvHeads
// Scores: 0 = an invocation reads a whole key row; else LANES neighbouring invocations (a power of two dividing HD / 2
// and the subgroup) share each row, so a subgroup's loads are contiguous, and add their parts with shuffles.
layout(constant_id = 7) const uint LANES = 0;
layout(constant_id = 8) const uint MIN_RANGE = 64;   // SPLITS > 1: positions a split takes at least
layout(constant_id = 9) const uint QK_NORM = 0;      // ROPE = 1 only
layout(constant_id = 10) const float QK_EPS = 1e-6;
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
layout(binding = 10) readonly buffer QueryNorm { float qnorm[]; };  // [headDim], QK_NORM = 1 only
layout(binding = 11) readonly buffer KeyNorm { float knorm[]; };    // [headDim], QK_NORM = 1 only
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

shared float qs[GQ * HD];   // the workgroup's queries, head after head
shared float qraw[QK_NORM != 0u ? GQ * HD : 1u];   // QK_NORM = 1: the normed queries and key before the rotation
shared float kraw[QK_NORM != 0u ? HD : 1u];
shared float ks[ROPE != 0u ? HD : 1u];   // the step's key and value (ROPE = 1)
shared vec2 vs[ROPE != 0u ? HD / 2u : 1u];
shared float probs[GQ * WG];
// Per query head, one entry per subgroup: the tile's maxima and sums (two arrays save a barrier). The host
// builds GQ > 1 only where subgroups are 4 invocations wide or more.
const uint SUBGROUPS_MAX = GQ > 1u ? WG / 4u : WG;
shared float tile_max[GQ * SUBGROUPS_MAX];
shared float tile_sum[GQ * SUBGROUPS_MAX];
shared vec2 group_sums[KG > 1u ? WG : 1u];

void emit(uint pair, vec2 value, uint qBase, uint record, float l) {
    if (SPLITS == 1u) {
        o[qBase + 2u * pair] = value.x / l;
        o[qBase + 2u * pair + 1u] = value.y / l;
    } else {
        part[record + 2u + 2u * pair] = value.x;
        part[record + 3u + 2u * pair] = value.y;
    }
}

// Element e of the workgroup's queries (head after head) and element d of the step's key, before the rotation.
float query_in(uint qBase, uint e) { return QK_NORM != 0u ? qraw[e] : q[qBase + e]; }
float key_in(uint kvBase, uint d) { return QK_NORM != 0u ? kraw[d] : knew[kvBase + d]; }

// QK_NORM = 1: qraw and kraw get the workgroup's queries and the step's key, each head RMS-normed times its weight.
void normQueriesAndKey(uint qBase, uint kvBase) {
    uint lid = gl_LocalInvocationID.x;
    for (uint e = lid; e < GQ * HD; e += WG) qraw[e] = q[qBase + e];
    for (uint d = lid; d < HD; d += WG) kraw[d] = knew[kvBase + d];
    barrier();
    float inv[GQ + 1u];   // the GQ query heads', then the key's
    [[unroll]] for (uint g = 0; g <= GQ; g++) {
        float squares = 0.0;
        for (uint d = lid; d < HD; d += WG) {
            float x = g < GQ ? qraw[g * HD + d] : kraw[d];
            squares += x * x;
        }
        inv[g] = inversesqrt(wg_sum(squares) / float(HD) + QK_EPS);
    }
    for (uint e = lid; e < GQ * HD; e += WG) qraw[e] *= inv[e / HD] * qnorm[e % HD];
    for (uint d = lid; d < HD; d += WG) kraw[d] *= inv[GQ] * knorm[d];
    barrier();
}

void main() {
    uint head0 = gl_WorkGroupID.x * GQ, token = gl_WorkGroupID.y;
    uint lid = gl_LocalInvocationID.x;
    uint kvDim = p.kvHeads * p.headDim;
    uint kvBase = (head0 / (p.heads / p.kvHeads)) * p.headDim;
    uint len = step.pos0 + token + 1u;
    uint lo = p.window != 0u && len > p.window ? len - p.window : 0u;
    uint split = gl_WorkGroupID.z;
    uint per = max((len - lo + SPLITS - 1u) / SPLITS, SPLITS > 1u ? MIN_RANGE : 1u);
    uint start = min(len, lo + split * per), end = min(len, start + per);
    uint qBase = (token * p.heads + head0) * p.headDim;   // query head head0 + g at qBase + g * headDim
    uint record = ((token * p.heads + head0) * SPLITS + split) * (HD + 2u);   // head0 + g at record + g * SPLITS * (HD + 2)
    uint last = len - 1u;   // the step's own position (ROPE = 1: never read from the cache)
    if (ROPE == 0u) {
        for (uint e = lid; e < GQ * HD; e += WG) qs[e] = q[qBase + e] * p.scale;
    } else {
        if (QK_NORM != 0u) normQueriesAndKey(qBase, kvBase);
        for (uint e = lid; e < GQ * HD; e += WG) {
            uint d = e % HD, head = e - d;
            uint partner = d < p.ropeDim ? rope_partner(d, p.ropeDim) : d;
            qs[e] = rope_rotate(query_in(qBase, head + d), query_in(qBase, head + partner), d, last, p.ropeDim) * p.scale;
        }
        for (uint d = lid; d < HD; d += WG) {
            uint partner = d < p.ropeDim ? rope_partner(d, p.ropeDim) : d;
            ks[d] = rope_rotate(key_in(kvBase, d), key_in(kvBase, partner), d, last, p.ropeDim);
        }
        for (uint pr = lid; pr < HD / 2u; pr += WG) vs[pr] = vec2(vnew[kvBase + 2u * pr], vnew[kvBase + 2u * pr + 1u]);
        barrier();
        // One invocation a cache block: append the step's key and value (the workgroup of the KV group's first query
        // head, in the split that holds the last position), then keep them rounded as stored.
        bool appends = head0 % (p.heads / p.kvHeads) == 0u && start < end && end == len;
        uint cacheBase = (cache_row(last, p.ring) * kvDim + kvBase) / 2u;
        for (uint b = lid * KV_BLOCK_PAIRS; b < HD / 2u; b += WG * KV_BLOCK_PAIRS) {
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

    float m[GQ], l[GQ];
    [[unroll]] for (uint g = 0; g < GQ; g++) {
        m[g] = -1e30;
        l[g] = 0.0;
    }
    uint group = KG > 1u ? lid / PAIRS : 0u;
    vec2 acc[GQ * PPT];   // head g's pairs at acc[g * PPT + i]
    [[unroll]] for (uint i = 0; i < GQ * PPT; i++) acc[i] = vec2(0.0);
    for (uint t0 = start; t0 < end; t0 += WG) {
        // Scores of the tile's keys, each key read once for the GQ query heads; invocation lid gets key t0 + lid's.
        uint key = t0 + lid;
        float s[GQ];
        if (LANES == 0u) {
            [[unroll]] for (uint g = 0; g < GQ; g++) s[g] = key < end ? 0.0 : -1e30;
            if (key < end) {
                if (ROPE != 0u && key == last) {
                    [[unroll]] for (uint i = 0; i < HD; i++) {
                        [[unroll]] for (uint g = 0; g < GQ; g++) s[g] += qs[g * HD + i] * ks[i];
                    }
                } else {
                    uint kb = (cache_row(key, p.ring) * kvDim + kvBase) >> 1;
                    [[unroll]] for (uint i = 0; i < HD / 2u; i++) {
                        vec2 k2 = kv_pair(false, kb + i);
                        [[unroll]] for (uint g = 0; g < GQ; g++) s[g] += qs[g * HD + 2u * i] * k2.x + qs[g * HD + 2u * i + 1u] * k2.y;
                    }
                }
            }
        } else {
            // WG / LANES keys per pass, LANES passes; the scores go through probs to the invocation of their key.
            uint lane = lid % LANES;
            for (uint pass = 0; pass < LANES; pass++) {
                if (t0 + pass * (WG / LANES) >= end) break;   // the same for the whole workgroup: a short range's last passes
                uint index = pass * (WG / LANES) + lid / LANES, passKey = t0 + index;
                float d[GQ];
                [[unroll]] for (uint g = 0; g < GQ; g++) d[g] = 0.0;
                if (passKey < end) {
                    bool own = ROPE != 0u && passKey == last;
                    uint kb = (cache_row(passKey, p.ring) * kvDim + kvBase) >> 1;
                    [[unroll]] for (uint i = lane; i < HD / 2u; i += LANES) {
                        vec2 k2 = own ? vec2(ks[2u * i], ks[2u * i + 1u]) : kv_pair(false, kb + i);
                        [[unroll]] for (uint g = 0; g < GQ; g++) d[g] += qs[g * HD + 2u * i] * k2.x + qs[g * HD + 2u * i + 1u] * k2.y;
                    }
                }
                [[unroll]] for (uint o = LANES / 2u; o > 0u; o >>= 1) {
                    [[unroll]] for (uint g = 0; g < GQ; g++) d[g] += subgroupShuffleXor(d[g], o);
                }
                if (lane == 0u) {
                    [[unroll]] for (uint g = 0; g < GQ; g++) probs[g * WG + index] = d[g];
                }
            }
            barrier();
            [[unroll]] for (uint g = 0; g < GQ; g++) s[g] = key < end ? probs[g * WG + lid] : -1e30;
        }
        // The online softmax of each head: the tile's maximum, the rescale of what came before, the tile's sum.
        [[unroll]] for (uint g = 0; g < GQ; g++) {
            float mx = subgroupMax(s[g]);
            if (subgroupElect()) tile_max[g * SUBGROUPS_MAX + gl_SubgroupID] = mx;
        }
        barrier();
        float corr[GQ];
        [[unroll]] for (uint g = 0; g < GQ; g++) {
            float mx = m[g];
            for (uint i = 0; i < gl_NumSubgroups; i++) mx = max(mx, tile_max[g * SUBGROUPS_MAX + i]);
            corr[g] = exp(m[g] - mx);
            m[g] = mx;
            float pr = key < end ? exp(s[g] - mx) : 0.0;
            probs[g * WG + lid] = pr;
            float sum = subgroupAdd(pr);
            if (subgroupElect()) tile_sum[g * SUBGROUPS_MAX + gl_SubgroupID] = sum;
        }
        barrier();
        [[unroll]] for (uint g = 0; g < GQ; g++) {
            float sum = 0.0;
            for (uint i = 0; i < gl_NumSubgroups; i++) sum += tile_sum[g * SUBGROUPS_MAX + i];
            l[g] = l[g] * corr[g] + sum;
        }
        uint n = min(WG, end - t0);
        // ROPE = 1: the step's own value comes from shared memory, after the loop over the cache
        bool ownValue = ROPE != 0u && t0 + n == len;
        uint cached = ownValue ? n - 1u : n;
        [[unroll]] for (uint i = 0; i < PPT; i++) {
            uint pair = KG > 1u ? lid % PAIRS : lid + i * WG;
            if (group < KG && pair < PAIRS) {
                vec2 a[GQ];
                [[unroll]] for (uint g = 0; g < GQ; g++) a[g] = acc[g * PPT + i] * corr[g];
                uint rowPairs = kvDim / 2u, vb = kvBase / 2u + pair;
                uint j = group;
                // Four keys per step keep four independent loads in flight; each value serves the GQ heads.
                for (; j + 3u * KG < cached; j += 4u * KG) {
                    vec2 v[4];
                    [[unroll]] for (uint u = 0; u < 4u; u++) v[u] = kv_pair(true, vb + cache_row(t0 + j + u * KG, p.ring) * rowPairs);
                    [[unroll]] for (uint u = 0; u < 4u; u++) {
                        [[unroll]] for (uint g = 0; g < GQ; g++) a[g] += probs[g * WG + j + u * KG] * v[u];
                    }
                }
                for (; j < cached; j += KG) {
                    vec2 v = kv_pair(true, vb + cache_row(t0 + j, p.ring) * rowPairs);
                    [[unroll]] for (uint g = 0; g < GQ; g++) a[g] += probs[g * WG + j] * v;
                }
                if (ownValue && group == (n - 1u) % KG) {
                    [[unroll]] for (uint g = 0; g < GQ; g++) a[g] += probs[g * WG + n - 1u] * vs[pair];
                }
                [[unroll]] for (uint g = 0; g < GQ; g++) acc[g * PPT + i] = a[g];
            }
        }
        barrier();
    }
    uint headRecords = SPLITS * (HD + 2u);
    [[unroll]] for (uint g = 0; g < GQ; g++) {
        if (SINKS != 0u && split == 0u) l[g] += exp(sinks[head0 + g] - m[g]);
        if (SPLITS > 1u && lid == 0u) {
            part[record + g * headRecords] = m[g];
            part[record + g * headRecords + 1u] = l[g];
        }
    }
    if (KG > 1u) {
        [[unroll]] for (uint g = 0; g < GQ; g++) {
            group_sums[lid] = acc[g * PPT];
            barrier();
            if (lid < PAIRS) {
                vec2 total = vec2(0.0);
                for (uint k = 0; k < KG; k++) total += group_sums[k * PAIRS + lid];
                emit(lid, total, qBase + g * HD, record + g * headRecords, l[g]);
            }
            barrier();
        }
        return;
    }
    [[unroll]] for (uint g = 0; g < GQ; g++) {
        [[unroll]] for (uint i = 0; i < PPT; i++) {
            uint pair = lid + i * WG;
            if (pair < PAIRS) emit(pair, acc[g * PPT + i], qBase + g * HD, record + g * headRecords, l[g]);
        }
    }
}
