// Q5_0: 32 weights in 22 bytes: f16 scale d, 32 high bits qh (bit j = 5th bit of weight j), then
// 16 bytes of nibbles laid out as in Q4_0; weight = (q - 16) * d.
#define QK 32u
#define BLOCK_U16 11u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 16u * r + 4u * c; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    float d = w_f16(b);
    uint qh = w_u32(b + 1u);
    uint q = w_u32(b + 3u + 2u * c);
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint j = 4u * c + k;
        uint x = byte_of(q, k);
        v[k] = (float((x & 0xFu) | (((qh >> j) & 1u) << 4)) - 16.0) * d;
        v[k + 4] = (float((x >> 4) | (((qh >> (j + 16u)) & 1u) << 4)) - 16.0) * d;
    }
}

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): a block is one part; codes are the nibbles (as Q4_0's) with their
// fifth bits from qh, and the offset of 16 comes from x's block sum: d * (d_x * (q . q_x) - 16 * s_x).
#define HAS_INT8_DOT
#define I8_PARTS 1u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uint b = blk * BLOCK_U16;
    return w_f16(b) * (xds.x * float(q5_code_dot(b + 1u, xlo, xhi)) - 16.0 * xds.y);
}
#endif
