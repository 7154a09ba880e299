#version 450
// Matrix-vector product for decode on packed int8 dot products (-Dtandem.decode.int8=true; opt-in
// until a GPU benchmark shows it faster): y = W x (or y += W x) with x already quantized by
// quantize_q8_1.comp into blocks of 32 int8 codes with a scale d and the sum s = d * sum(q). Each
// 32 weights of a row pair with one such block: the layout (quant_*.glsl built with INT8_DOT)
// multiplies its own codes with x's four at a time (dotPacked4x8EXT, one instruction on GPUs with
// dp4a) instead of converting every weight to float, and scales the integer sum once per block, as
// llama.cpp's Vulkan backend does for decode. x's rounding to 8 bits is the only approximation:
// each value moves by at most d / 2 (d = its block's max|x| / 127), which llama.cpp accepts too.
// Each workgroup computes ROWS rows of one token (gl_WorkGroupID.y); its invocations stride over
// the rows' 32-weight parts and reduce with subgroupAdd, then across subgroups in shared memory.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_integer_dot_product : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint ROWS = 1;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
// quantize_q8_1.comp's output: block n's codes are words 8n..8n+7, its (d, s) vec2 p.scales + n
layout(binding = 1) readonly buffer InputCodes { uvec4 xcodes[]; };
layout(binding = 1) readonly buffer InputScales { vec2 xscales[]; };
layout(binding = 2) buffer Output { float y[]; };
layout(push_constant) uniform Push {
    uint cols;        // weights per row (a multiple of 32 and of the type's block)
    uint rows;        // rows in the bound weights
    uint xBlocks;     // input blocks per token (cols / 32)
    uint scales;      // vec2 index of the input's first (d, s)
    uint yOffset;     // output index of row 0 of the bound weights
    uint yStride;     // floats between tokens' outputs
    uint accumulate;  // 1: add to y (fused residual), 0: overwrite
} p;

#define INT8_DOT
#include "weights.glsl"
#include "quant.glsl"

shared float row_sums[ROWS * WG];

void main() {
    uint row0 = flat_group_x() * ROWS;
    uint token = gl_WorkGroupID.y;
    uint blocksPerRow = p.cols / QK;
    w_blocks = p.rows * blocksPerRow;
    uint parts = p.cols / 32u;   // a row's 32-weight parts: part j pairs with input block j
    uint xb = token * p.xBlocks;
    float acc[ROWS];
    [[unroll]] for (uint i = 0; i < ROWS; i++) acc[i] = 0.0;
    for (uint j = gl_LocalInvocationID.x; j < parts; j += WG) {
        // the input block once for all ROWS rows
        uvec4 xlo = xcodes[2u * (xb + j)], xhi = xcodes[2u * (xb + j) + 1u];
        vec2 xds = xscales[p.scales + xb + j];
        uint blk = j / I8_PARTS, part = j % I8_PARTS;
        // No branch on the last rows: a row past the end re-reads the last row and its sum is never
        // written, so the loads of all ROWS rows are independent and in flight together.
        [[unroll]] for (uint i = 0; i < ROWS; i++) {
            uint row = min(row0 + i, p.rows - 1u);
            acc[i] += i8_dot(row * blocksPerRow + blk, part, xlo, xhi, xds);
        }
    }
    [[unroll]] for (uint i = 0; i < ROWS; i++) {
        float s = subgroupAdd(acc[i]);
        if (subgroupElect()) row_sums[i * WG + gl_SubgroupID] = s;
    }
    barrier();
    uint i = gl_LocalInvocationID.x;
    uint row = row0 + i;
    if (i < ROWS && row < p.rows) {
        float total = 0.0;
        for (uint s = 0; s < gl_NumSubgroups; s++) total += row_sums[i * WG + s];
        uint o = token * p.yStride + p.yOffset + row;
        y[o] = (p.accumulate != 0u ? y[o] : 0.0) + total;
    }
}
