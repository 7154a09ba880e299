// The tiled matrix products step along a row TILE_K weights at a time (TILE_K a multiple of 32
// that divides 256). Chunk ci of the window that starts at weight k0: blocks of at most TILE_K
// weights are covered whole, larger blocks (the K-quants, whose chunks are runs of 8 consecutive
// weights) by consecutive chunks. Returns (block index in the row, chunk index in that block).
uvec2 window_chunk(uint k0, uint ci, uint tileK) {
    if (QK <= tileK) return uvec2(k0 / QK + ci / CHUNKS, ci % CHUNKS);
    return uvec2(k0 / QK, (k0 % QK) / uint(CV) + ci);
}
