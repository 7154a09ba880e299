#version 450
// RoPE for a step's queries and keys, fused with the KV-cache append: workgroups 0..heads-1 rotate
// one query head in place; workgroups heads..heads+kvHeads-1 rotate one key head and write it and
// the matching value head to the caches at position pos0 + token (rotation: rope.glsl; the cache's
// layout, one build per cache type: kv_cache.glsl).
// Decode steps rope inside the attention kernel instead (attention.comp, ROPE = 1).
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint NEOX = 0;
layout(constant_id = 2) const uint MAX_HEAD_DIM = 128;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) buffer Queries { float q[]; };
layout(binding = 1) readonly buffer Keys { float k[]; };
layout(binding = 2) readonly buffer Values { float v[]; };
#define KV_K_BINDING 3
#define KV_V_BINDING 4
#define KV_WRITEONLY
#include "kv_cache.glsl"
layout(binding = 5) readonly buffer Table { vec2 cs[]; };
#define STEP_BINDING 6
#include "step.glsl"
#include "rope.glsl"
layout(push_constant) uniform Push {
    uint heads;
    uint kvHeads;
    uint headDim;
    uint ropeDim;
    uint ring;      // cache rows of a sliding-window ring (position t in row t % ring); 0 = every position
} p;

shared float head_buf[MAX_HEAD_DIM];

void main() {
    uint head = gl_WorkGroupID.x, token = gl_WorkGroupID.y;
    uint pos = step.pos0 + token;
    uint lid = gl_LocalInvocationID.x;
    bool isQuery = head < p.heads;
    uint kvHead = head - p.heads;
    uint base = isQuery ? (token * p.heads + head) * p.headDim : (token * p.kvHeads + kvHead) * p.headDim;

    // Every invocation computes its own elements' rotated values from the source, then stores.
    for (uint e = lid; e < p.headDim; e += WG) {
        float self = isQuery ? q[base + e] : k[base + e];
        float other = self;
        if (e < p.ropeDim) {
            uint partner = rope_partner(e, p.ropeDim);
            other = isQuery ? q[base + partner] : k[base + partner];
        }
        head_buf[e] = rope_rotate(self, other, e, pos, p.ropeDim);
    }
    barrier();
    if (isQuery) {
        for (uint e = lid; e < p.headDim; e += WG) q[base + e] = head_buf[e];
        return;
    }
    uint kvDim = p.kvHeads * p.headDim;
    uint cacheBase = (cache_row(pos, p.ring) * kvDim + kvHead * p.headDim) / 2u;
    // one invocation a block of the cache (a pair of values, or a Q8_0 block of 16 pairs)
    for (uint b = lid * KV_BLOCK_PAIRS; b < p.headDim / 2u; b += WG * KV_BLOCK_PAIRS) {
        vec2 kx[KV_BLOCK_PAIRS], vx[KV_BLOCK_PAIRS];
        [[unroll]] for (uint i = 0; i < KV_BLOCK_PAIRS; i++) {
            uint e = 2u * (b + i);
            kx[i] = vec2(head_buf[e], head_buf[e + 1u]);
            vx[i] = vec2(v[base + e], v[base + e + 1u]);
        }
        kv_store(false, cacheBase + b, kx);
        kv_store(true, cacheBase + b, vx);
    }
}
