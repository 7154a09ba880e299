#version 450
// All-reduce, first half, for producers that cannot write their partial straight into the host
// slot: a shader store of the partial into this device's slot. (A shader store, not
// vkCmdCopyBuffer: the copy path read stale data on NVIDIA in shared/BASELINES.md's measurements.)
layout(local_size_x = 256) in;

layout(std430, set = 0, binding = 0) readonly buffer Partial { float partial[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Slot { float slot[]; };

layout(push_constant) uniform Push { uint count; } p;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i < p.count) slot[i] = partial[i];
}
