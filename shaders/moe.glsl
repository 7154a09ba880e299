// What the decode products of a mixture's experts share (matvec.comp and matvec_i8.comp built with
// MOE): the router's choices (ids and weights, written on the GPU by moe_route.comp) and the experts'
// bias rows, bound from MOE_BINDING on; the down product's split of the workgroup over the token's
// experts; the bias rows of a row's output. Kernels declare the push constants (rows, used) and
// EXPERT_MODE first.
layout(binding = MOE_BINDING) readonly buffer ExpertIds { uint expert_ids[]; };
layout(binding = MOE_BINDING + 1) readonly buffer ExpertWeights { float expert_weights[]; };
layout(binding = MOE_BINDING + 2) readonly buffer ExpertBias { float expert_bias[]; };

// A down row is short next to the workgroup (Qwen3-30B-A3B: 768 columns, 24 Q4_K slices for 128
// invocations), so whole subgroups take different experts of the token at once instead of one
// expert after another: lanes = the fewest subgroups (a divisor of their number) covering a row's
// parts; the invocation steps along the row from lane and over the slots from slot0 by slotStep.
void expert_lanes(uint parts, out uint lanes, out uint lane, out uint slot0, out uint slotStep) {
    uint groups = gl_NumSubgroups, k = 1u;
    while (k < groups && (k * gl_SubgroupSize < parts || groups % k != 0u)) k++;
    lanes = k * gl_SubgroupSize;
    lane = gl_LocalInvocationID.x % lanes;
    slotStep = groups / k;
    slot0 = gl_LocalInvocationID.x / lanes;
}

// The experts' bias rows of output row `row` of workgroup y `token` (a pair in gate/up, a token in
// down), weighted like their products (down).
float expert_bias_sum(uint token, uint row, uint slots) {
    float total = 0.0;
    for (uint s = 0; s < slots; s++) {
        uint pair = EXPERT_MODE == 1u ? token : token * p.used + s;
        float scale = EXPERT_MODE == 2u ? expert_weights[pair] : 1.0;
        total += scale * expert_bias[expert_ids[pair] * p.rows + row];
    }
    return total;
}
