// Q4_0: 32 weights per block: an f16 scale d and 16 bytes; byte j holds weight j in its low
// nibble and weight j+16 in its high nibble; weight = (q - 8) * d.
// On the GPU the blocks are split (WeightLayout.java): the 16 quant bytes of every block, aligned,
// then every block's d, so a chunk's quants are one aligned 32-bit load. (Chunks of 8 bytes read
// with one 64-bit load measured slower in decode on an H100: 201 against 206 tokens/s.)
// Chunk c covers bytes 4c..4c+3: weights 4c..4c+3 and 16+4c..16+4c+3.
#define QK 32u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 16u * r + 4u * c; }
float q4_0_scale(uint blk) { return w_f16(w_blocks * 8u + blk); }
void chunk_values(uint blk, uint c, out float v[CV]) {
    float d = q4_0_scale(blk);
    uint q = w32[blk * 4u + c];
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint x = byte_of(q, k);
        v[k] = (float(x & 0xFu) - 8.0) * d;
        v[k + 4] = (float(x >> 4) - 8.0) * d;
    }
}

// Matrix-vector fast path: the dot product of chunk c with its inputs (xv[0] = weights 4c..4c+3,
// xv[1] = 16+4c..16+4c+3, xsum = their sum) without dequantizing value by value:
// sum((q - 8) * d * x) = d * (q . x - 8 * xsum), with the nibbles widened four at a time.
#define HAS_CHUNK_DOT
float chunk_dot(uint blk, uint c, vec4 xv[CV / 4], float xsum) {
    uint q = w32[blk * 4u + c];
    vec4 lo = unpackUnorm4x8(q & 0x0F0F0F0Fu);
    vec4 hi = unpackUnorm4x8((q >> 4) & 0x0F0F0F0Fu);
    return q4_0_scale(blk) * (255.0 * (dot(lo, xv[0]) + dot(hi, xv[1])) - 8.0 * xsum);
}

#ifdef UNIT_HALVES
// Prompt tiles (tile_codes.glsl): unit u of a block is its weights 16u..16u+15, the low (u = 0) or
// high (u = 1) nibbles of its 16 quant bytes, loaded with the scale before the tile's products and
// turned into halves after them.
#define HAS_UNIT_HALVES
struct UnitRaw { uvec4 q; uint d; };
UnitRaw unit_load(uint blk, uint u) { return UnitRaw(w128[blk], w_u16(w_blocks * 8u + blk)); }
void unit_halves(UnitRaw r, uint u, out uvec2 g[4]) {
    [[unroll]] for (uint i = 0; i < 4u; i++) g[i] = codes4((r.q[i] >> (4u * u)) & 0x0F0F0F0Fu, 1032.0hf, half_bits(r.d), 0.0hf);
}
#endif

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): a block is one part; the low nibbles of its 16 bytes pair with
// x's values 0..15, the high nibbles with 16..31, and the offset of 8 comes from x's block sum:
// sum((q - 8) * d * q_x * d_x) = d * (d_x * (q . q_x) - 8 * s_x).
#define HAS_INT8_DOT
#define I8_PARTS 1u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uvec4 q = w128[blk];
    uvec4 lo = q & 0x0F0F0F0Fu, hi = (q >> 4) & 0x0F0F0F0Fu;
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) s += dot4x8(lo[r], xlo[r]) + dot4x8(hi[r], xhi[r]);
    return q4_0_scale(blk) * (xds.x * float(s) - 8.0 * xds.y);
}
#endif
