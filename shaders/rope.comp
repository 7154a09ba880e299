#version 450
// Rotary position embedding, in place on [tokens][heads][headDim] F32. The cos/sin table
// [position][rotDim/2] is computed on the host in double precision (GPU sin/cos of large angles
// are inexact). NEOX = 0 rotates adjacent pairs (2i, 2i+1); NEOX = 1 rotates (i, i + rotDim/2).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint NEOX = 0;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) buffer Data { float v[]; };
layout(binding = 1) readonly buffer Table { vec2 cs[]; };
#define STEP_BINDING 2
#include "step.glsl"
layout(push_constant) uniform Push {
    uint heads;
    uint headDim;
    uint rotDim;
} p;

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y;
    uint pos = step.pos0 + token;
    uint base = (token * p.heads + head) * p.headDim;
    uint half_ = p.rotDim / 2u;
    for (uint i = gl_LocalInvocationID.x; i < half_; i += WG) {
        vec2 t = cs[pos * half_ + i];
        uint a = NEOX != 0u ? base + i : base + 2u * i;
        uint b = NEOX != 0u ? a + half_ : a + 1u;
        float x0 = v[a], x1 = v[b];
        v[a] = x0 * t.x - x1 * t.y;
        v[b] = x0 * t.y + x1 * t.x;
    }
}
