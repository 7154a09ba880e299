// Q5_K: 256 weights in 176 bytes: f16 d, f16 dmin, scales[12] (as Q4_K), qh[32], qs[128]. Low 4
// bits as in Q4_K; the 5th bit of weight 64g + 32u + l is bit (2g + u) of qh[l];
// weight = d*scale*q - dmin*min.
#include "kquant_scales.glsl"
#define QK 256u
#define BLOCK_U16 88u
#define CHUNKS 32u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    KChunk kc = kquant_chunk(b, c);
    uint g = kc.g, upper = kc.upper, l = kc.l;
    float d = kc.d, m = kc.m;
    uint qi = b + 24u + (32u * g + l) / 2u;
    uint lo = w_u32(qi), hi = w_u32(qi + 2u);
    uint hlo = w_u32(b + 8u + l / 2u), hhi = w_u32(b + 10u + l / 2u);
    uint shift = 4u * upper, hbit = 2u * g + upper;
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint q0 = ((byte_of(lo, k) >> shift) & 0xFu) | (((byte_of(hlo, k) >> hbit) & 1u) << 4);
        uint q1 = ((byte_of(hi, k) >> shift) & 0xFu) | (((byte_of(hhi, k) >> hbit) & 1u) << 4);
        v[k] = d * float(q0) - m;
        v[k + 4] = d * float(q1) - m;
    }
}

// Matrix-vector slices (decode), as Q4_K's: 176-byte blocks are eleven 16-byte words (header,
// qh[32] in two, qs in eight). Slice s = 2g + h takes qs[32g + 16h .. +15] and the fifth bits of
// the same 16 positions from qh[16h .. +15] (bit 2g: low nibbles, bit 2g + 1: high nibbles).
#define HAS_SLICE_DOT
#define SLICES 8u
#define SV 32
uint slice_run(uint s, uint r) { return kquant_slice_run(s, r); }
float slice_dot(uint blk, uint s, vec4 xv[SV / 4]) {
    uint g = s / 2u;
    vec4 sc = kquant_group_scales(w128[11u * blk], g);
    uvec4 q = w128[11u * blk + 3u + s];
    uvec4 qh = w128[11u * blk + 1u + s % 2u];
    vec4 lo = vec4(0.0), hi = vec4(0.0);
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        uint l = (q[r] & 0x0F0F0F0Fu) | (((qh[r] >> (2u * g)) & 0x01010101u) << 4);
        uint h = ((q[r] >> 4) & 0x0F0F0F0Fu) | (((qh[r] >> (2u * g + 1u)) & 0x01010101u) << 4);
        lo += unpackUnorm4x8(l) * xv[r];
        hi += unpackUnorm4x8(h) * xv[r + 4u];
    }
    return kquant_slice_sum(sc, lo, hi, xv);
}

#ifdef UNIT_HALVES
// Prompt tiles (tile_codes.glsl): unit u as in Q4_K, with its 16 bytes of qh (bit u/2 of each).
#define HAS_UNIT_HALVES
struct UnitRaw { uvec4 head; uvec4 qh; uvec4 q; };
UnitRaw unit_load(uint blk, uint u) {
    uint b = blk * 11u;   // 176-byte blocks
    return UnitRaw(w128[b], w128[b + 1u + u % 2u], w128[b + 3u + 2u * (u / 4u) + u % 2u]);
}
void unit_halves(UnitRaw r, uint u, out uvec2 g[4]) {
    uint j = u / 2u;
    f16vec2 dm = kquant_unit_scale(r.head, j);
    uint shift = 4u * (j % 2u);
    [[unroll]] for (uint i = 0; i < 4u; i++) {
        uint q = ((r.q[i] >> shift) & 0x0F0F0F0Fu) | (((r.qh[i] >> j) & 0x01010101u) << 4);
        g[i] = codes4(q, 1024.0hf, dm.x, dm.y);
    }
}
#endif

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): part j is sub-block j as in Q4_K (the low or high nibbles of
// qs[32g .. 32g + 31], g = j / 2) with its fifth bits, bit j of qh[0..31]; codes 0..31, and the
// mins take x's block sum: d * scale * d_x * (q . q_x) - dmin * min * s_x.
#define HAS_INT8_DOT
#define I8_PARTS 8u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uint g = part / 2u, upper = part % 2u;
    vec4 sc = kquant_group_scales(w128[11u * blk], g);
    uvec4 qlo = w128[11u * blk + 3u + 2u * g], qhi = w128[11u * blk + 4u + 2u * g];
    uvec4 hlo = w128[11u * blk + 1u], hhi = w128[11u * blk + 2u];
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        uint a = ((qlo[r] >> (4u * upper)) & 0x0F0F0F0Fu) | (((hlo[r] >> part) & 0x01010101u) << 4);
        uint b = ((qhi[r] >> (4u * upper)) & 0x0F0F0F0Fu) | (((hhi[r] >> part) & 0x01010101u) << 4);
        s += dot4x8(a, xlo[r]) + dot4x8(b, xhi[r]);
    }
    vec2 dm = upper == 0u ? sc.xz : sc.yw;
    return dm.x * xds.x * float(s) - dm.y * xds.y;
}
#endif
