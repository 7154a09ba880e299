// BF16: the upper 16 bits of an F32; a "block" is 4 consecutive weights.
#define QK 4u
#define BLOCK_U16 4u
#define CHUNKS 1u
#define CV 4
uint chunk_run(uint c, uint r) { return 0u; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    [[unroll]] for (uint k = 0; k < 4u; k++) v[k] = uintBitsToFloat(w_u16(b + k) << 16);
}
