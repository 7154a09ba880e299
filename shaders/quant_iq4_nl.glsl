// IQ4_NL: 32 weights per block: an f16 scale d and 16 bytes laid out as in Q4_0 (byte j holds
// weight j in its low nibble and weight j+16 in its high nibble); weight = d * IQ4_LEVELS[q].
// On the GPU the blocks are split like Q4_0's (WeightLayout.java): the 16 code bytes of every
// block, aligned, then every block's d. Chunk c covers bytes 4c..4c+3: weights 4c..4c+3 and
// 16+4c..16+4c+3.
#include "iq4_levels.glsl"
#define QK 32u
#define CHUNKS 4u
#define CV 8
uint chunk_run(uint c, uint r) { return 16u * r + 4u * c; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    float d = w_f16(w_blocks * 8u + blk);
    uint q = w32[blk * 4u + c];
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint x = byte_of(q, k);
        v[k] = d * IQ4_LEVELS[x & 0xFu];
        v[k + 4] = d * IQ4_LEVELS[x >> 4];
    }
}

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): a block is one part; each code's level is a signed byte already,
// so it adds d * d_x * (level(q) . q_x), the levels looked up four at a time.
#define HAS_INT8_DOT
#define I8_PARTS 1u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uvec4 q = w128[blk];
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        s += dot4x8(iq4_levels4(q[r] & 0x0F0F0F0Fu), xlo[r]) + dot4x8(iq4_levels4((q[r] >> 4) & 0x0F0F0F0Fu), xhi[r]);
    }
    return w_f16(w_blocks * 8u + blk) * xds.x * float(s);
}
#endif
