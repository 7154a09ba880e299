// Q4_1: 32 weights in 20 bytes: f16 scale d, f16 minimum m, then 16 bytes of nibbles laid out as
// in Q4_0; weight = q * d + m.
#define QK 32u
#define BLOCK_U16 10u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 16u * r + 4u * c; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    float d = w_f16(b);
    float m = w_f16(b + 1u);
    uint q = w_u32(b + 2u + 2u * c);
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint x = byte_of(q, k);
        v[k] = float(x & 0xFu) * d + m;
        v[k + 4] = float(x >> 4) * d + m;
    }
}

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): a block is one part, its nibbles as Q4_0's; with weight = q * d + m
// it adds d * d_x * (q . q_x) + m * s_x, the minimum on x's block sum.
#define HAS_INT8_DOT
#define I8_PARTS 1u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uint b = blk * BLOCK_U16;
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        uint q = w_u32(b + 2u + 2u * r);
        s += dot4x8(q & 0x0F0F0F0Fu, xlo[r]) + dot4x8((q >> 4) & 0x0F0F0F0Fu, xhi[r]);
    }
    return w_f16(b) * xds.x * float(s) + w_f16(b + 1u) * xds.y;
}
#endif
