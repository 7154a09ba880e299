// F16: IEEE half floats; a "block" is 4 consecutive weights.
#define QK 4u
#define BLOCK_U16 4u
#define CHUNKS 1u
#define CV 4
uint chunk_run(uint c, uint r) { return 0u; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    vec2 lo = unpackHalf2x16(w_u32(b));
    vec2 hi = unpackHalf2x16(w_u32(b + 2u));
    v[0] = lo.x; v[1] = lo.y; v[2] = hi.x; v[3] = hi.y;
}
