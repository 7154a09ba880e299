// The 16 x 16 fragment operations of the matrix-unit kernels (matmul_coopmat.comp, attention_coopmat.comp): on the device's cooperative matrices
// (VK_KHR_cooperative_matrix), or, with EMULATE_COOPMAT, in plain arithmetic on the same shared
// memory, so that CI devices without cooperative matrices (lavapipe) run everything else of those
// kernels (tiles, windows, bounds, masks, the fused SwiGLU and residual add) and check it against the CPU.
// The emulation follows the extension's layout rules: loads and stores address `smem` (uvec2, four
// halves or two floats each) with offsets and strides in uvec2; A row-major, B column-major, the
// accumulators stored column-major. Kernels declare `shared uvec2 smem[]` and LINE (the stride of
// frag_load_a/frag_load_b) first.
#ifndef EMULATE_COOPMAT
#define FragA coopmat<float16_t, gl_ScopeSubgroup, 16, 16, gl_MatrixUseA>
#define FragB coopmat<float16_t, gl_ScopeSubgroup, 16, 16, gl_MatrixUseB>
#define FragAcc coopmat<float, gl_ScopeSubgroup, 16, 16, gl_MatrixUseAccumulator>
#define SUBGROUP_ID gl_SubgroupID
#define SUBGROUP_LANE gl_SubgroupInvocationID

FragAcc frag_zero() { return FragAcc(0.0); }
// A: 16 rows of 16 halves, row r at smem[offset + r * stride].
void frag_load_a_at(out FragA a, uint offset, uint stride) { coopMatLoad(a, smem, offset, stride, gl_CooperativeMatrixLayoutRowMajor); }
// B: 16 columns of 16 halves, column c at smem[offset + c * stride].
void frag_load_b_at(out FragB b, uint offset, uint stride) { coopMatLoad(b, smem, offset, stride, gl_CooperativeMatrixLayoutColumnMajor); }
// B: 16 rows of 16 halves, row k (the shared dimension) at smem[offset + k * stride].
void frag_load_b_rows(out FragB b, uint offset, uint stride) { coopMatLoad(b, smem, offset, stride, gl_CooperativeMatrixLayoutRowMajor); }
FragAcc frag_mul_add(FragA a, FragB b, FragAcc c) { return coopMatMulAdd(a, b, c); }
// Column c's 16 floats at smem[base + 8c ...] (as float bits).
void frag_store(FragAcc c, uint base) { coopMatStore(c, smem, base, 8u, gl_CooperativeMatrixLayoutColumnMajor); }
void subgroup_sync() {
    subgroupMemoryBarrierShared();
    subgroupBarrier();
}
#else
// Virtual subgroups of 32 consecutive invocations; every lane holds 8 accumulators: row lane / 2,
// columns 8 * (lane % 2) .. + 7. Loads only note where the operand lies; the products read it.
struct FragA { uint offset; uint stride; };
struct FragB { uint offset; uint stride; bool rows; };
struct FragAcc { float v[8]; };
#define SUBGROUP_ID (gl_LocalInvocationID.x / 32u)
#define SUBGROUP_LANE (gl_LocalInvocationID.x % 32u)

FragAcc frag_zero() {
    FragAcc c;
    [[unroll]] for (uint j = 0; j < 8u; j++) c.v[j] = 0.0;
    return c;
}
void frag_load_a_at(out FragA a, uint offset, uint stride) { a = FragA(offset, stride); }
void frag_load_b_at(out FragB b, uint offset, uint stride) { b = FragB(offset, stride, false); }
void frag_load_b_rows(out FragB b, uint offset, uint stride) { b = FragB(offset, stride, true); }
// Half k of the 16 starting at smem[line].
float frag_half(uint line, uint k) {
    uvec2 w = smem[line + k / 4u];
    vec2 h = unpackHalf2x16((k & 2u) != 0u ? w.y : w.x);
    return (k & 1u) != 0u ? h.y : h.x;
}
FragAcc frag_mul_add(FragA a, FragB b, FragAcc c) {
    uint r = SUBGROUP_LANE / 2u, c0 = 8u * (SUBGROUP_LANE % 2u);
    [[unroll]] for (uint j = 0; j < 8u; j++) {
        for (uint k = 0; k < 16u; k++) {
            float bk = b.rows ? frag_half(b.offset + k * b.stride, c0 + j) : frag_half(b.offset + (c0 + j) * b.stride, k);
            c.v[j] += frag_half(a.offset + r * a.stride, k) * bk;
        }
    }
    return c;
}
void frag_store(FragAcc c, uint base) {
    uint r = SUBGROUP_LANE / 2u, c0 = 8u * (SUBGROUP_LANE % 2u);
    [[unroll]] for (uint j = 0; j < 8u; j++) {
        uint f = (c0 + j) * 16u + r;
        smem[base + f / 2u][f % 2u] = floatBitsToUint(c.v[j]);
    }
}
// Virtual subgroups span real ones: the whole workgroup synchronises (every call is uniform).
void subgroup_sync() { barrier(); }
#endif
// The tiled product's operands: lines of LINE uvec2, A row-major, B column-major.
void frag_load_a(out FragA a, uint offset) { frag_load_a_at(a, offset, LINE); }
void frag_load_b(out FragB b, uint offset) { frag_load_b_at(b, offset, LINE); }
