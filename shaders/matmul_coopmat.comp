#version 450
// Matrix product for prompts on the matrix units (VK_KHR_cooperative_matrix), one variant per
// weight type: Y[token][yOffset + row] (+)= W[row] . X[token], the same product and push
// constants as matmul.comp. A workgroup computes BM rows x BN tokens; each of its subgroups owns a
// WM x WN part of that tile as (WM/16) x (WN/16) accumulators of 16 x 16 floats. The shared
// dimension is walked BK weights at a time: each step dequantizes the weight tile (through the
// block-layout include, like every other kernel) and converts the input tile, both to float16, into
// shared memory, from where the subgroups load their 16 x 16 operands.
//
// Two shared buffers alternate: while the subgroups multiply the tiles of step s, the loads of
// step s+1 are already in flight into registers, and the values are written to the other buffer
// afterwards, so one barrier per step suffices and the matrix units never wait on memory alone.
// GLU = 1 reads silu(X) * UP as input (SwiGLU fused into the down projection).
//
// The host creates this kernel only where the device reports a 16 x 16 x 16 float16 x float16 ->
// float32 subgroup-scope configuration; WG = (BM/WM) * (BN/WN) * the device's subgroup size.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_cooperative_matrix : require
layout(constant_id = 0) const uint WG = 128;
layout(constant_id = 1) const uint GLU = 0;
layout(constant_id = 2) const uint BM = 64;   // rows per workgroup
layout(constant_id = 3) const uint BN = 64;   // tokens per workgroup
layout(constant_id = 4) const uint BK = 32;   // weights per step: a multiple of 32 dividing 256
layout(constant_id = 5) const uint WM = 32;   // rows per subgroup (a multiple of 16)
layout(constant_id = 6) const uint WN = 32;   // tokens per subgroup (a multiple of 16)
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
layout(binding = 1) readonly buffer Input { vec4 x4[]; };
layout(binding = 2) buffer Output { float y[]; };
layout(binding = 3) readonly buffer Up { vec4 up4[]; };   // read only when GLU = 1
layout(push_constant) uniform Push {
    uint cols;        // weights per row (a multiple of the block size and of 4)
    uint rows;        // rows in the bound weights
    uint xOffset;     // first input float (a multiple of 4)
    uint xStride;     // floats between tokens' inputs (a multiple of 4)
    uint yOffset;     // output index of row 0 of the bound weights
    uint yStride;     // floats between tokens' outputs
    uint accumulate;  // 1: add to y (fused residual), 0: overwrite
    uint tokens;      // tokens in this step
} p;

#include "weights.glsl"
#include "quant.glsl"
#include "tile_window.glsl"

const uint F = 16u;                       // fragment side
const uint FM = WM / F, FN = WN / F;      // fragments per subgroup
const uint STRIDE4 = (BK + 8u) / 4u;      // f16vec4 per tile line; the padding spreads lines over banks
const uint A_CHUNKS = BM * (BK / uint(CV));   // weight chunks per tile
const uint X_VEC4 = BN * (BK / 4u);           // input vec4 per tile
const uint A_PER = (A_CHUNKS + WG - 1u) / WG; // per invocation
const uint X_PER = (X_VEC4 + WG - 1u) / WG;
const uint SUBGROUPS = (BM / WM) * (BN / WN);

// a_tile[buf][r][k] = W[row0 + r][k0 + k], b_tile[buf][t][k] = X[tok0 + t][k0 + k] (4 k per element).
shared f16vec4 a_tile[2u * BM * STRIDE4];
shared f16vec4 b_tile[2u * BN * STRIDE4];
// One 16 x 16 fragment per subgroup on its way out (bounds checks and the residual add).
shared float out_tile[SUBGROUPS * F * F];

// Registers holding the next step's tiles between their loads and their stores to shared memory.
float a_next[A_PER][CV];
vec4 x_next[X_PER];

void load_tiles(uint row0, uint tok0, uint k0) {
    uint lid = gl_LocalInvocationID.x;
    uint blocksPerRow = p.cols / QK;
    [[unroll]] for (uint i = 0; i < A_PER; i++) {
        uint idx = min(lid + i * WG, A_CHUNKS - 1u);
        uvec2 bc = window_chunk(k0, idx % (BK / uint(CV)), BK);
        // Rows past the end re-read the last row (their outputs are never written); blocks past
        // the end of a row (a partial last step) read block 0 and count as zero.
        uint row = min(row0 + idx / (BK / uint(CV)), p.rows - 1u);
        bool inside = bc.x < blocksPerRow;
        chunk_values(row * blocksPerRow + (inside ? bc.x : 0u), bc.y, a_next[i]);
        [[unroll]] for (uint k = 0; k < uint(CV); k++) a_next[i][k] = inside ? a_next[i][k] : 0.0;
    }
    [[unroll]] for (uint i = 0; i < X_PER; i++) {
        uint idx = min(lid + i * WG, X_VEC4 - 1u);
        uint t = min(tok0 + idx / (BK / 4u), p.tokens - 1u);
        uint k = k0 + 4u * (idx % (BK / 4u));
        uint i4 = (p.xOffset + t * p.xStride + min(k, p.cols - 4u)) >> 2;
        vec4 v = x4[i4];
        if (GLU != 0u) v = v / (1.0 + exp(-v)) * up4[i4];
        x_next[i] = k < p.cols ? v : vec4(0.0);
    }
}

