#version 450
// The input of the int8 decode products (matvec_i8.comp), quantized once per product input like
// GGML's q8_1 (q8_1_store.glsl: blocks of 32 int8 codes with a scale and the block's sum). v is x,
// silu(x) * up (GLU = 1: the SwiGLU of the down projection) or rmsnorm(x) * normWeight (NORM = 1:
// the norm before q/k/v and gate/up, which the float kernels fuse into their products; here it is
// done once, not per workgroup of every product). Each workgroup quantizes WG blocks of one token
// (gl_WorkGroupID.y); block b of token t is block n = t * blocks + b of the output (binding 3, one
// buffer seen two ways). One invocation per block keeps it simple; the kernel reads each input once
// and is small next to the products that read its output (an 8B decode step's largest input is
// 14336 floats).
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
#include "q8_1_store.glsl"

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
    [[unroll]] for (uint r = 0; r < 8u; r++) {
        uint i4 = x0 + 8u * b + r;
        vec4 a = x4[i4];
        if (GLU != 0u) a = gated4(a, up4[i4]);
        if (NORM != 0u) a *= inv * nw4[8u * b + r];
        v[r] = a;
    }
    q8_1_store(v, token * blocks + b, p.scales);
}
