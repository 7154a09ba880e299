// The 16 levels that IQ4_NL and IQ4_XS codes index (ggml's kvalues_iq4nl; tensor.quant.NonLinearQuants):
// denser near zero, where trained weights are.
const float IQ4_LEVELS[16] = float[16](-127.0, -104.0, -83.0, -65.0, -49.0, -35.0, -22.0, -10.0,
                                       1.0, 13.0, 25.0, 38.0, 53.0, 69.0, 89.0, 113.0);
#ifdef INT8_DOT
// The levels as signed bytes for the int8 products: the levels of four codes (bits 0..3 of each
// byte of c) packed into one word of four signed bytes.
const int IQ4_LEVELS_I8[16] = int[16](-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);
uint iq4_levels4(uint c) {
    return (uint(IQ4_LEVELS_I8[c & 0xFu]) & 0xFFu) | ((uint(IQ4_LEVELS_I8[(c >> 8) & 0xFu]) & 0xFFu) << 8)
         | ((uint(IQ4_LEVELS_I8[(c >> 16) & 0xFu]) & 0xFFu) << 16) | (uint(IQ4_LEVELS_I8[c >> 24]) << 24);
}
#endif
