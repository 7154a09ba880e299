#version 450
// Matrix-vector product for decode on packed int8 dot products (-Dtandem.decode.int8=true; opt-in
// until a GPU benchmark shows it faster): y = W x (or y += W x) with x already quantized by
// quantize_q8_1.comp into blocks of 32 int8 codes with a scale d and the sum s = d * sum(q). Each
// 32 weights of a row pair with one such block: the layout (quant_*.glsl built with INT8_DOT)
// multiplies its own codes with x's four at a time (dotPacked4x8EXT, one instruction on GPUs with
// dp4a) instead of converting every weight to float, and scales the integer sum once per block, as
// llama.cpp's Vulkan backend does for decode. x's rounding to 8 bits is the only approximation:
// each value moves by at most d / 2 (d = its block's max|x| / 127), which llama.cpp accepts too.
// Each workgroup computes ROWS rows of TB tokens (from gl_WorkGroupID.y * TB; TB > 1 in the steps
// several sequences share, where each part of a row is read once for all the tokens); its
// invocations stride over the rows' 32-weight parts and reduce with subgroupAdd, then across
// subgroups in shared memory.
// Built with MOE defined, the weights are a 3-D expert tensor (p.experts matrices of p.rows rows) and
// the rows read are those of the experts the router chose, as in matvec.comp (TB = 1): EXPERT_MODE 1
// (gate/up) computes workgroup y = pair (token * used + slot) with expert ids[pair] on its token's
// quantized input (p.tokens = pairs); EXPERT_MODE 2 (down) computes workgroup y = token and sums its
// used experts' products, each on its own pair's quantized input (glu(gate, up), one row per pair),
// weighted by the router weight (and its bias row, with p.bias).
// With GLU = 1 (a decode token's gate and up projections, two dispatches of this kernel between the same barriers) the
// down projection's int8 input is made here, not by a quantize dispatch of its own: each workgroup, once its rows are
// written, counts itself in for its block of 32 outputs (a counter per block, bumped by the gate's and the up's
// workgroups alike), and the last to arrive reads the block's 32 gate and up values, takes silu(gate) * up and
// quantizes it (q8_1_store.glsl). The counters only ever grow: the last arrival of a step is the one that makes its
// count a multiple of p.arrivals (a power of two), so they need no reset.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_integer_dot_product : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint ROWS = 1;
layout(constant_id = 2) const uint TB = 1;   // tokens per workgroup
layout(constant_id = 3) const uint EXPERT_MODE = 0;   // MOE builds: 1 gate/up pairs, 2 weighted down sum
layout(constant_id = 4) const uint GLU = 0;           // 1: the last workgroup of each output block quantizes silu(gate) * up
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
// quantize_q8_1.comp's output: block n's codes are words 8n..8n+7, its (d, s) vec2 p.scales + n
layout(binding = 1) readonly buffer InputCodes { uvec4 xcodes[]; };
layout(binding = 1) readonly buffer InputScales { vec2 xscales[]; };
layout(binding = 2) coherent buffer Output { float y[]; };   // coherent: GLU = 1 reads other workgroups' outputs
layout(push_constant) uniform Push {
    uint cols;        // weights per row (a multiple of 32 and of the type's block)
    uint rows;        // rows in the bound weights
    uint xBlocks;     // input blocks per token (cols / 32)
    uint scales;      // vec2 index of the input's first (d, s)
    uint yOffset;     // output index of row 0 of the bound weights
    uint yStride;     // floats between tokens' outputs
    uint accumulate;  // 1: add to y (fused residual), 0: overwrite
    uint tokens;      // tokens in the step (MOE gate/up: pairs)
#ifdef MOE
    uint used;        // experts per token
    uint experts;     // matrices in the bound weights
    uint bias;        // 1: add bias[expert * rows + row]
#else
    uint arrivals;    // GLU = 1: workgroups of the gate and up dispatches per output block (a power of two)
    uint gluScales;   // GLU = 1: vec2 index of the down input's first (d, s)
#endif
} p;
#ifdef MOE
#define MOE_BINDING 3
#include "moe.glsl"
#else
// GLU = 1 only: the gate and up outputs (both dispatches bind both), the down projection's int8 input, the block counters
layout(binding = 3) coherent readonly buffer GateOut { vec4 gate4[]; };
layout(binding = 4) coherent readonly buffer UpOut { vec4 up4[]; };
layout(binding = 5) writeonly buffer Codes { uvec4 codes[]; };
layout(binding = 5) writeonly buffer Scales { vec2 scales[]; };
layout(binding = 6) coherent buffer Counters { uint counters[]; };
#include "swiglu.glsl"
#include "q8_1_store.glsl"
shared bool lastArrival;

