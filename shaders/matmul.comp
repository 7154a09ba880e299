#version 450
// Tiled matrix product for prompts (prefill), one variant per weight type:
// Y[token][row] (+)= W[row] . X[token] for a tile of 64 rows x 64 tokens per workgroup of 256
// invocations, stepping through the shared dimension 32 weights at a time. Each step dequantizes
// the weight tile once into shared memory (through the same block-layout include as matvec), so a
// weight is read once per 64 tokens instead of once per token; each invocation accumulates 4 x 4
// outputs. GLU = 1 reads silu(X) * UP as input (SwiGLU fused into the down projection), GLU = 2
// gpt-oss's clamped form (swiglu.glsl). Built with MOE, a mixture's experts with the tokens grouped
// by expert (tile_columns.glsl).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 256;
layout(constant_id = 1) const uint GLU = 0;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
layout(binding = 1) readonly buffer Input { float x[]; };
layout(binding = 2) buffer Output { float y[]; };
layout(binding = 3) readonly buffer Up { float up[]; };
layout(push_constant) uniform Push {
    uint cols;        // weights per row
    uint rows;        // rows in the bound weights
    uint xOffset;     // first input float
    uint xStride;     // floats between tokens' inputs
    uint yOffset;     // output index of row 0 of the bound weights
    uint yStride;     // floats between tokens' outputs
    uint accumulate;  // 1: add to y (fused residual), 0: overwrite
    uint tokens;      // tokens in this step
#ifdef MOE
    uint experts;        // as in matmul_coopmat.comp (tile_columns.glsl)
    uint pairsPerInput;
    uint pairs;
    uint bias;
#endif
} p;

#include "weights.glsl"
#include "quant.glsl"
#include "tile_window.glsl"

const uint BM = 64u, BN = 64u, BK = 32u;
#define MOE_BINDING 4
#include "tile_columns.glsl"
// Chunks that cover 32 consecutive weights of one row.
const uint TILE_CHUNKS = BK / uint(CV);

// Plain float tiles: stores into single components of shared vec4s were measured ~100x slower
// on an H200 than these scalar stores.
shared float w_tile[BK * BM];   // w_tile[k * BM + r] = W[row0 + r][k0 + k]
shared float x_tile[BK * BN];   // x_tile[k * BN + t] = X[tok0 + t][k0 + k]

#include "swiglu.glsl"

float input_at(uint i) {
    return GLU != 0u ? gated(x[i], up[i]) : x[i];
}

void main() {
    uint row0 = gl_WorkGroupID.x * BM, tok0 = gl_WorkGroupID.y * BN;
    uint lid = gl_LocalInvocationID.x;
    uint tr = lid % 16u, tc = lid / 16u;     // this invocation's 4 rows and 4 tokens
    uint blocksPerRow = p.cols / QK;
    w_blocks = p.rows * blocksPerRow;
    if (!tile_begin()) return;
    vec4 acc[4];
    [[unroll]] for (uint i = 0; i < 4u; i++) acc[i] = vec4(0.0);

    for (uint k0 = 0; k0 < p.cols; k0 += BK) {
        for (uint idx = lid; idx < BM * TILE_CHUNKS; idx += WG) {
            uint r = idx / TILE_CHUNKS;
            uvec2 bc = window_chunk(k0, idx % TILE_CHUNKS, BK);
            uint ib = bc.x, c = bc.y;
            float v[CV];
            bool inside = row0 + r < p.rows && ib < blocksPerRow;
            if (inside) chunk_values((w_row0 + row0 + r) * blocksPerRow + ib, c, v);
            [[unroll]] for (uint k = 0; k < uint(CV); k++) {
                uint kk = ib * QK + chunk_elem(c, k) - k0;
                if (kk < BK) w_tile[kk * BM + r] = inside ? v[k] : 0.0;
            }
        }
        for (uint idx = lid; idx < BN * BK; idx += WG) {
            uint t = idx / BK, kk = idx % BK;
            bool inside = tile_has(tok0, t) && k0 + kk < p.cols;
            x_tile[kk * BN + t] = inside ? input_at(p.xOffset + tile_input_row(tok0, t) * p.xStride + k0 + kk) : 0.0;
        }
        barrier();
        [[unroll]] for (uint k = 0; k < BK; k++) {
            uint wa = k * BM + 4u * tr, xa = k * BN + 4u * tc;
            vec4 a = vec4(w_tile[wa], w_tile[wa + 1u], w_tile[wa + 2u], w_tile[wa + 3u]);
            vec4 b = vec4(x_tile[xa], x_tile[xa + 1u], x_tile[xa + 2u], x_tile[xa + 3u]);
            acc[0] += a * b.x;
            acc[1] += a * b.y;
            acc[2] += a * b.z;
            acc[3] += a * b.w;
        }
        barrier();
    }
    [[unroll]] for (uint j = 0; j < 4u; j++) {
        uint col = 4u * tc + j;
        if (!tile_has(tok0, col)) continue;
        [[unroll]] for (uint i = 0; i < 4u; i++) {
            uint r = row0 + 4u * tr + i;
            if (r >= p.rows) continue;
            uint o = tile_output_row(tok0, col) * p.yStride + p.yOffset + r;
            y[o] = (p.accumulate != 0u ? y[o] : 0.0) + acc[j][i] + tile_bias(r);
        }
    }
}
