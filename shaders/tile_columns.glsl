// The token columns of a tiled prompt product's workgroup (matmul.comp, matmul_coopmat.comp).
// Dense builds: tokens tok0 ... of the step, input and output row = the token.
// MOE builds (a mixture's experts, tokens grouped by expert): moe_group.comp sorted the step's
// (token, expert) pairs by expert into groups[0, p.pairs) and cut each expert's run into tiles of the
// kernel's BN pairs, record i at groups[p.pairs + 2i] = expert | count << 16 and groups[p.pairs + 2i + 1]
// = its first index into the sorted pairs. Workgroup y takes tile y: the rows of its expert's matrix
// (the 3-D tensor's p.experts matrices of p.rows rows, one after another), its pairs as columns. A
// column reads input row pair / p.pairsPerInput (gate/up: the pair's token; down: the pair's own row)
// and writes output row pair, plus its expert's bias row where p.bias = 1. So each chosen expert's
// weights are read once per tile of its pairs instead of once per token.
// Kernels define BN (tile columns) and, for MOE, MOE_BINDING (two bindings: groups, expert biases).
uint w_row0 = 0u;   // first weight row of the matrix the workgroup reads (MOE: its expert's)
#ifdef MOE
layout(binding = MOE_BINDING) readonly buffer Groups { uint groups[]; };
layout(binding = MOE_BINDING + 1) readonly buffer ExpertBias { float expert_bias[]; };
shared uint tile_pair[BN];
uint tile_count = 0u;

// Reads workgroup y's tile (call first, with w_blocks set for one matrix); false where the tile is
// empty: the whole workgroup returns (the host dispatches as many tiles as the pairs could need).
bool tile_begin() {
    uint at = p.pairs + 2u * gl_WorkGroupID.y;
    uint record = groups[at];
    tile_count = record >> 16;
    if (tile_count == 0u) return false;
    uint first = groups[at + 1u];
    w_row0 = (record & 0xFFFFu) * p.rows;
    w_blocks *= p.experts;
    for (uint c = gl_LocalInvocationID.x; c < BN; c += WG) tile_pair[c] = groups[first + min(c, tile_count - 1u)];
    barrier();
    return true;
}
bool tile_has(uint tok0, uint col) { return col < tile_count; }
// Columns past the tile's pairs read its first pair's input (their outputs are never written).
uint tile_input_row(uint tok0, uint col) { return tile_pair[col < tile_count ? col : 0u] / p.pairsPerInput; }
uint tile_output_row(uint tok0, uint col) { return tile_pair[col]; }
float tile_bias(uint row) { return p.bias != 0u ? expert_bias[w_row0 + row] : 0.0; }
#else
bool tile_begin() { return true; }
bool tile_has(uint tok0, uint col) { return tok0 + col < p.tokens; }
uint tile_input_row(uint tok0, uint col) { return min(tok0 + col, p.tokens - 1u); }
uint tile_output_row(uint tok0, uint col) { return tok0 + col; }
float tile_bias(uint row) { return 0.0; }
#endif
