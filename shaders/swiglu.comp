#version 450
// SwiGLU in place for prompts: gate[t][i] = silu(gate[t][i]) * up[t][i], once per element before
// the down projection's tiled product (the same formula as the products' fused GLU input; fused
// into a tiled product it was evaluated again by every workgroup of a token column, 32 times for
// Llama-3-8B's 4096 rows in tiles of 128).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) buffer Gate { vec4 gate4[]; };
layout(binding = 1) readonly buffer Up { vec4 up4[]; };
layout(push_constant) uniform Push {
    uint n4;   // row length in vec4 (the row length is a multiple of 4)
} p;

void main() {
    uint i = gl_WorkGroupID.x * WG + gl_LocalInvocationID.x;
    if (i >= p.n4) return;
    uint at = gl_WorkGroupID.y * p.n4 + i;
    vec4 v = gate4[at];
    gate4[at] = v / (1.0 + exp(-v)) * up4[at];
}
