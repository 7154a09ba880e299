// Q4_K: 256 weights in 144 bytes: f16 d, f16 dmin, scales[12] (8 packed 6-bit scale/min pairs),
// qs[128]. Weights 64g..64g+31 are the low nibbles of qs[32g..32g+31] (sub-block 2g), weights
// 64g+32..64g+63 their high nibbles (sub-block 2g+1); weight = d*scale*q - dmin*min.
#include "kquant_scales.glsl"
#define QK 256u
#define BLOCK_U16 72u
#define CHUNKS 32u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    KChunk kc = kquant_chunk(b, c);
    uint g = kc.g, upper = kc.upper, l = kc.l;
    float d = kc.d, m = kc.m;
    uint qi = b + 8u + (32u * g + l) / 2u;
    uint lo = w_u32(qi), hi = w_u32(qi + 2u);
    uint shift = 4u * upper;
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        v[k] = d * float((byte_of(lo, k) >> shift) & 0xFu) - m;
        v[k + 4] = d * float((byte_of(hi, k) >> shift) & 0xFu) - m;
    }
}

// Matrix-vector fast path: d*scale*(q . x) - dmin*min*sum(x), nibbles widened four at a time.
#define HAS_CHUNK_DOT
float chunk_dot(uint blk, uint c, vec4 xv[CV / 4], float xsum) {
    vec4 x0 = xv[0], x1 = xv[1];
    uint b = blk * BLOCK_U16;
    KChunk kc = kquant_chunk(b, c);
    uint g = kc.g, upper = kc.upper, l = kc.l;
    uint qi = b + 8u + (32u * g + l) / 2u;
    uint shift = 4u * upper;
    vec4 q0 = unpackUnorm4x8((w_u32(qi) >> shift) & 0x0F0F0F0Fu);
    vec4 q1 = unpackUnorm4x8((w_u32(qi + 2u) >> shift) & 0x0F0F0F0Fu);
    return kc.d * 255.0 * (dot(q0, x0) + dot(q1, x1)) - kc.m * xsum;
}

// Matrix-vector slices (decode): a block's 144 bytes are nine 16-byte words, so with the buffer's
// alignment every block's header (d, dmin, scales) and each 16 quant bytes are one aligned 16-byte
// load. Slice s = 2g + h (8 per block, weights as kquant_slice_run says) is qs[32g + 16h .. +15].
#define HAS_SLICE_DOT
#define SLICES 8u
#define SV 32
uint slice_run(uint s, uint r) { return kquant_slice_run(s, r); }
float slice_dot(uint blk, uint s, vec4 xv[SV / 4]) {
    vec4 sc = kquant_group_scales(w128[9u * blk], s / 2u);
    uvec4 q = w128[9u * blk + 1u + s];
    vec4 lo = vec4(0.0), hi = vec4(0.0);
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        lo += unpackUnorm4x8(q[r] & 0x0F0F0F0Fu) * xv[r];
        hi += unpackUnorm4x8((q[r] >> 4) & 0x0F0F0F0Fu) * xv[r + 4u];
    }
    return kquant_slice_sum(sc, lo, hi, xv);
}

#ifdef UNIT_HALVES
// Prompt tiles (tile_codes.glsl): unit u of a block is its weights 16u..16u+15, half of sub-block
// u/2: 16 bytes of qs (low or high nibbles), decoded with the block's first 16 bytes (d, dmin and
// all scales in one load), the sub-block's scale and min once per 16 weights.
#define HAS_UNIT_HALVES
struct UnitRaw { uvec4 head; uvec4 q; };
UnitRaw unit_load(uint blk, uint u) {
    uint b = blk * 9u;   // 144-byte blocks
    return UnitRaw(w128[b], w128[b + 1u + 2u * (u / 4u) + u % 2u]);
}
void unit_halves(UnitRaw r, uint u, out uvec2 g[4]) {
    f16vec2 dm = kquant_unit_scale(r.head, u / 2u);
    uint shift = 4u * ((u / 2u) % 2u);
    [[unroll]] for (uint i = 0; i < 4u; i++) g[i] = codes4((r.q[i] >> shift) & 0x0F0F0F0Fu, 1024.0hf, dm.x, dm.y);
}
#endif

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): part j is sub-block j, the low (j even) or high nibbles of
// qs[32g .. 32g + 31], g = j / 2; with weight = d * scale * q - dmin * min its sum is
// d * scale * d_x * (q . q_x) - dmin * min * s_x: the mins take x's block sum, not its codes.
#define HAS_INT8_DOT
#define I8_PARTS 8u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uint g = part / 2u, upper = part % 2u;
    vec4 sc = kquant_group_scales(w128[9u * blk], g);
    uvec4 lo = (w128[9u * blk + 1u + 2u * g] >> (4u * upper)) & 0x0F0F0F0Fu;
    uvec4 hi = (w128[9u * blk + 2u + 2u * g] >> (4u * upper)) & 0x0F0F0F0Fu;
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) s += dot4x8(lo[r], xlo[r]) + dot4x8(hi[r], xhi[r]);
    vec2 dm = upper == 0u ? sc.xz : sc.yw;
    return dm.x * xds.x * float(s) - dm.y * xds.y;
}
#endif
