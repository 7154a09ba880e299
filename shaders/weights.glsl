// Reads from a quantized weight buffer declared by the kernel as
//   layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
// GGUF blocks are only 2-byte aligned (Q5_0 is 22 bytes, Q6_K 210), so 16-bit words are the unit.
// The same buffer is also visible as 32-bit words, for layouts whose quants are 4-byte aligned
// (Q4_0 and Q8_0, repacked at upload).
layout(binding = 0) readonly buffer WeightWords { uint w32[]; };
// And as 16-byte words, for layouts whose blocks are whole 16-byte words (Q4_K: 144 bytes, Q5_K: 176).
layout(binding = 0) readonly buffer WeightQuads { uvec4 w128[]; };

// Blocks in the bound weight buffer. Layouts repacked at upload (tandem.engine.vulkan.WeightLayout)
// keep their scales after all blocks' quants and find them with it: kernels set it first thing.
uint w_blocks = 0u;

uint w_u16(uint i) { return uint(w16[i]); }
float w_f16(uint i) { return unpackHalf2x16(uint(w16[i])).x; }
// Four bytes starting at 16-bit index i, little-endian.
uint w_u32(uint i) { return uint(w16[i]) | (uint(w16[i + 1u]) << 16); }
uint w_byte(uint byteIndex) { return (uint(w16[byteIndex >> 1]) >> ((byteIndex & 1u) << 3)) & 0xFFu; }
uint byte_of(uint word, uint k) { return (word >> (8u * k)) & 0xFFu; }
// The four bytes of a word as floats 0..255. Each byte is put under the exponent of 2^23 and 2^23
// subtracted (a byte move and an add): int-to-float conversions run at a fraction of the add rate
// on NVIDIA. UNPACK_UNORM (a build for comparison) converts with unpackUnorm4x8 instead.
vec4 bytes_vec4(uint word) {
#ifdef UNPACK_UNORM
    return 255.0 * unpackUnorm4x8(word);
#else
    uvec4 b = uvec4(word, word >> 8, word >> 16, word >> 24) & 0xFFu;
    return uintBitsToFloat(b | 0x4B000000u) - 8388608.0;
#endif
}
