// Q8_0: 32 weights in 34 bytes: f16 scale d, then 32 signed bytes q; weight j = q[j] * d.
#define QK 32u
#define BLOCK_U16 17u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
void chunk_values(uint b, uint c, out float v[CV]) {
    float d = w_f16(b);
    uint lo = w_u32(b + 1u + 4u * c);
    uint hi = w_u32(b + 3u + 4u * c);
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        v[k] = float(int(lo << (24u - 8u * k)) >> 24) * d;
        v[k + 4] = float(int(hi << (24u - 8u * k)) >> 24) * d;
    }
}

// Matrix-vector fast path: signed bytes biased to unsigned (q + 128) and widened four at a time:
// d * (sum((q + 128) * x) - 128 * sum(x)).
#define HAS_CHUNK_DOT
float chunk_dot(uint b, uint c, vec4 x0, vec4 x1, float xsum) {
    uint lo = w_u32(b + 1u + 4u * c) ^ 0x80808080u;
    uint hi = w_u32(b + 3u + 4u * c) ^ 0x80808080u;
    return w_f16(b) * (255.0 * (dot(unpackUnorm4x8(lo), x0) + dot(unpackUnorm4x8(hi), x1)) - 128.0 * xsum);
}
