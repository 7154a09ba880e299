#version 450
// All-reduce, second half: every device adds all devices' partials from host memory, always in
// device order 0..n-1, so every device computes bit-identical sums (the replicated residual
// streams must never drift apart).
layout(local_size_x = 256) in;

layout(std430, set = 0, binding = 0) readonly buffer Slots { float slots[]; };
layout(std430, set = 0, binding = 1) buffer Result { float result[]; };

layout(push_constant) uniform Push {
    uint count;      // floats per partial
    uint devices;     // partials to add
    uint slotStride;  // floats from one device's slot to the next
    uint accumulate;  // 1: add the sum to result (the residual stream), 0: overwrite it
} p;

void main() {
    uint i = gl_GlobalInvocationID.x;
    if (i >= p.count) return;
    float sum = 0.0;
    for (uint d = 0; d < p.devices; d++) sum += slots[d * p.slotStride + i];
    result[i] = p.accumulate != 0 ? result[i] + sum : sum;
}
