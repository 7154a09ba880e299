#version 450
// Causal attention for prompts (steps of several tokens) over the KV cache (its layout, one build
// per cache type: kv_cache.glsl), flash-style: one
// workgroup per (query head, block of BQ tokens) streams the cache in tiles of KT positions. Each
// K/V tile is staged once in shared memory and serves all BQ queries (the decode kernel,
// attention.comp, reads the cache once per token). Per tile: the BQ x KT scores (each invocation
// 4 queries x KT/16 keys), the online softmax (running max and sum per query, one invocation per
// query), then the weighted values (each invocation 4 queries x every 16th pair of dimensions).
// Token t of the step sees positions 0..pos0+t (the last `window` of them on a sliding-window
// layer); grouped-query attention: query head h reads KV
// head h / (heads / kvHeads). Same bindings as attention.comp (no partials), and the step's token
// count in the push constants.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 128;   // 4 * BQ
layout(constant_id = 1) const uint HD = 128;   // head dimension (even)
layout(constant_id = 2) const uint KT = 32;    // cache positions per tile (a multiple of 16)
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Query { vec2 q2[]; };
#define KV_K_BINDING 1
#define KV_V_BINDING 2
#define KV_READONLY
#include "kv_cache.glsl"
layout(binding = 3) writeonly buffer Output { vec2 o2[]; };
#define STEP_BINDING 4
#include "step.glsl"
layout(push_constant) uniform Push {
    uint heads;
    uint kvHeads;
    uint headDim;
    float scale;   // factor on Q·K
    uint tokens;   // tokens in this step
    uint window;   // sliding window: each query sees its last `window` positions; 0 = all
    uint ring;     // cache rows of a sliding-window ring (position t in row t % ring); 0 = every position
} p;

const uint BQ = WG / 4u;            // queries (tokens) per workgroup
const uint PAIRS = HD / 2u;         // a cache row of one head is PAIRS pairs of values
const uint QLINE = PAIRS + 1u;      // padded lines: consecutive lines start in different banks
const uint KLINE = PAIRS + 1u;
const uint PLINE = KT + 1u;
const uint SK = KT / 16u;           // keys per invocation in the score phase
const uint PPT = (PAIRS + 15u) / 16u;   // pairs per invocation in the value phase
const float MASKED = -1e30;

shared vec2 qs[BQ * QLINE];         // scaled queries, float
shared KV_TILE ks[KT * KLINE];      // key tile (float16 pairs for an F16 cache, else float pairs)
shared KV_TILE vs[KT * KLINE];      // value tile
shared float ps[BQ * PLINE];        // scores, then probabilities
shared float corr[BQ];              // per query: the rescale of this tile
shared float rowSum[BQ];            // per query: the softmax denominator at the end

