#version 450
// Matrix product for prompts on the matrix units (VK_KHR_cooperative_matrix), one variant per
// weight type: Y[token][yOffset + row] (+)= W[row] . X[token], the push constants of matmul.comp,
// but X already converted to float16 by to_halves.comp (xOffset and xStride count halves, 0 and cols). A workgroup computes BM rows x BN tokens; each of its subgroups owns a
// WM x WN part of that tile as (WM/16) x (WN/16) accumulators of 16 x 16 floats. The shared
// dimension is walked BK weights at a time: each step dequantizes the weight tile (through the
// block-layout include, like every other kernel) and copies the float16 input tile into shared
// memory, from where the subgroups load their 16 x 16 operands.
//
// Two shared buffers alternate: while the subgroups multiply the tiles of step s, the loads of
// step s+1 are already in flight into registers, and the values are written to the other buffer
// afterwards, so one barrier per step suffices and the matrix units never wait on memory alone.
//
// The tile is fixed at compile time (TILE_M/N/K, SUB_M/N defines; variants.txt builds other tiles
// for tuning): every loop over fragments and per-invocation loads then unrolls in the SPIR-V
// itself, so accumulators and staged values stay in registers. (With the sizes as specialization
// constants the loops and the coopmat arrays were left to the driver: ~25 TFLOPS on an H100.)
// DIAG_NO_FILL / DIAG_NO_MMA (diagnostic variants, wrong results) leave out the loop's tile loads
// or its products, to time each part alone.
// Subgroups are 32 invocations (the host uses this kernel only there); the host creates it only
// where the device lists a 16 x 16 x 16 float16 x float16 -> float32 subgroup-scope shape.
// EMULATE_COOPMAT builds the same kernel without cooperative matrices (fragments.glsl), for CI.
// MOE builds compute a mixture's experts with the tokens grouped by expert (tile_columns.glsl).
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#ifndef EMULATE_COOPMAT
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_cooperative_matrix : require
#endif
#ifndef TILE_M
#define TILE_M 64
#define TILE_N 64
#define TILE_K 32
#define SUB_M 32
#define SUB_N 32
#endif
#define WG_SIZE ((TILE_M / SUB_M) * (TILE_N / SUB_N) * 32)
layout(local_size_x = WG_SIZE) in;
const uint WG = WG_SIZE;
const uint BM = TILE_M;   // rows per workgroup
const uint BN = TILE_N;   // tokens per workgroup
const uint BK = TILE_K;   // weights per step: a multiple of 32 dividing 256
const uint WM = SUB_M;    // rows per subgroup (a multiple of 16)
const uint WN = SUB_N;    // tokens per subgroup (a multiple of 16)
#include "common.glsl"

layout(binding = 0) readonly buffer Weights { uint16_t w16[]; };
layout(binding = 1) readonly buffer Input { uvec4 xh8[]; };   // 8 halves (to_halves.comp's order)
layout(binding = 2) buffer Output { float y[]; };
layout(push_constant) uniform Push {
    uint cols;        // weights per row (a multiple of the block size and of 4)
    uint rows;        // rows in the bound weights
    uint xOffset;     // first input float (a multiple of 4)
    uint xStride;     // floats between tokens' inputs (a multiple of 4)
    uint yOffset;     // output index of row 0 of the bound weights
    uint yStride;     // floats between tokens' outputs
    uint accumulate;  // 1: add to y (fused residual), 0: overwrite
    uint tokens;      // tokens in this step
#ifdef MOE
    uint experts;        // matrices in the bound weights (tile_columns.glsl)
    uint pairsPerInput;  // pairs per input row: experts per token (gate/up) or 1 (down)
    uint pairs;          // (token, expert) pairs in the step: where the tile records start
    uint bias;           // 1: add the expert's bias row
#endif
} p;

// Layouts with a unit fill (HAS_UNIT_HALVES: Q8_0, Q4_K, Q5_K, Q6_K) fill the weight tile 16
// weights per invocation and unit: wide loads before the products, the codes turned into float16
// pairs after them (tile_codes.glsl), a K-quant's scales decoded once per unit. The others go
// through chunk_values, one float per weight: also Q4_0, whose unit fill measured slower on an H100
// (14336 x 4096 x 512 with 128 x 128 tiles: 1691 against 485 µs, float inputs; Q8_0's unit fill
// 425 against 1896) and builds only as the diagnostic UNIT_FILL; CHUNK_FILL gives Q8_0 the chunks.
#if defined(UNIT_FILL) || !(defined(CHUNK_FILL) || defined(QUANT_Q4_0))
#define UNIT_HALVES
#endif
#include "weights.glsl"
#include "tile_codes.glsl"
#include "quant.glsl"
#include "tile_window.glsl"
#define MOE_BINDING 3
#include "tile_columns.glsl"
#ifdef HAS_UNIT_HALVES
#define A_ITEM 16
#else
#define A_ITEM CV
#endif
#if (TILE_M * (TILE_K / A_ITEM)) % WG_SIZE != 0 || (TILE_N * (TILE_K / 8)) % WG_SIZE != 0
#error "a tile's loads must divide evenly among the invocations"
#endif

