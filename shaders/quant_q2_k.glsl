// Q2_K: 256 weights in 84 bytes: scales[16] (low nibble scale, high nibble min, per 16 weights),
// qs[64] (2-bit values), f16 d, f16 dmin. Weight e: half h = e/128, group j = (e%128)/32 uses bits
// 2j..2j+1 of qs[32h + e%32], sub-block is = 8h + 2j + (e%32)/16; weight = d*sc*q - dmin*min.
// Chunk c = 8 consecutive weights 8c..8c+7.
#define QK 256u
#define BLOCK_U16 42u
#define CHUNKS 32u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    uint h = c / 16u, j = (c % 16u) / 4u, l = 8u * (c % 4u);
    uint sc = w_byte(2u * b + 8u * h + 2u * j + l / 16u);
    float dl = w_f16(b + 40u) * float(sc & 0xFu);
    float ml = w_f16(b + 41u) * float(sc >> 4);
    uint qi = b + 8u + (32u * h + l) / 2u;
    uint lo = w_u32(qi), hi = w_u32(qi + 2u);
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        v[k] = dl * float((byte_of(lo, k) >> (2u * j)) & 3u) - ml;
        v[k + 4] = dl * float((byte_of(hi, k) >> (2u * j)) & 3u) - ml;
    }
}