void main() {
    uint head = gl_WorkGroupID.x, tok0 = gl_WorkGroupID.y * BQ;
    uint lid = gl_LocalInvocationID.x;
    uint kvDim = p.kvHeads * p.headDim;
    uint kvPair0 = (head / (p.heads / p.kvHeads)) * PAIRS;   // this head's KV pairs within a cache row
    uint tokens = p.tokens;
    uint rowsHere = min(BQ, tokens - tok0);
    uint cacheLen = step.pos0 + tok0 + rowsHere;   // positions the last query of the block sees

    for (uint i = lid; i < BQ * PAIRS; i += WG) {
        uint r = i / PAIRS, d = i % PAIRS;
        uint t = min(tok0 + r, tokens - 1u);
        qs[r * QLINE + d] = q2[(t * p.heads + head) * PAIRS + d] * p.scale;
    }

    // Score phase: queries 4*qg..4*qg+3, keys kg + 16*j. Value phase: queries 4*qg.., pairs pg + 16*n.
    uint qg = lid / 16u, kg = lid % 16u;
    float m = MASKED, l = 0.0;           // the running max and sum of query lid (lid < BQ)
    uint myLen = step.pos0 + tok0 + lid + 1u;
    uint myLo = p.window != 0u && myLen > p.window ? myLen - p.window : 0u;
    // tiles before the first query's window hold no key any query of the block sees
    uint firstLen = step.pos0 + tok0 + 1u;
    uint kStart = p.window != 0u && firstLen > p.window ? (firstLen - p.window) / KT * KT : 0u;
    vec2 acc[4][PPT];
    [[unroll]] for (uint r = 0; r < 4u; r++) [[unroll]] for (uint n = 0; n < PPT; n++) acc[r][n] = vec2(0.0);

    for (uint k0 = kStart; k0 < cacheLen; k0 += KT) {
        // Positions past the step's last are never written this step: zeros, not whatever the
        // memory holds (a NaN times a zero probability would still be NaN).
        for (uint i = lid; i < KT * PAIRS; i += WG) {
            uint key = k0 + i / PAIRS, d = i % PAIRS;
            bool inside = key < cacheLen;
            uint src = (cache_row(min(key, cacheLen - 1u), p.ring) * kvDim) / 2u + kvPair0 + d;
            ks[(i / PAIRS) * KLINE + d] = inside ? kv_tile(false, src) : KV_TILE_ZERO;
            vs[(i / PAIRS) * KLINE + d] = inside ? kv_tile(true, src) : KV_TILE_ZERO;
        }
        barrier();

        float s[4][SK];
        [[unroll]] for (uint r = 0; r < 4u; r++) [[unroll]] for (uint j = 0; j < SK; j++) s[r][j] = 0.0;
        for (uint d = 0; d < PAIRS; d++) {
            vec2 kv[SK];
            [[unroll]] for (uint j = 0; j < SK; j++) kv[j] = kv_tile_pair(ks[(kg + 16u * j) * KLINE + d]);
            [[unroll]] for (uint r = 0; r < 4u; r++) {
                vec2 qv = qs[(4u * qg + r) * QLINE + d];
                [[unroll]] for (uint j = 0; j < SK; j++) s[r][j] += qv.x * kv[j].x + qv.y * kv[j].y;
            }
        }
        [[unroll]] for (uint r = 0; r < 4u; r++) {
            [[unroll]] for (uint j = 0; j < SK; j++) ps[(4u * qg + r) * PLINE + kg + 16u * j] = s[r][j];
        }
        barrier();

        if (lid < BQ) {
            // Keys past this query's position (causal mask), past the cache or before its window
            // count as absent.
            uint valid = myLen > k0 ? min(KT, myLen - k0) : 0u;
            uint skip = myLo > k0 ? min(KT, myLo - k0) : 0u;
            float mx = MASKED;
            for (uint k = skip; k < valid; k++) mx = max(mx, ps[lid * PLINE + k]);
            float mNew = max(m, mx);
            float c = exp(m - mNew), sum = 0.0;
            for (uint k = 0; k < KT; k++) {
                float pr = k >= skip && k < valid ? exp(ps[lid * PLINE + k] - mNew) : 0.0;
                ps[lid * PLINE + k] = pr;
                sum += pr;
            }
            l = l * c + sum;
            m = mNew;
            corr[lid] = c;
        }
        barrier();

        float c4[4];
        [[unroll]] for (uint r = 0; r < 4u; r++) c4[r] = corr[4u * qg + r];
        [[unroll]] for (uint r = 0; r < 4u; r++) [[unroll]] for (uint n = 0; n < PPT; n++) acc[r][n] *= c4[r];
        for (uint k = 0; k < KT; k++) {
            float pr[4];
            [[unroll]] for (uint r = 0; r < 4u; r++) pr[r] = ps[(4u * qg + r) * PLINE + k];
            [[unroll]] for (uint n = 0; n < PPT; n++) {
                uint pair = kg + 16u * n;
                if (pair < PAIRS) {
                    vec2 v = kv_tile_pair(vs[k * KLINE + pair]);
                    [[unroll]] for (uint r = 0; r < 4u; r++) acc[r][n] += pr[r] * v;
                }
            }
        }
        barrier();
    }

    if (lid < BQ) rowSum[lid] = l;
    barrier();
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        uint row = 4u * qg + r, t = tok0 + row;
        if (t >= tokens) continue;
        float inv = 1.0 / rowSum[row];
        [[unroll]] for (uint n = 0; n < PPT; n++) {
            uint pair = kg + 16u * n;
            if (pair < PAIRS) o2[(t * p.heads + head) * PAIRS + pair] = acc[r][n] * inv;
        }
    }
}
