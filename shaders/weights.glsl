// Reads from a quantized weight buffer declared by the kernel as
//   layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
// GGUF blocks are only 2-byte aligned (Q5_0 is 22 bytes, Q6_K 210), so 16-bit words are the unit.
// The same buffer is also visible as 32-bit words, for layouts whose quants are 4-byte aligned
// (Q4_0 and Q8_0, repacked at upload).
layout(binding = 0) readonly buffer WeightWords { uint w32[]; };

// Blocks in the bound weight buffer. Layouts repacked at upload (tandem.engine.vulkan.WeightLayout)
// keep their scales after all blocks' quants and find them with it: kernels set it first thing.
uint w_blocks = 0u;

uint w_u16(uint i) { return uint(w16[i]); }
float w_f16(uint i) { return unpackHalf2x16(uint(w16[i])).x; }
// Four bytes starting at 16-bit index i, little-endian.
uint w_u32(uint i) { return uint(w16[i]) | (uint(w16[i + 1u]) << 16); }
uint w_byte(uint byteIndex) { return (uint(w16[byteIndex >> 1]) >> ((byteIndex & 1u) << 3)) & 0xFFu; }
uint byte_of(uint word, uint k) { return (word >> (8u * k)) & 0xFFu; }

// 16-byte words of the same buffer, for the decode slices and the prompt tiles' unit loads: the quants of split Q4_0/Q8_0 and whole
// Q4_K/Q5_K blocks (144 and 176 bytes) are 16-byte aligned.
layout(binding = 0) readonly buffer WeightQuads { uvec4 w128[]; };

#if defined(UNIT_HALVES) || defined(INT8_DOT)
// The 16 bytes from an even byte offset (Q6_K's 210-byte blocks are only 2-byte aligned): four or
// five aligned words, funnel-shifted by 16 bits where the offset is not a multiple of 4.
uvec4 w_bytes16(uint byteOffset) {
    uint i = byteOffset >> 2;
    uvec4 a = uvec4(w32[i], w32[i + 1u], w32[i + 2u], w32[i + 3u]);
    if ((byteOffset & 2u) == 0u) return a;
    uvec4 b = uvec4(a.yzw, w32[i + 4u]);
    return (a >> 16) | (b << 16);
}
#endif
