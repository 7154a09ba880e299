#version 450
// Groups a prompt step's (token, expert) pairs by expert for the MOE builds of the tiled products
// (tile_columns.glsl says what they read): the pairs routed to each expert are counted, laid out
// expert after expert in groups[0, pairs), and each expert's run is cut into tiles of p.tileCols
// pairs, one record per tile after them; records past the last tile are empty. One workgroup: a step
// has at most 512 tokens x 16 experts. Pairs keep no particular order within an expert's run (shared
// atomics): every pair's products are computed alone and written to its own output row.
#extension GL_GOOGLE_include_directive : require
layout(constant_id = 0) const uint WG = 64;
layout(constant_id = 1) const uint MAX_EXPERTS = 512;
layout(local_size_x_id = 0) in;
#include "common.glsl"

layout(binding = 0) readonly buffer Ids { uint ids[]; };        // [pairs], moe_route.comp's
layout(binding = 1) writeonly buffer Groups { uint groups[]; }; // [pairs] sorted pairs, then [maxTiles][2] records
layout(push_constant) uniform Push {
    uint pairs;
    uint experts;
    uint tileCols;   // the product kernel's tile columns
    uint maxTiles;   // records the product's workgroups read
} p;

shared uint counts[MAX_EXPERTS];
shared uint starts[MAX_EXPERTS];
shared uint firstTiles[MAX_EXPERTS];
shared uint tiles;

void main() {
    uint lid = gl_LocalInvocationID.x;
    for (uint e = lid; e < p.experts; e += WG) counts[e] = 0u;
    barrier();
    for (uint i = lid; i < p.pairs; i += WG) atomicAdd(counts[ids[i]], 1u);
    barrier();
    if (lid == 0u) {
        uint at = 0u, t = 0u;
        for (uint e = 0u; e < p.experts; e++) {
            starts[e] = at;
            firstTiles[e] = t;
            at += counts[e];
            t += (counts[e] + p.tileCols - 1u) / p.tileCols;
        }
        tiles = t;
    }
    barrier();
    for (uint e = lid; e < p.experts; e += WG) {
        uint n = counts[e];
        for (uint j = 0u; j * p.tileCols < n; j++) {
            uint record = p.pairs + 2u * (firstTiles[e] + j);
            groups[record] = e | (min(p.tileCols, n - j * p.tileCols) << 16);
            groups[record + 1u] = starts[e] + j * p.tileCols;
        }
    }
    for (uint i = tiles + lid; i < p.maxTiles; i += WG) groups[p.pairs + 2u * i] = 0u;
    barrier();
    // counts become each expert's fill cursor
    for (uint e = lid; e < p.experts; e += WG) counts[e] = 0u;
    barrier();
    for (uint i = lid; i < p.pairs; i += WG) {
        uint e = ids[i];
        groups[starts[e] + atomicAdd(counts[e], 1u)] = i;
    }
}
