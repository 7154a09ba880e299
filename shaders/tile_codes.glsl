// Weights straight to float16 pairs for the prompt tiles (matmul_coopmat.comp), without integer
// or float conversions: a half whose bits are 0x6400 | c is exactly 1024 + c for a code c < 1024,
// so (1024 + c) - (1024 + bias) is exactly c - bias, and one multiply-add scales it. The four codes
// of a word (one per byte) come out in the tiles' k order within a group of four: 0, 2, 1, 3 (the
// even bytes, then the odd ones), which the input tile follows (matmul_coopmat.comp's halves()).
// offset = 1024 + the code's bias; weight = (c - bias) * scale - shift.
uvec2 codes4(uint w, float16_t offset, float16_t scale, float16_t shift) {
    f16vec2 o = f16vec2(offset), s = f16vec2(scale), m = f16vec2(-shift);
    f16vec2 even = unpackFloat2x16((w & 0x00FF00FFu) | 0x64006400u) - o;
    f16vec2 odd = unpackFloat2x16(((w >> 8) & 0x00FF00FFu) | 0x64006400u) - o;
    return uvec2(packFloat2x16(fma(even, s, m)), packFloat2x16(fma(odd, s, m)));
}

float16_t half_bits(uint bits) { return unpackFloat2x16(bits & 0xFFFFu).x; }