const uint F = 16u;                       // fragment side
const uint FM = WM / F, FN = WN / F;      // fragments per subgroup
const uint LINE = BK / 4u + 2u;           // uvec2 (4 halves) per tile line; the padding spreads lines over banks
const uint A_ITEMS = BM * (BK / uint(A_ITEM));   // weight units or chunks per tile
const uint X_VEC8 = BN * (BK / 8u);              // input uvec4 (8 halves) per tile
const uint A_PER = A_ITEMS / WG;                 // per invocation (the tiles are whole multiples)
const uint X_PER = X_VEC8 / WG;
const uint SUBGROUPS = WG / 32u;
const uint A_BASE = 0u, B_BASE = 2u * BM * LINE;

// Both operands' tiles in float16, 4 per uvec2 (the cooperative loads reinterpret them):
// line (buf * BM + r) of A holds W[row0 + r][k0 ...], line (buf * BN + t) of B holds X[tok0 + t][k0 ...].
// After the last step the space stages each subgroup's output fragments (as float bits).
shared uvec2 smem[2u * (BM + BN) * LINE];

#include "fragments.glsl"

// Registers holding the next step's tiles between their loads and their stores to shared memory.
#ifdef HAS_UNIT_HALVES
UnitRaw a_next[A_PER];
#else
float a_next[A_PER][CV];
#endif
uvec4 x_next[X_PER];

// Four consecutive k as the tiles hold them: in the order 0, 2, 1, 3 (tile_codes.glsl makes its
// pairs of a word's even and odd bytes); the input follows it (to_halves.comp), so the products are unchanged.
uvec2 halves(vec4 v) { return uvec2(packHalf2x16(v.xz), packHalf2x16(v.yw)); }

#ifdef HAS_UNIT_HALVES
// Unit idx of the weight tile at k0: its tile line, its block in the row and its unit in the block.
// Consecutive invocations take consecutive units of a row, i.e. neighbouring bytes.
struct UnitAt { uint line; uint blk; uint u; uint kk; };
UnitAt unit_at(uint idx, uint k0) {
    uint k = k0 + 16u * (idx % (BK / 16u));
    return UnitAt(idx / (BK / 16u), k / QK, (k % QK) / 16u, k - k0);
}
#endif

void load_tiles(uint row0, uint tok0, uint k0) {
    uint lid = gl_LocalInvocationID.x;
    uint blocksPerRow = p.cols / QK;
#ifdef HAS_UNIT_HALVES
    [[unroll]] for (uint i = 0; i < A_PER; i++) {
        UnitAt a = unit_at(lid + i * WG, k0);
        // As below: rows past the end re-read the last row, blocks past the end read block 0.
        uint row = min(row0 + a.line, p.rows - 1u);
        a_next[i] = unit_load((w_row0 + row) * blocksPerRow + (a.blk < blocksPerRow ? a.blk : 0u), a.u);
    }
#else
    [[unroll]] for (uint i = 0; i < A_PER; i++) {
        uint idx = lid + i * WG;
        uvec2 bc = window_chunk(k0, idx % (BK / uint(CV)), BK);
        // Rows past the end re-read the last row (their outputs are never written); blocks past
        // the end of a row (a partial last step) read block 0 and count as zero.
        uint row = min(row0 + idx / (BK / uint(CV)), p.rows - 1u);
        bool inside = bc.x < blocksPerRow;
        chunk_values((w_row0 + row) * blocksPerRow + (inside ? bc.x : 0u), bc.y, a_next[i]);
        [[unroll]] for (uint k = 0; k < uint(CV); k++) a_next[i][k] = inside ? a_next[i][k] : 0.0;
    }
#endif
    [[unroll]] for (uint i = 0; i < X_PER; i++) {
        uint idx = lid + i * WG;
        uint t = tile_input_row(tok0, idx / (BK / 8u));
        uint k = k0 + 8u * (idx % (BK / 8u));
        uvec4 v = xh8[(p.xOffset + t * p.xStride + min(k, p.cols - 8u)) >> 3];
        x_next[i] = k < p.cols ? v : uvec4(0u);
    }
}

