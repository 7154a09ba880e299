// Q4_0: 32 weights in 18 bytes: f16 scale d, then 16 bytes; byte j holds weight j in its low
// nibble and weight j+16 in its high nibble; weight = (q - 8) * d.
// Chunk c covers bytes 4c..4c+3: weights 4c..4c+3 and 16+4c..16+4c+3.
#define QK 32u
#define BLOCK_U16 9u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 16u * r + 4u * c; }
void chunk_values(uint b, uint c, out float v[CV]) {
    float d = w_f16(b);
    uint q = w_u32(b + 1u + 2u * c);
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint x = byte_of(q, k);
        v[k] = (float(x & 0xFu) - 8.0) * d;
        v[k + 4] = (float(x >> 4) - 8.0) * d;
    }
}

// Matrix-vector fast path: the dot product of chunk c with its inputs (x0 = weights 4c..4c+3,
// x1 = 16+4c..16+4c+3, xsum = their sum) without dequantizing value by value:
// sum((q - 8) * d * x) = d * (q . x - 8 * xsum), with the nibbles widened four at a time.
#define HAS_CHUNK_DOT
float chunk_dot(uint b, uint c, vec4 x0, vec4 x1, float xsum) {
    float d = w_f16(b);
    uint q = w_u32(b + 1u + 2u * c);
    vec4 lo = unpackUnorm4x8(q & 0x0F0F0F0Fu);
    vec4 hi = unpackUnorm4x8((q >> 4) & 0x0F0F0F0Fu);
    return d * (255.0 * (dot(lo, x0) + dot(hi, x1)) - 8.0 * xsum);
}