// GLU = 1: after the workgroup's rows are written, the last workgroup of their block of 32 outputs quantizes it.
void quantizeGluBlock(uint row0) {
    memoryBarrierBuffer();
    barrier();
    uint block = (p.yOffset + row0) / 32u;
    if (gl_LocalInvocationID.x == 0u) lastArrival = (atomicAdd(counters[block], 1u) + 1u) % p.arrivals == 0u;
    barrier();
    if (!lastArrival || gl_LocalInvocationID.x != 0u) return;
    memoryBarrierBuffer();
    vec4 v[8];
    [[unroll]] for (uint r = 0; r < 8u; r++) v[r] = gated4(gate4[8u * block + r], up4[8u * block + r]);
    q8_1_store(v, block, p.gluScales);
}
#endif

#define INT8_DOT
#include "weights.glsl"
#include "quant.glsl"

shared float row_sums[ROWS * TB * WG];

void main() {
    uint row0 = flat_group_x() * ROWS;
    uint token0 = gl_WorkGroupID.y * TB;
    uint blocksPerRow = p.cols / QK;
    w_blocks = p.rows * blocksPerRow;
    uint parts = p.cols / 32u;   // a row's 32-weight parts: part j pairs with input block j
    uint slots = 1u;
    // Invocations that step along a row together (lanes), and the first slot and slot step of this
    // invocation's group: all of them but in the down experts of a mixture.
    uint lanes = WG, lane = gl_LocalInvocationID.x, slot0 = 0u, slotStep = 1u;
    uint expertRow0 = 0u;   // MOE: first row of the current expert's matrix
    float slotScale = 1.0;  // MOE down: the current expert's router weight
#ifdef MOE
    w_blocks = p.rows * p.experts * blocksPerRow;
    if (EXPERT_MODE == 2u) {
        slots = p.used;
        expert_lanes(parts, lanes, lane, slot0, slotStep);
    }
#endif
    float acc[ROWS * TB];
    [[unroll]] for (uint i = 0; i < ROWS * TB; i++) acc[i] = 0.0;
    for (uint slot = slot0; slot < slots; slot += slotStep) {
    uint xRow0 = token0;   // the input row of the workgroup's first token
#ifdef MOE
    // the expert of this pair (gate/up) or of this slot of the token (down), and its input row
    uint pair = EXPERT_MODE == 1u ? token0 : token0 * p.used + slot;
    expertRow0 = expert_ids[pair] * p.rows;
    xRow0 = EXPERT_MODE == 1u ? token0 / p.used : pair;
    if (EXPERT_MODE == 2u) slotScale = expert_weights[pair];
#endif
    for (uint j = lane; j < parts; j += lanes) {
        uint blk = j / I8_PARTS, part = j % I8_PARTS;
        [[unroll]] for (uint t = 0; t < TB; t++) {
            // a token past the step's end re-reads the first one; its sums are never written
            uint xb = (token0 + t < p.tokens ? xRow0 + t : xRow0) * p.xBlocks + j;
            // the input block once for all ROWS rows; their weights, read for the first token, come
            // from the cache for the others
            uvec4 xlo = xcodes[2u * xb], xhi = xcodes[2u * xb + 1u];
            vec2 xds = xscales[p.scales + xb];
            // No branch on the last rows: a row past the end re-reads the last row and its sum is never
            // written, so the loads of all ROWS rows are independent and in flight together.
            [[unroll]] for (uint i = 0; i < ROWS; i++) {
                uint row = min(row0 + i, p.rows - 1u);
                acc[i * TB + t] += slotScale * i8_dot((expertRow0 + row) * blocksPerRow + blk, part, xlo, xhi, xds);
            }
        }
    }
    }
    [[unroll]] for (uint i = 0; i < ROWS * TB; i++) {
        float s = subgroupAdd(acc[i]);
        if (subgroupElect()) row_sums[i * WG + gl_SubgroupID] = s;
    }
    barrier();
    // Invocation i writes row i / TB of token i % TB.
    uint i = gl_LocalInvocationID.x;
    uint row = row0 + i / TB, token = token0 + i % TB;
    if (i < ROWS * TB && row < p.rows && token < p.tokens) {
        float total = 0.0;
        for (uint s = 0; s < gl_NumSubgroups; s++) total += row_sums[i * WG + s];
#ifdef MOE
        if (p.bias != 0u) total += expert_bias_sum(token, row, slots);
#endif
        uint o = token * p.yStride + p.yOffset + row;
        y[o] = (p.accumulate != 0u ? y[o] : 0.0) + total;
    }
#ifndef MOE
    if (GLU != 0u) quantizeGluBlock(row0);
#endif
}
