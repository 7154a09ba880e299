// Extensions and helpers every Tandem kernel uses. Kernels declare the specialization constant
// WG (workgroup size, constant_id 0) before including this file; it is always a multiple of the
// device's subgroup size, which the host reads from the device (never assumed here).
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int16 : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_EXT_control_flow_attributes : enable

shared float reduce_buf[WG];

// Sum of v over the workgroup; every invocation gets the result. Contains barriers: call it from
// uniform control flow only.
float wg_sum(float v) {
    v = subgroupAdd(v);
    if (subgroupElect()) reduce_buf[gl_SubgroupID] = v;
    barrier();
    float total = 0.0;
    for (uint i = 0; i < gl_NumSubgroups; i++) total += reduce_buf[i];
    barrier();
    return total;
}

float wg_max(float v) {
    v = subgroupMax(v);
    if (subgroupElect()) reduce_buf[gl_SubgroupID] = v;
    barrier();
    float m = reduce_buf[0];
    for (uint i = 1; i < gl_NumSubgroups; i++) m = max(m, reduce_buf[i]);
    barrier();
    return m;
}

// Workgroups beyond the 65535 limit of one dimension continue in z (the host splits the count).
uint flat_group_x() {
    return gl_WorkGroupID.x + gl_WorkGroupID.z * gl_NumWorkGroups.x;
}
