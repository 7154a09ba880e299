#version 450
// Appends the step's K or V rows (F32 [tokens][kvDim]) to an F16 cache at positions pos0...,
// two halves per 32-bit word.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Input { float x[]; };
layout(binding = 1) writeonly buffer Cache { uint cache[]; };
#define STEP_BINDING 2
#include "step.glsl"
layout(push_constant) uniform Push {
    uint kvDim;  // floats per token (even)
} p;

void main() {
    uint token = gl_WorkGroupID.y;
    uint pair = gl_WorkGroupID.x * WG + gl_LocalInvocationID.x;
    uint pairs = p.kvDim / 2u;
    if (pair >= pairs) return;
    uint src = token * p.kvDim + 2u * pair;
    cache[(step.pos0 + token) * pairs + pair] = packHalf2x16(vec2(x[src], x[src + 1u]));
}
