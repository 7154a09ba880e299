// Quantizes one block of 32 values like GGML's q8_1 and stores it where the int8 decode products
// (matvec_i8.comp) read their input: scale d = max|v| / 127, codes q = round(v / d) in [-127, 127]
// and the block's sum s = d * sum(q), which the layouts with an offset or a minimum (Q4_0's -8,
// Q4_K's mins) multiply instead of summing inputs. Block n's 32 codes go to words 8n..8n+7 (4
// signed bytes each, value 4r + k in byte k of word r) of `codes` (uvec4 view) and its (d, s) to
// `scales` (vec2 view of the same buffer) at index scalesIndex + n, after every block's codes. The
// including kernel declares both views. One implementation for every kernel that writes int8 inputs.
void q8_1_store(vec4 v[8], uint n, uint scalesIndex) {
    float amax = 0.0;
    [[unroll]] for (uint r = 0; r < 8u; r++) {
        vec4 m = abs(v[r]);
        amax = max(amax, max(max(m.x, m.y), max(m.z, m.w)));
    }
    float d = amax / 127.0;
    float id = d > 0.0 ? 1.0 / d : 0.0;
    int sum = 0;
    uint words[8];
    [[unroll]] for (uint r = 0; r < 8u; r++) {
        // the clamp: v * (1 / d) can round a little past 127 where v is the block's largest
        ivec4 q = clamp(ivec4(round(v[r] * id)), ivec4(-127), ivec4(127));
        sum += q.x + q.y + q.z + q.w;
        uvec4 u = uvec4(q) & 0xFFu;
        words[r] = u.x | (u.y << 8) | (u.z << 16) | (u.w << 24);
    }
    codes[2u * n] = uvec4(words[0], words[1], words[2], words[3]);
    codes[2u * n + 1u] = uvec4(words[4], words[5], words[6], words[7]);
    scales[scalesIndex + n] = vec2(d, d * float(sum));
}
