#version 450
// The input of the matrix units' prompt products (matmul_coopmat.comp), converted once: float16
// rows of `cols` halves per token, from float rows (xOffset, xStride), or with GLU = 1 from
// silu(X) * UP (SwiGLU, the down projection's input), GLU = 2 gpt-oss's clamped form (swiglu.glsl). Each group of four consecutive values is
// stored in the tiles' k order 0, 2, 1, 3 (tile_codes.glsl), so the product copies the tile as it
// is. Values beyond float16's range saturate instead of becoming infinite (an unnormalised
// activation such as silu(gate) * up would otherwise turn whole outputs NaN).
// Converted once, the input costs the tiled product half the bytes and no conversions: every
// workgroup of a token column read and converted it again (32 times for 4096 rows in tiles of 128).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint GLU = 0;
layout(local_size_x_id = 0) in;
#include "common.glsl"
#include "swiglu.glsl"

layout(binding = 0) readonly buffer Input { vec4 x4[]; };
layout(binding = 1) readonly buffer Up { vec4 up4[]; };   // read only when GLU = 1
layout(binding = 2) writeonly buffer Halves { uvec2 h4[]; };
layout(push_constant) uniform Push {
    uint cols4;      // values per token / 4
    uint xOffset4;   // first input vec4
    uint xStride4;   // vec4 between tokens' inputs
} p;

const float HALF_MAX = 65504.0;   // the largest finite float16

void main() {
    uint i = gl_WorkGroupID.x * WG + gl_LocalInvocationID.x, t = gl_WorkGroupID.y;
    if (i >= p.cols4) return;
    uint at = p.xOffset4 + t * p.xStride4 + i;
    vec4 v = x4[at];
    if (GLU != 0u) v = gated4(v, up4[at]);
    v = clamp(v, vec4(-HALF_MAX), vec4(HALF_MAX));
    h4[t * p.cols4 + i] = uvec2(packHalf2x16(v.xz), packHalf2x16(v.yw));
}
