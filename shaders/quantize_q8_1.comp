#version 450
// The input of the int8 decode products (matvec_i8.comp), quantized once per product input like
// GGML's q8_1: blocks of 32 values with a float scale d = max|v| / 127, codes q = round(v / d) in
// [-127, 127] and the block's sum s = d * sum(q), which the layouts with an offset or a minimum
// (Q4_0's -8, Q4_K's mins) multiply instead of summing inputs. v is x, silu(x) * up (GLU = 1: the
// SwiGLU of the down projection) or rmsnorm(x) * normWeight (NORM = 1: the norm before q/k/v and
// gate/up, which the float kernels fuse into their products; here it is done once, not per
// workgroup of every product). Each workgroup quantizes WG blocks of one token (gl_WorkGroupID.y).
//
// Output (binding 3, one buffer seen two ways): block b of token t (n = t * blocks + b) has its
// 32 codes in words 8n..8n+7 (4 signed bytes each, value 4r + k in byte k of word r) and its
// (d, s) at vec2 index p.scales + n, after every block's codes.
// One invocation per block keeps it simple; the kernel reads each input once and is small next to
// the products that read its output (an 8B decode step's largest input is 14336 floats).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint GLU = 0;
layout(constant_id = 2) const uint NORM = 0;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Input { vec4 x4[]; };
layout(binding = 1) readonly buffer Up { vec4 up4[]; };          // read only when GLU != 0
layout(binding = 2) readonly buffer NormWeight { vec4 nw4[]; };  // read only when NORM = 1
layout(binding = 3) writeonly buffer Codes { uvec4 codes[]; };
layout(binding = 3) writeonly buffer Scales { vec2 scales[]; };
layout(push_constant) uniform Push {
    uint cols;      // values per token (a multiple of 32)
    uint xOffset;   // first input float (a multiple of 4)
    uint xStride;   // floats between tokens' inputs (a multiple of 4)
    float eps;      // RMS norm epsilon (NORM = 1)
    uint scales;    // vec2 index of the first block's (d, s)
} p;

#include "swiglu.glsl"

void main() {
    uint token = gl_WorkGroupID.y;
    uint blocks = p.cols / 32u;
    uint b = gl_WorkGroupID.x * WG + gl_LocalInvocationID.x;
    uint x0 = (p.xOffset + token * p.xStride) >> 2;   // first vec4 of the token's input
    float inv = 1.0;
    if (NORM != 0u) {
        // every workgroup of the token sums the whole row's squares (rows are a few thousand floats)
        float squares = 0.0;
        for (uint i = gl_LocalInvocationID.x; i < p.cols / 4u; i += WG) {
            vec4 v = x4[x0 + i];
            squares += dot(v, v);
        }
        inv = inversesqrt(wg_sum(squares) / float(p.cols) + p.eps);
    }
    if (b >= blocks) return;
    vec4 v[8];
    float amax = 0.0;
    [[unroll]] for (uint r = 0; r < 8u; r++) {
        uint i4 = x0 + 8u * b + r;
        vec4 a = x4[i4];
        if (GLU != 0u) a = gated4(a, up4[i4]);
        if (NORM != 0u) a *= inv * nw4[8u * b + r];
        v[r] = a;
        vec4 m = abs(a);
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
    uint n = token * blocks + b;
    codes[2u * n] = uvec4(words[0], words[1], words[2], words[3]);
    codes[2u * n + 1u] = uvec4(words[4], words[5], words[6], words[7]);
    scales[p.scales + n] = vec2(d, d * float(sum));
}
