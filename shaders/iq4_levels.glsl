// The 16 levels that IQ4_NL and IQ4_XS codes index (ggml's kvalues_iq4nl; tensor.quant.NonLinearQuants):
// denser near zero, where trained weights are.
const float IQ4_LEVELS[16] = float[16](-127.0, -104.0, -83.0, -65.0, -49.0, -35.0, -22.0, -10.0,
                                       1.0, 13.0, 25.0, 38.0, 53.0, 69.0, 89.0, 113.0);
