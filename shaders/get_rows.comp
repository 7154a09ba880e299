#version 450
// Embedding lookup: dequantizes the rows of the step's token ids into F32 activations, times a
// scale (Gemma multiplies its embeddings by sqrt(dim); 1 elsewhere).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
#define STEP_BINDING 1
#include "step.glsl"
layout(binding = 2) writeonly buffer Output { float y[]; };
layout(push_constant) uniform Push {
    uint cols;       // weights per row
    uint firstId;    // index into step.ids of token 0
    uint rowBase;    // first row held by the bound weights (large tables are split)
    uint rowCount;   // rows held by the bound weights
    float scale;     // factor on every value
} p;

#include "weights.glsl"
#include "quant.glsl"

void main() {
    uint token = gl_WorkGroupID.x;
    uint id = step.ids[p.firstId + token];
    if (id < p.rowBase || id >= p.rowBase + p.rowCount) return;
    uint row = id - p.rowBase;
    uint blocksPerRow = p.cols / QK;
    w_blocks = p.rowCount * blocksPerRow;
    uint chunks = blocksPerRow * CHUNKS;
    for (uint j = gl_LocalInvocationID.x; j < chunks; j += WG) {
        uint blk = j / CHUNKS, c = j % CHUNKS;
        float v[CV];
        chunk_values(row * blocksPerRow + blk, c, v);
        uint o = token * p.cols + blk * QK;
        [[unroll]] for (uint k = 0; k < CV; k++) y[o + chunk_elem(c, k)] = v[k] * p.scale;
    }
}