void store_tiles(uint k0, uint buf) {
    uint lid = gl_LocalInvocationID.x;
    [[unroll]] for (uint i = 0; i < A_PER; i++) {
        uint idx = lid + i * WG;
        if (idx >= A_CHUNKS) break;
        uvec2 bc = window_chunk(k0, idx % (BK / uint(CV)), BK);
        uint line = (buf * BM + idx / (BK / uint(CV))) * STRIDE4;
        [[unroll]] for (uint run = 0; run < uint(CV) / 4u; run++) {
            uint kk = bc.x * QK + chunk_run(bc.y, run) - k0;
            a_tile[line + kk / 4u] = f16vec4(a_next[i][4u * run], a_next[i][4u * run + 1u],
                                             a_next[i][4u * run + 2u], a_next[i][4u * run + 3u]);
        }
    }
    [[unroll]] for (uint i = 0; i < X_PER; i++) {
        uint idx = lid + i * WG;
        if (idx >= X_VEC4) break;
        b_tile[(buf * BN + idx / (BK / 4u)) * STRIDE4 + idx % (BK / 4u)] = f16vec4(x_next[i]);
    }
}

void main() {
    w_blocks = p.rows * (p.cols / QK);   // before any weight read (weights.glsl)
    uint row0 = gl_WorkGroupID.x * BM, tok0 = gl_WorkGroupID.y * BN;
    uint sg = gl_SubgroupID;
    uint sgRow = (sg % (BM / WM)) * WM, sgTok = (sg / (BM / WM)) * WN;

    coopmat<float, gl_ScopeSubgroup, F, F, gl_MatrixUseAccumulator> acc[FM * FN];
    [[unroll]] for (uint i = 0; i < FM * FN; i++) acc[i] = coopmat<float, gl_ScopeSubgroup, F, F, gl_MatrixUseAccumulator>(0.0);

    load_tiles(row0, tok0, 0u);
    store_tiles(0u, 0u);
    barrier();
    uint steps = (p.cols + BK - 1u) / BK;
    for (uint s = 0; s < steps; s++) {
        uint buf = s & 1u;
        // The next step's loads go out before this step's products (the last step re-reads its own tile).
        uint kNext = min(s + 1u, steps - 1u) * BK;
        load_tiles(row0, tok0, kNext);
        [[unroll]] for (uint kk = 0; kk < BK / F; kk++) {
            coopmat<float16_t, gl_ScopeSubgroup, F, F, gl_MatrixUseA> a[FM];
            [[unroll]] for (uint i = 0; i < FM; i++) {
                coopMatLoad(a[i], a_tile, (buf * BM + sgRow + i * F) * STRIDE4 + kk * (F / 4u), STRIDE4,
                            gl_CooperativeMatrixLayoutRowMajor);
            }
            [[unroll]] for (uint j = 0; j < FN; j++) {
                coopmat<float16_t, gl_ScopeSubgroup, F, F, gl_MatrixUseB> b;
                // B[k][t] = b_tile[t][k]: column-major with one tile line per token.
                coopMatLoad(b, b_tile, (buf * BN + sgTok + j * F) * STRIDE4 + kk * (F / 4u), STRIDE4,
                            gl_CooperativeMatrixLayoutColumnMajor);
                [[unroll]] for (uint i = 0; i < FM; i++) acc[i * FN + j] = coopMatMulAdd(a[i], b, acc[i * FN + j]);
            }
        }
        if (s + 1u < steps) store_tiles(kNext, buf ^ 1u);
        barrier();
    }

    // Each fragment goes through shared memory: column-major, so element (r, t) is at t * 16 + r and
    // consecutive invocations write consecutive rows of one token.
    uint base = sg * F * F;
    [[unroll]] for (uint i = 0; i < FM; i++) {
        [[unroll]] for (uint j = 0; j < FN; j++) {
            coopMatStore(acc[i * FN + j], out_tile, base, F, gl_CooperativeMatrixLayoutColumnMajor);
            subgroupMemoryBarrierShared();
            subgroupBarrier();
            for (uint e = gl_SubgroupInvocationID; e < F * F; e += gl_SubgroupSize) {
                uint r = row0 + sgRow + i * F + e % F, t = tok0 + sgTok + j * F + e / F;
                if (r < p.rows && t < p.tokens) {
                    uint o = t * p.yStride + p.yOffset + r;
                    y[o] = (p.accumulate != 0u ? y[o] : 0.0) + out_tile[base + e];
                }
            }
            subgroupBarrier();
        }
    }
}
