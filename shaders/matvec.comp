#version 450
// Matrix-vector product for decode, one variant per weight type: y = W x (or y += W x, the
// residual add fused). With GLU = 1 the input is silu(x) * up, computed on the fly (the SwiGLU of
// the feed-forward block fused into its down projection). Each workgroup computes ROWS rows; its
// invocations stride over the rows' parts and reduce with subgroupAdd, then across subgroups
// through shared memory. Several tokens (gl_WorkGroupID.y) are supported for small batches.
// With NORM = 1 the input is rmsnorm(x) * normWeight: rmsnorm(x) = x / rms(x) and the 1 / rms(x)
// factors out of each row's sum, so the workgroup sums the squares of the inputs it reads anyway
// and scales its sums at the end: no norm dispatch, no barrier and no extra pass over x.
// One token per workgroup (decode) walks a row in the layout's slices where it has them
// (HAS_SLICE_DOT: wide aligned loads, scales decoded once per slice), else in its chunks.
// Layouts with slices provide SLICES (per block), SV (values per slice), slice_run(s, r) (like
// chunk_run) and float slice_dot(blk, s, vec4 xv[SV / 4]).
// Built with MOE defined, the weights are a 3-D expert tensor (p.experts matrices of p.rows rows)
// and the rows read are those of the experts the router chose (ids, written on the GPU by
// moe_route.comp): EXPERT_MODE 1 (gate/up) computes workgroup y = pair (token * used + slot) with
// expert ids[pair] on its token's input; EXPERT_MODE 2 (down) computes workgroup y = token and
// sums its used experts' products, each on its own pair's input, weighted by the router weight
// (and its bias row, with p.bias). GLU = 2 is gpt-oss's clamped SwiGLU instead of silu(x) * up.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint ROWS = 1;
layout(constant_id = 2) const uint GLU = 0;
layout(constant_id = 3) const uint NORM = 0;
layout(constant_id = 4) const uint UNROLL = 2;   // chunks per invocation per step, loads issued together
layout(constant_id = 5) const uint TB = 1;       // tokens per workgroup: each weight chunk is dequantized
                                                 // once and used for TB tokens (prompts); NORM needs TB = 1
layout(constant_id = 6) const uint EXPERT_MODE = 0;   // MOE builds: 1 gate/up pairs, 2 weighted down sum
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
layout(binding = 1) readonly buffer Input { vec4 x4[]; };
layout(binding = 2) buffer Output { float y[]; };
layout(binding = 3) readonly buffer Up { vec4 up4[]; };   // read only when GLU = 1
layout(binding = 4) readonly buffer NormWeight { vec4 nw4[]; };   // read only when NORM = 1
layout(push_constant) uniform Push {
    uint cols;        // weights per row (a multiple of 4)
    uint rows;        // rows in the bound weights
    uint xOffset;     // first input float (a multiple of 4)
    uint xStride;     // floats between tokens' inputs (a multiple of 4)
    uint yOffset;     // output index of row 0 of the bound weights
    uint yStride;     // floats between tokens' outputs
    uint accumulate;  // 1: add to y (fused residual), 0: overwrite
    float eps;        // RMS norm epsilon (NORM = 1)
    uint tokens;      // tokens in the step (TB > 1)
#ifdef MOE
    uint used;        // experts per token
    uint experts;     // matrices in the bound weights
    uint bias;        // 1: add bias[expert * rows + row]
#endif
} p;
#ifdef MOE
#define MOE_BINDING 5
#include "moe.glsl"
#endif

#include "weights.glsl"
#include "quant.glsl"

// Per-subgroup sums of each row (and token), then of the squares of x (NORM).
shared float row_sums[(ROWS * TB + NORM) * WG];

#ifdef HAS_SLICE_DOT
#define DECODE_PARTS SLICES
#define DV SV
#define decode_run slice_run
#else
#define DECODE_PARTS CHUNKS
#define DV CV
#define decode_run chunk_run
#endif

