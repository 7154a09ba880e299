// F32: plain floats; a "block" is 4 consecutive weights (rows must be a multiple of 4 long).
#define QK 4u
#define BLOCK_U16 8u
#define CHUNKS 1u
#define CV 4
uint chunk_run(uint c, uint r) { return 0u; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    [[unroll]] for (uint k = 0; k < 4u; k++) v[k] = uintBitsToFloat(w_u32(b + 2u * k));
}
