// Q5_1: 32 weights in 24 bytes: f16 scale d, f16 minimum m, 32 high bits qh, 16 bytes of nibbles
// (as in Q5_0); weight = q * d + m.
#define QK 32u
#define BLOCK_U16 12u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 16u * r + 4u * c; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    float d = w_f16(b);
    float m = w_f16(b + 1u);
    uint qh = w_u32(b + 2u);
    uint q = w_u32(b + 4u + 2u * c);
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint j = 4u * c + k;
        uint x = byte_of(q, k);
        v[k] = float((x & 0xFu) | (((qh >> j) & 1u) << 4)) * d + m;
        v[k + 4] = float((x >> 4) | (((qh >> (j + 16u)) & 1u) << 4)) * d + m;
    }
}

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): Q5_0's codes with Q4_1's minimum: d * d_x * (q . q_x) + m * s_x.
#define HAS_INT8_DOT
#define I8_PARTS 1u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uint b = blk * BLOCK_U16;
    return w_f16(b) * xds.x * float(q5_code_dot(b + 2u, xlo, xhi)) + w_f16(b + 1u) * xds.y;
}
#endif
