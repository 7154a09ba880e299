// Q5_K: 256 weights in 176 bytes: f16 d, f16 dmin, scales[12] (as Q4_K), qh[32], qs[128]. Low 4
// bits as in Q4_K; the 5th bit of weight 64g + 32u + l is bit (2g + u) of qh[l];
// weight = d*scale*q - dmin*min.
#include "kquant_scales.glsl"
#define QK 256u
#define BLOCK_U16 88u
#define CHUNKS 32u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    KChunk kc = kquant_chunk(b, c);
    uint g = kc.g, upper = kc.upper, l = kc.l;
    float d = kc.d, m = kc.m;
    uint qi = b + 24u + (32u * g + l) / 2u;
    uint lo = w_u32(qi), hi = w_u32(qi + 2u);
    uint hlo = w_u32(b + 8u + l / 2u), hhi = w_u32(b + 10u + l / 2u);
    uint shift = 4u * upper, hbit = 2u * g + upper;
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint q0 = ((byte_of(lo, k) >> shift) & 0xFu) | (((byte_of(hlo, k) >> hbit) & 1u) << 4);
        uint q1 = ((byte_of(hi, k) >> shift) & 0xFu) | (((byte_of(hhi, k) >> hbit) & 1u) << 4);
        v[k] = d * float(q0) - m;
        v[k + 4] = d * float(q1) - m;
    }
}