// Steps each invocation takes at once. A slice is already two wide loads, and rows are only a few
// slices long (Llama-3-8B's 4096 columns: 128 Q4_K slices), so the duplicate steps of a second
// unrolled step past a row's end cost more than its overlap gains: H100, 8B Q4_K decode ran 189
// tokens/s stepping one slice against 140 with two (2026-12-07).
#ifdef HAS_SLICE_DOT
const uint DECODE_UNROLL = 1u;
#else
const uint DECODE_UNROLL = UNROLL;
#endif

uint row_start4 = 0;
uint expert_row0 = 0;    // MOE: first row of the current expert's matrix
float slot_scale = 1.0;  // MOE down: the current expert's router weight

#include "swiglu.glsl"

// The input at vec4 index i4 whose x values are v (zero for a step past the end).
vec4 input4(vec4 v, uint i4) {
    if (GLU != 0u) v = gated4(v, up4[i4]);
    if (NORM != 0u) v *= nw4[i4 - row_start4];
    return v;
}

void main() {
    uint row0 = flat_group_x() * ROWS;
    uint token = gl_WorkGroupID.y * TB;
    uint blocksPerRow = p.cols / QK;
    w_blocks = p.rows * blocksPerRow;
    uint partsPerBlock = TB == 1u ? DECODE_PARTS : CHUNKS;
    uint parts = blocksPerRow * partsPerBlock;
    uint xb = p.xOffset + token * p.xStride;
    uint slots = 1u;
    // Invocations that step along a row together (lanes), and the first slot and slot step of this
    // invocation's group: all of them but in the down experts of a mixture.
    uint lanes = WG, lane = gl_LocalInvocationID.x, slot0 = 0u, slotStep = 1u;
#ifdef MOE
    w_blocks = p.rows * p.experts * blocksPerRow;
    if (EXPERT_MODE == 1u) xb = p.xOffset + (token / p.used) * p.xStride;
    if (EXPERT_MODE == 2u) {
        slots = p.used;
        expert_lanes(parts, lanes, lane, slot0, slotStep);
    }
#endif
    row_start4 = xb >> 2;
    float squares = 0.0;   // of this invocation's x values (NORM)
    float acc[ROWS * TB];
    [[unroll]] for (uint i = 0; i < ROWS * TB; i++) acc[i] = 0.0;

    const uint steps = TB == 1u ? DECODE_UNROLL : UNROLL;
    for (uint slot = slot0; slot < slots; slot += slotStep) {
#ifdef MOE
    // the expert of this pair (gate/up) or of this slot of the token (down)
    uint pair = EXPERT_MODE == 1u ? token : token * p.used + slot;
    uint expert = expert_ids[pair];
    expert_row0 = expert * p.rows;
    if (EXPERT_MODE == 2u) {
        slot_scale = expert_weights[pair];
        xb = p.xOffset + pair * p.xStride;
    }
#endif
    for (uint j0 = lane; j0 < parts; j0 += lanes * steps) {
        [[unroll]] for (uint u = 0; u < steps; u++) {
            // No branch on the tail: an out-of-range step re-reads part j0 and adds nothing, so the
            // loads of all UNROLL steps can be in flight together.
            bool valid = j0 + u * lanes < parts;
            uint j = valid ? j0 + u * lanes : j0;
            float keep = valid ? 1.0 : 0.0;
            uint blk = j / partsPerBlock, c = j % partsPerBlock;
            if (TB == 1u) {
            // The parts of a row cover each input once, so the squares summed here are x's.
            uint xi = xb + blk * QK;
            vec4 xv[DV / 4];
            [[unroll]] for (uint r = 0; r < DV / 4; r++) {
                uint i4 = (xi + decode_run(c, r)) >> 2;
                vec4 v = keep * x4[i4];
                if (NORM != 0u) squares += dot(v, v);
                xv[r] = slot_scale * input4(v, i4);
            }
#if !defined(HAS_SLICE_DOT) && defined(HAS_CHUNK_DOT)
            vec4 xsum4 = vec4(0.0);
            [[unroll]] for (uint r = 0; r < CV / 4; r++) xsum4 += xv[r];
            float xsum = dot(xsum4, vec4(1.0));
#endif
            // No branch on the last rows either: a row past the end re-reads the last row and its sum
            // is never written, so the loads of all ROWS rows are independent and in flight together.
            [[unroll]] for (uint i = 0; i < ROWS; i++) {
                uint row = min(row0 + i, p.rows - 1u);
                uint b = (expert_row0 + row) * blocksPerRow + blk;
#if defined(HAS_SLICE_DOT)
                acc[i] += slice_dot(b, c, xv);
#elif defined(HAS_CHUNK_DOT)
                acc[i] += chunk_dot(b, c, xv, xsum);
#else
                float v[CV];
                chunk_values(b, c, v);
                float s = 0.0;
                [[unroll]] for (uint r = 0; r < CV / 4; r++) {
                    s += dot(vec4(v[4 * r], v[4 * r + 1], v[4 * r + 2], v[4 * r + 3]), xv[r]);
                }
                acc[i] += s;
#endif
            }
            } else {
            // Several tokens: each token's inputs are read (and SwiGLU'd) once per chunk, the
            // chunk of each row dequantized once and used for every token.
            vec4 xs[TB * (CV / 4)];
            [[unroll]] for (uint t = 0; t < TB; t++) {
                bool present = token + t < p.tokens;
                uint xi = p.xOffset + (present ? token + t : token) * p.xStride + blk * QK;
                float use = present ? keep : 0.0;
                [[unroll]] for (uint r = 0; r < CV / 4; r++) {
                    uint i4 = (xi + chunk_run(c, r)) >> 2;
                    xs[t * (CV / 4) + r] = input4(use * x4[i4], i4);
                }
            }
            [[unroll]] for (uint i = 0; i < ROWS; i++) {
                uint row = min(row0 + i, p.rows - 1u);
                float v[CV];
                chunk_values(row * blocksPerRow + blk, c, v);
                [[unroll]] for (uint t = 0; t < TB; t++) {
                    float s = 0.0;
                    [[unroll]] for (uint r = 0; r < CV / 4; r++) {
                        s += dot(vec4(v[4 * r], v[4 * r + 1], v[4 * r + 2], v[4 * r + 3]), xs[t * (CV / 4) + r]);
                    }
                    acc[i * TB + t] += s;
                }
            }
            }
        }
    }
    }
    [[unroll]] for (uint i = 0; i < ROWS * TB; i++) {
        float s = subgroupAdd(acc[i]);
        if (subgroupElect()) row_sums[i * WG + gl_SubgroupID] = s;
    }
    if (NORM != 0u) {
        float s = subgroupAdd(squares);
        if (subgroupElect()) row_sums[ROWS * TB * WG + gl_SubgroupID] = s;
    }
    barrier();
    // Invocation i writes row i / TB of token i % TB.
    uint i = gl_LocalInvocationID.x;
    uint row = row0 + i / TB, tok = token + i % TB;
    if (i < ROWS * TB && row < p.rows && (TB == 1u || tok < p.tokens)) {
        float total = 0.0;
        for (uint s = 0; s < gl_NumSubgroups; s++) total += row_sums[i * WG + s];
        if (NORM != 0u) {
            float squares = 0.0;
            for (uint s = 0; s < gl_NumSubgroups; s++) squares += row_sums[ROWS * TB * WG + s];
            total *= inversesqrt(squares / float(p.cols) + p.eps);
        }
#ifdef MOE
        // the experts' bias rows, weighted like their products (down), summed by the invocation that writes
        if (p.bias != 0u) total += expert_bias_sum(token, row, slots);
#endif
        uint o = tok * p.yStride + p.yOffset + row;
        y[o] = (p.accumulate != 0u ? y[o] : 0.0) + total;
    }
}
