// IQ4_XS: 256 weights in 136 bytes: f16 d, u16 scales_h, u8 scales_l[4], qs[128]. Sub-block i
// (weights 32i..32i+31) has the 6-bit scale (nibble i%2 of scales_l[i/2]) | (bits 2i..2i+1 of
// scales_h) << 4, stored plus 32, and its codes in qs[16i..16i+15] laid out as an IQ4_NL block;
// weight = d * (scale - 32) * IQ4_LEVELS[q]. Kept in the file's layout (blocks are 2-byte aligned).
// Chunk c covers bytes 4(c%4)..4(c%4)+3 of sub-block c/4: like an IQ4_NL chunk, so the four
// chunks of a sub-block cover its 32 weights.
#include "iq4_levels.glsl"
#define QK 256u
#define BLOCK_U16 68u
#define CHUNKS 32u
#define CV 8
uint chunk_run(uint c, uint r) { return 32u * (c / 4u) + 16u * r + 4u * (c % 4u); }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    uint i = c / 4u;
    uint scale = ((w_byte(2u * b + 4u + i / 2u) >> (4u * (i % 2u))) & 0xFu) | (((w_u16(b + 1u) >> (2u * i)) & 3u) << 4);
    float d = w_f16(b) * (float(scale) - 32.0);
    uint q = w_u32(b + 4u + 8u * i + 2u * (c % 4u));
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint x = byte_of(q, k);
        v[k] = d * IQ4_LEVELS[x & 0xFu];
        v[k + 4] = d * IQ4_LEVELS[x >> 4];
    }
}

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): part i is sub-block i, an IQ4_NL block's codes with the
// sub-block's 6-bit scale: d * (scale - 32) * d_x * (level(q) . q_x).
#define HAS_INT8_DOT
#define I8_PARTS 8u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uint b = blk * BLOCK_U16, i = part;
    uint scale = ((w_byte(2u * b + 4u + i / 2u) >> (4u * (i % 2u))) & 0xFu) | (((w_u16(b + 1u) >> (2u * i)) & 3u) << 4);
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        uint q = w_u32(b + 4u + 8u * i + 2u * r);
        s += dot4x8(iq4_levels4(q & 0x0F0F0F0Fu), xlo[r]) + dot4x8(iq4_levels4((q >> 4) & 0x0F0F0F0Fu), xhi[r]);
    }
    return w_f16(b) * (float(scale) - 32.0) * xds.x * float(s);
}
#endif
