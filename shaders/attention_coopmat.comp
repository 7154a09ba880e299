#version 450
// Causal attention for prompts on the matrix units (VK_KHR_cooperative_matrix): the bindings, push
// constants and results of attention_prompt.comp, with both products (Q·K and P·V) in 16 x 16
// float16 fragments and float32 sums. One workgroup per (query head, block of BQ tokens); each of
// its subgroups owns 16 queries, kept as float16 A fragments (HD/16 of them) for the whole run.
// The cache is streamed in tiles of KT positions staged once in shared memory for all BQ queries.
//
// Two passes over the tiles instead of an online softmax: the accumulators of P·V cannot be
// rescaled row by row in registers (the extension leaves the element layout to the driver), so the
// first pass only finds each query's maximum score (Q·K again, a third of the matrix work), and
// the second adds exp(score - max) · V into accumulators that are never rescaled. Scores and
// probabilities go through a subgroup's scratch in shared memory: two invocations per query read
// its scores, mask them (causal, sliding window) and write its probabilities as float16.
//
// HEAD_DIM (a multiple of 16), KEY_TILE (a multiple of 16) and QUERY_GROUPS (subgroups, 16 queries
// each) are compile-time defines (shaders/variants.txt), so every fragment loop unrolls.
// EMULATE_COOPMAT builds the same kernel without cooperative matrices (fragments.glsl) for CI.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_EXT_control_flow_attributes : enable
#extension GL_KHR_shader_subgroup_basic : require
#ifndef EMULATE_COOPMAT
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_cooperative_matrix : require
#endif
#ifndef HEAD_DIM
#define HEAD_DIM 128
#endif
#ifndef KEY_TILE
#define KEY_TILE 32
#endif
#ifndef QUERY_GROUPS
#define QUERY_GROUPS 4
#endif
layout(local_size_x = QUERY_GROUPS * 32) in;
const uint HD = HEAD_DIM;
const uint KT = KEY_TILE;
const uint SG = QUERY_GROUPS;
const uint BQ = 16u * SG;     // queries (tokens) per workgroup
const uint WG = 32u * SG;
const uint F = 16u;           // fragment side
const uint FD = HD / F;       // fragments along a head
const uint FK = KT / F;       // fragments along a key tile
const float MASKED = -1e30;

layout(binding = 0) readonly buffer Query { vec4 q4[]; };
layout(binding = 1) readonly buffer KCache { uvec2 kc[]; };   // float16, four per uvec2
layout(binding = 2) readonly buffer VCache { uvec2 vc[]; };
layout(binding = 3) writeonly buffer Output { float o[]; };
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

// Shared memory in uvec2 (four halves or two floats): the K and V tiles, a line of HD halves per
// position; then per subgroup its scores (FK stored fragments) and probabilities (16 lines of KT
// halves). The queries are staged as float16 lines in the K and V tiles' space before the loop
// (the emulation reads its fragments from shared memory at every product, so there they keep
// a region of their own).
const uint LINE = HD / 4u + 2u;     // the padding spreads consecutive lines over banks
const uint PLINE = KT / 4u + 2u;
const uint K_BASE = 0u, V_BASE = KT * LINE;
#ifdef EMULATE_COOPMAT
const uint Q_BASE = 2u * KT * LINE;
const uint S_BASE = Q_BASE + BQ * LINE;
#else
#if 2 * KEY_TILE < 16 * QUERY_GROUPS
#error "the queries are staged in the K and V tiles' space: 2 * KEY_TILE >= 16 * QUERY_GROUPS"
#endif
const uint Q_BASE = 0u;
const uint S_BASE = 2u * KT * LINE;
#endif
const uint S_SIZE = FK * (F * F / 2u);
const uint P_BASE = S_BASE + SG * S_SIZE;
shared uvec2 smem[P_BASE + SG * F * PLINE];
shared float pairBuf[WG];           // the two invocations of a query exchange their partial max and sum

#include "fragments.glsl"

// The cache's four halves `quad` of a position's row for this head: the one place K and V are read.
uvec2 key_quad(uint row, uint quad) { return kc[row * (p.kvHeads * HD / 4u) + quad]; }
uvec2 value_quad(uint row, uint quad) { return vc[row * (p.kvHeads * HD / 4u) + quad]; }

// Positions k0 .. k0 + KT - 1 of the cache (zeros past `len`: never written this step, and a NaN
// times a zero probability would still be NaN) into the K tile, and the V tile where `values`.
void load_tile(uint k0, uint len, uint kvQuad0, bool values) {
    for (uint i = gl_LocalInvocationID.x; i < KT * (HD / 4u); i += WG) {
        uint key = k0 + i / (HD / 4u), d = i % (HD / 4u);
        bool inside = key < len;
        uint row = cache_row(min(key, len - 1u), p.ring);
        uint at = (i / (HD / 4u)) * LINE + d;
        smem[K_BASE + at] = inside ? key_quad(row, kvQuad0 + d) : uvec2(0u);
        if (values) smem[V_BASE + at] = inside ? value_quad(row, kvQuad0 + d) : uvec2(0u);
    }
}

