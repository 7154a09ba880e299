// Chooses the block layout of the weight type this variant is compiled for (a QUANT_* define).
// Every layout include provides the same interface, so kernels are written once for all types:
//   QK         weights per block            CHUNKS     chunks per block
//   CV         values per chunk (8, or 4 for float types)
//   uint chunk_run(uint c, uint r)                  position in the block of values 4r..4r+3 of
//                                                   chunk c (they are 4 consecutive weights)
//   void chunk_values(uint blk, uint c, out float v[CV])  values of chunk c of block blk of the
//                                                   bound buffer (blocks counted from its start)
// Kernels set w_blocks (weights.glsl) before reading: layouts repacked at upload need it.
// Built with INT8_DOT (matvec_i8.comp, which enables GL_EXT_integer_dot_product), a layout with
// int8 products defines HAS_INT8_DOT, I8_PARTS (QK / 32) and
//   float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds)   the dot product of weights
//       32 part .. 32 part + 31 of block blk with one block of quantize_q8_1.comp's input: codes
//       xlo (values 0..15) and xhi (16..31), four signed bytes a word, and xds = (d, d * sum(codes))
#ifdef INT8_DOT
// The sum of the four signed-byte products of two packed words: one dp4a where GPUs have it.
int dot4x8(uint a, uint b) { return dotPacked4x8EXT(int(a), int(b)); }
// Bits 0..3 of b as bit 4 of bytes 0..3: Q5_0's and Q5_1's fifth bits, beside four nibbles.
uint fifth_bits4(uint b) { return ((b & 1u) | ((b & 2u) << 7) | ((b & 4u) << 14) | ((b & 8u) << 21)) << 4; }
// codes . x_codes of one Q5_0 or Q5_1 block whose 32 fifth bits start at 16-bit word `at`, its
// 16 bytes of nibbles right after them (the two layouts differ only in the scales before).
int q5_code_dot(uint at, uvec4 xlo, uvec4 xhi) {
    uint qh = w_u32(at);
    int s = 0;
    [[unroll]] for (uint r = 0; r < 4u; r++) {
        uint q = w_u32(at + 2u + 2u * r);
        s += dot4x8((q & 0x0F0F0F0Fu) | fifth_bits4(qh >> (4u * r)), xlo[r])
           + dot4x8(((q >> 4) & 0x0F0F0F0Fu) | fifth_bits4(qh >> (16u + 4u * r)), xhi[r]);
    }
    return s;
}
#endif
#if defined(QUANT_F32)
#include "quant_f32.glsl"
#elif defined(QUANT_F16)
#include "quant_f16.glsl"
#elif defined(QUANT_BF16)
#include "quant_bf16.glsl"
#elif defined(QUANT_Q8_0)
#include "quant_q8_0.glsl"
#elif defined(QUANT_Q4_0)
#include "quant_q4_0.glsl"
#elif defined(QUANT_Q4_1)
#include "quant_q4_1.glsl"
#elif defined(QUANT_Q5_0)
#include "quant_q5_0.glsl"
#elif defined(QUANT_Q5_1)
#include "quant_q5_1.glsl"
#elif defined(QUANT_Q2_K)
#include "quant_q2_k.glsl"
#elif defined(QUANT_Q3_K)
#include "quant_q3_k.glsl"
#elif defined(QUANT_Q4_K)
#include "quant_q4_k.glsl"
#elif defined(QUANT_Q5_K)
#include "quant_q5_k.glsl"
#elif defined(QUANT_Q6_K)
#include "quant_q6_k.glsl"
#elif defined(QUANT_IQ4_NL)
#include "quant_iq4_nl.glsl"
#elif defined(QUANT_IQ4_XS)
#include "quant_iq4_xs.glsl"
#elif defined(QUANT_MXFP4)
#include "quant_mxfp4.glsl"
#else
#error "define one QUANT_* type"
#endif
#if defined(INT8_DOT) && !defined(HAS_INT8_DOT)
#error "this weight type has no int8 products (variants.txt builds matvec_i8 for those that do)"
#endif

// Position in the block of value k of chunk c.
uint chunk_elem(uint c, uint k) { return chunk_run(c, k / 4u) + k % 4u; }
