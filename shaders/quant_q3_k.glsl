// Q3_K: 256 weights in 110 bytes: hmask[32] (high bits), qs[64] (low 2 bits), scales[12] (16
// signed 6-bit scales, packed), f16 d. Weight e: h = e/128, j = (e%128)/32, l = e%32;
// q = ((qs[32h + l] >> 2j) & 3) - (hmask[l] bit (4h + j) ? 0 : 4); sub-block is = 8h + 2j + l/16;
// scale = (low 4 bits from scales[is % 8] (nibble is/8), high 2 bits from scales[8 + is%4]
// bits 2*(is/4)) - 32; weight = d * scale * q.
#define QK 256u
#define BLOCK_U16 55u
#define CHUNKS 32u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    uint h = c / 16u, j = (c % 16u) / 4u, l = 8u * (c % 4u);
    uint is = 8u * h + 2u * j + l / 16u;
    uint bb = 2u * b;
    uint low = (w_byte(bb + 96u + (is % 8u)) >> (4u * (is / 8u))) & 0xFu;
    uint high = (w_byte(bb + 104u + (is % 4u)) >> (2u * (is / 4u))) & 3u;
    float dl = w_f16(b + 54u) * float(int(low | (high << 4)) - 32);
    uint qi = b + 16u + (32u * h + l) / 2u;
    uint lo = w_u32(qi), hi = w_u32(qi + 2u);
    uint mlo = w_u32(b + l / 2u), mhi = w_u32(b + l / 2u + 2u);
    uint bit = 4u * h + j;
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        int q0 = int((byte_of(lo, k) >> (2u * j)) & 3u) - (((byte_of(mlo, k) >> bit) & 1u) != 0u ? 0 : 4);
        int q1 = int((byte_of(hi, k) >> (2u * j)) & 3u) - (((byte_of(mhi, k) >> bit) & 1u) != 0u ? 0 : 4);
        v[k] = dl * float(q0);
        v[k + 4] = dl * float(q1);
    }
}