// This subgroup's 16 x KT scores of the staged key tile (queries qf), stored column by column in
// its scratch: score (r, c) is float (c % 16) * 16 + r of fragment c / 16.
void scores(in FragA qf[FD], uint sBase) {
    FragAcc s[FK];
    [[unroll]] for (uint j = 0; j < FK; j++) s[j] = frag_zero();
    [[unroll]] for (uint d = 0; d < FD; d++) {
        [[unroll]] for (uint j = 0; j < FK; j++) {
            FragB kb;   // B[dim][key]: one tile line per key
            frag_load_b_at(kb, K_BASE + j * F * LINE + d * (F / 4u), LINE);
            s[j] = frag_mul_add(qf[d], kb, s[j]);
        }
    }
    [[unroll]] for (uint j = 0; j < FK; j++) frag_store(s[j], sBase + j * (F * F / 2u));
}

float score_at(uint sBase, uint r, uint c) {
    uint f = (c % F) * F + r;
    return uintBitsToFloat(smem[sBase + (c / F) * (F * F / 2u) + f / 2u][f % 2u]);
}

void main() {
    uint head = gl_WorkGroupID.x, tok0 = gl_WorkGroupID.y * BQ;
    uint lid = gl_LocalInvocationID.x, sg = SUBGROUP_ID, lane = SUBGROUP_LANE;
    uint tokens = p.tokens;
    uint cacheLen = step.pos0 + tok0 + min(BQ, tokens - tok0);   // positions the block's last query sees
    uint kvQuad0 = (head / (p.heads / p.kvHeads)) * (HD / 4u);
    uint sBase = S_BASE + sg * S_SIZE, pBase = P_BASE + sg * F * PLINE;

    // The queries, scaled, as float16 lines (rows past the step repeat its last token).
    for (uint i = lid; i < BQ * (HD / 4u); i += WG) {
        uint r = i / (HD / 4u), d = i % (HD / 4u);
        uint t = min(tok0 + r, tokens - 1u);
        vec4 v = q4[(t * p.heads + head) * (HD / 4u) + d] * p.scale;
        smem[Q_BASE + r * LINE + d] = uvec2(packHalf2x16(v.xy), packHalf2x16(v.zw));
    }
    barrier();
    FragA qf[FD];
    [[unroll]] for (uint d = 0; d < FD; d++) frag_load_a_at(qf[d], Q_BASE + sg * F * LINE + d * (F / 4u), LINE);
    barrier();

    // Invocation `lane` serves query row lane / 2 of its subgroup, keys 4i + 2h, 4i + 2h + 1 of each tile (h = lane % 2).
    uint r = lane / 2u, h = lane % 2u;
    uint myLen = step.pos0 + tok0 + sg * F + r + 1u;
    uint myLo = p.window != 0u && myLen > p.window ? myLen - p.window : 0u;
    // tiles before the first query's window hold no key any query of the block sees
    uint firstLen = step.pos0 + tok0 + 1u;
    uint kStart = p.window != 0u && firstLen > p.window ? (firstLen - p.window) / KT * KT : 0u;

    float m = MASKED;
    for (uint k0 = kStart; k0 < cacheLen; k0 += KT) {
        load_tile(k0, cacheLen, kvQuad0, false);
        barrier();
        scores(qf, sBase);
        subgroup_sync();
        [[unroll]] for (uint i = 0; i < KT / 4u; i++) {
            [[unroll]] for (uint e = 0; e < 2u; e++) {
                uint c = 4u * i + 2u * h + e, key = k0 + c;
                if (key < myLen && key >= myLo) m = max(m, score_at(sBase, r, c));
            }
        }
        barrier();
    }
    pairBuf[lid] = m;
    barrier();
    m = max(m, pairBuf[lid ^ 1u]);
    barrier();

    float l = 0.0;
    FragAcc acc[FD];
    [[unroll]] for (uint d = 0; d < FD; d++) acc[d] = frag_zero();
    for (uint k0 = kStart; k0 < cacheLen; k0 += KT) {
        load_tile(k0, cacheLen, kvQuad0, true);
        barrier();
        scores(qf, sBase);
        subgroup_sync();
        [[unroll]] for (uint i = 0; i < KT / 4u; i++) {
            vec2 pr;
            [[unroll]] for (uint e = 0; e < 2u; e++) {
                uint c = 4u * i + 2u * h + e, key = k0 + c;
                pr[e] = key < myLen && key >= myLo ? exp(score_at(sBase, r, c) - m) : 0.0;
            }
            l += pr.x + pr.y;
            smem[pBase + r * PLINE + i][h] = packHalf2x16(pr);
        }
        subgroup_sync();
        [[unroll]] for (uint kk = 0; kk < FK; kk++) {
            FragA pa;   // probabilities of keys 16kk .. 16kk + 15
            frag_load_a_at(pa, pBase + kk * (F / 4u), PLINE);
            [[unroll]] for (uint d = 0; d < FD; d++) {
                FragB vb;   // B[key][dim]: one tile line per key
                frag_load_b_rows(vb, V_BASE + kk * F * LINE + d * (F / 4u), LINE);
                acc[d] = frag_mul_add(pa, vb, acc[d]);
            }
        }
        barrier();
    }
    pairBuf[lid] = l;
    barrier();
    l += pairBuf[lid ^ 1u];

    // Each fragment of the sums through the scratch; invocation `lane` writes 8 dimensions of query r.
    uint t = tok0 + sg * F + r;
    float inv = 1.0 / l;
    [[unroll]] for (uint d = 0; d < FD; d++) {
        frag_store(acc[d], sBase);
        subgroup_sync();
        [[unroll]] for (uint j = 0; j < 8u; j++) {
            uint c = 8u * h + j, f = c * F + r;
            if (t < tokens) o[(t * p.heads + head) * HD + d * F + c] = uintBitsToFloat(smem[sBase + f / 2u][f % 2u]) * inv;
        }
        subgroup_sync();
    }
}
