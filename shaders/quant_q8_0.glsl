// Q8_0: 32 weights per block: an f16 scale d and 32 signed bytes q; weight j = q[j] * d.
// On the GPU the blocks are split (WeightLayout.java): the 32 quant bytes of every block, 4-byte
// aligned, then every block's d, so a chunk's quants are two aligned 32-bit loads.
#define QK 32u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
float q8_0_scale(uint blk) { return w_f16(w_blocks * 16u + blk); }
void chunk_values(uint blk, uint c, out float v[CV]) {
    float d = q8_0_scale(blk);
    uint lo = w32[blk * 8u + 2u * c];
    uint hi = w32[blk * 8u + 2u * c + 1u];
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        v[k] = float(int(lo << (24u - 8u * k)) >> 24) * d;
        v[k + 4] = float(int(hi << (24u - 8u * k)) >> 24) * d;
    }
}

// Matrix-vector fast path: signed bytes biased to unsigned (q + 128) and widened four at a time:
// d * (sum((q + 128) * x) - 128 * sum(x)).
#define HAS_CHUNK_DOT
float chunk_dot(uint blk, uint c, vec4 xv[CV / 4], float xsum) {
    vec4 x0 = xv[0], x1 = xv[1];
    uint lo = w32[blk * 8u + 2u * c] ^ 0x80808080u;
    uint hi = w32[blk * 8u + 2u * c + 1u] ^ 0x80808080u;
    return q8_0_scale(blk) * (255.0 * (dot(unpackUnorm4x8(lo), x0) + dot(unpackUnorm4x8(hi), x1)) - 128.0 * xsum);
}

#ifdef UNIT_HALVES
// Prompt tiles (tile_codes.glsl): unit u of a block is its weights 16u..16u+15, signed bytes biased
// to unsigned (q + 128).
#define HAS_UNIT_HALVES
struct UnitRaw { uvec4 q; uint d; };
UnitRaw unit_load(uint blk, uint u) { return UnitRaw(w128[2u * blk + u], w_u16(w_blocks * 16u + blk)); }
void unit_halves(UnitRaw r, uint u, out uvec2 g[4]) {
    [[unroll]] for (uint i = 0; i < 4u; i++) g[i] = codes4(r.q[i] ^ 0x80808080u, 1152.0hf, half_bits(r.d), 0.0hf);
}
#endif

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): a block is one part and its codes are signed bytes already, so it
// adds d * d_x * (q . q_x).
#define HAS_INT8_DOT
#define I8_PARTS 1u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uvec4 lo = w128[2u * blk], hi = w128[2u * blk + 1u];
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) s += dot4x8(lo[r], xlo[r]) + dot4x8(hi[r], xhi[r]);
    return q8_0_scale(blk) * xds.x * float(s);
}
#endif