void store_tiles(uint k0, uint buf) {
    uint lid = gl_LocalInvocationID.x;
#ifdef HAS_UNIT_HALVES
    uint blocksPerRow = p.cols / QK;
    [[unroll]] for (uint i = 0; i < A_PER; i++) {
        UnitAt a = unit_at(lid + i * WG, k0);
        uvec2 g[4];
        unit_halves(a_next[i], a.u, g);
        uint line = A_BASE + (buf * BM + a.line) * LINE + a.kk / 4u;
        [[unroll]] for (uint j = 0; j < 4u; j++) smem[line + j] = a.blk < blocksPerRow ? g[j] : uvec2(0u);
    }
#else
    [[unroll]] for (uint i = 0; i < A_PER; i++) {
        uint idx = lid + i * WG;
        uvec2 bc = window_chunk(k0, idx % (BK / uint(CV)), BK);
        uint line = A_BASE + (buf * BM + idx / (BK / uint(CV))) * LINE;
        [[unroll]] for (uint run = 0; run < uint(CV) / 4u; run++) {
            uint kk = bc.x * QK + chunk_run(bc.y, run) - k0;
            smem[line + kk / 4u] = halves(vec4(a_next[i][4u * run], a_next[i][4u * run + 1u],
                                               a_next[i][4u * run + 2u], a_next[i][4u * run + 3u]));
        }
    }
#endif
    [[unroll]] for (uint i = 0; i < X_PER; i++) {
        uint idx = lid + i * WG;
        uint at = B_BASE + (buf * BN + idx / (BK / 8u)) * LINE + 2u * (idx % (BK / 8u));
        smem[at] = x_next[i].xy;
        smem[at + 1u] = x_next[i].zw;
    }
}

void main() {
    w_blocks = p.rows * (p.cols / QK);   // before any weight read (weights.glsl)
    uint row0 = gl_WorkGroupID.x * BM, tok0 = gl_WorkGroupID.y * BN;
    if (!tile_begin()) return;
    uint sg = SUBGROUP_ID;
    uint sgRow = (sg % (BM / WM)) * WM, sgTok = (sg / (BM / WM)) * WN;

    FragAcc acc[FM * FN];
    [[unroll]] for (uint i = 0; i < FM * FN; i++) acc[i] = frag_zero();

    load_tiles(row0, tok0, 0u);
    store_tiles(0u, 0u);
    barrier();
    uint steps = (p.cols + BK - 1u) / BK;
    for (uint s = 0; s < steps; s++) {
        uint buf = s & 1u;
        // The next step's loads go out before this step's products (the last step re-reads its own tile).
        uint kNext = min(s + 1u, steps - 1u) * BK;
#ifndef DIAG_NO_FILL
        load_tiles(row0, tok0, kNext);
#endif
#ifndef DIAG_NO_MMA
        [[unroll]] for (uint kk = 0; kk < BK / F; kk++) {
            FragA a[FM];
            [[unroll]] for (uint i = 0; i < FM; i++) frag_load_a(a[i], A_BASE + (buf * BM + sgRow + i * F) * LINE + kk * (F / 4u));
            [[unroll]] for (uint j = 0; j < FN; j++) {
                FragB b;
                // B[k][t] = line t at k: column-major with one tile line per token.
                frag_load_b(b, B_BASE + (buf * BN + sgTok + j * F) * LINE + kk * (F / 4u));
                [[unroll]] for (uint i = 0; i < FM; i++) acc[i * FN + j] = frag_mul_add(a[i], b, acc[i * FN + j]);
            }
        }
#endif
#ifndef DIAG_NO_FILL
        if (s + 1u < steps) store_tiles(kNext, buf ^ 1u);
#endif
        barrier();
    }

    // Each fragment goes through shared memory (the tiles' space, free after the loop's last
    // barrier): column-major, so element (r, t) is float t * 16 + r and consecutive invocations
    // write consecutive rows of one token.
    uint base = sg * (F * F / 2u);
    [[unroll]] for (uint i = 0; i < FM; i++) {
        [[unroll]] for (uint j = 0; j < FN; j++) {
            frag_store(acc[i * FN + j], base);
            subgroup_sync();
            [[unroll]] for (uint n = 0; n < F * F / 32u; n++) {
                uint e = n * 32u + SUBGROUP_LANE;
                uint r = row0 + sgRow + i * F + e % F, col = sgTok + j * F + e / F;
                if (r < p.rows && tile_has(tok0, col)) {
                    uint o = tile_output_row(tok0, col) * p.yStride + p.yOffset + r;
                    y[o] = (p.accumulate != 0u ? y[o] : 0.0) + uintBitsToFloat(smem[base + e / 2u][e % 2u]) + tile_bias(r);
                }
            }
            subgroup_sync();
        }
    }
}
