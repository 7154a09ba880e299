// MXFP4 (OCP microscaling): 32 weights per block: a one-byte E8M0 scale e (2^(e-127)) and 16 bytes
// of 4-bit E2M1 codes laid out as in Q4_0 (byte j: weight j in the low nibble, j+16 in the high
// one). The codes index E2M1_DOUBLED, the E2M1 values times two (ggml's kvalues_mxfp4), so the
// scale is taken at half, 2^(e-128) (ggml's GGML_E8M0_TO_FP32_HALF, e < 2 as float subnormals);
// weight = 2^(e-128) * E2M1_DOUBLED[q] (tensor.quant.NonLinearQuants).
// On the GPU the 17-byte blocks are split (WeightLayout.java): the 16 code bytes of every block,
// aligned, then every block's scale byte. Chunk c covers bytes 4c..4c+3: weights 4c..4c+3 and
// 16+4c..16+4c+3.
#define QK 32u
#define CHUNKS 4u
#define CV 8
const float E2M1_DOUBLED[16] = float[16](0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0,
                                         0.0, -1.0, -2.0, -3.0, -4.0, -6.0, -8.0, -12.0);
uint chunk_run(uint c, uint r) { return 16u * r + 4u * c; }
float mxfp4_scale(uint blk) {
    uint e = w_byte(w_blocks * 16u + blk);
    return uintBitsToFloat(e < 2u ? (0x00200000u << e) : ((e - 1u) << 23));
}
void chunk_values(uint blk, uint c, out float v[CV]) {
    float d = mxfp4_scale(blk);
    uint q = w32[blk * 4u + c];
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint x = byte_of(q, k);
        v[k] = d * E2M1_DOUBLED[x & 0xFu];
        v[k + 4] = d * E2M1_DOUBLED[x >> 4];
    }
}
