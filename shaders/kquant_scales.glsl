// The packed 6-bit scale/min pairs of Q4_K and Q5_K (12 bytes at byte offset sb of the block):
// sub-blocks 0..3 keep scale and min in the low 6 bits of bytes is and is+4; sub-blocks 4..7 take
// 4 bits from byte is+4 and their top 2 bits from the high bits of bytes is-4 and is.
vec2 kquant_scale_min(uint sb, uint is) {
    if (is < 4u) return vec2(float(w_byte(sb + is) & 63u), float(w_byte(sb + is + 4u) & 63u));
    uint x = w_byte(sb + is + 4u);
    return vec2(float((x & 0xFu) | ((w_byte(sb + is - 4u) >> 6) << 4)),
                float((x >> 4) | ((w_byte(sb + is) >> 6) << 4)));
}

// Where chunk c of a Q4_K/Q5_K block lies (8 weights: l..l+3 and l+16..l+19 of a 32-weight run):
// in 64-weight group g, low (upper 0) or high (upper 1) nibbles, i.e. sub-block 2g+upper, whose
// scale and min are d = d_block * scale and m = dmin_block * min (weight = d * q - m). Both formats
// share this mapping and the leading f16 d and dmin; Q5_K only adds the fifth-bit plane.
struct KChunk { uint g; uint upper; uint l; float d; float m; };
KChunk kquant_chunk(uint b, uint c) {
    KChunk k;
    k.g = c / 8u;
    k.upper = (c % 8u) / 4u;
    k.l = 8u * (c % 4u);
    vec2 sm = kquant_scale_min(2u * b + 4u, 2u * k.g + k.upper);
    k.d = w_f16(b) * sm.x;
    k.m = w_f16(b + 1u) * sm.y;
    return k;
}

// The scales of 64-weight group g of a Q4_K/Q5_K block, from the block's first 16 bytes read as
// one word h (h.x: f16 d and dmin; h.yzw: the 12 scale bytes): vec4(d * scale, d * scale',
// dmin * min, dmin * min') of sub-blocks 2g and 2g + 1. The two sub-blocks' bytes sit side by
// side, so both are decoded at once, one per byte of a 16-bit lane.
vec4 kquant_group_scales(uvec4 h, uint g) {
    uint shift = 16u * (g % 2u);
    uint a = (h.y >> shift) & 0xFFFFu, b = (h.z >> shift) & 0xFFFFu, c = (h.w >> shift) & 0xFFFFu;
    // Sub-blocks 0..3: low 6 bits of bytes j and j + 4; 4..7: a nibble of byte j + 4 and the top
    // 2 bits of bytes j - 4 (scale) and j (min).
    uint sc = g < 2u ? a & 0x3F3Fu : (c & 0x0F0Fu) | ((a >> 2) & 0x3030u);
    uint mn = g < 2u ? b & 0x3F3Fu : ((c >> 4) & 0x0F0Fu) | ((b >> 2) & 0x3030u);
    vec2 dm = unpackHalf2x16(h.x);
    return vec4(dm.x * float(sc & 0xFFu), dm.x * float(sc >> 8), dm.y * float(mn & 0xFFu), dm.y * float(mn >> 8));
}

// Decode slices of both formats (quant_q4_k.glsl, quant_q5_k.glsl): slice s = 2g + h covers
// weights 64g + 16h + i (low nibbles, sub-block 2g) and 64g + 32 + 16h + i (high nibbles,
// sub-block 2g + 1), i < 16; xv[r] holds weights 4r..4r+3 of the first run (r < 4), then of the second.
uint kquant_slice_run(uint s, uint r) { return 64u * (s / 2u) + 16u * (s % 2u) + 32u * (r / 4u) + 4u * (r % 4u); }
// The slice's sum d * scale * (code . x) - dmin * min * sum(x) for both sub-blocks, from the
// codes' per-lane products with the inputs (lo, hi: code / 255 * x) and the scales sc of
// kquant_group_scales.
float kquant_slice_sum(vec4 sc, vec4 lo, vec4 hi, vec4 xv[8]) {
    vec4 xlo = xv[0] + xv[1] + xv[2] + xv[3], xhi = xv[4] + xv[5] + xv[6] + xv[7];
    const vec4 ones = vec4(1.0);
    return 255.0 * (sc.x * dot(lo, ones) + sc.y * dot(hi, ones)) - sc.z * dot(xlo, ones) - sc.w * dot(xhi, ones);
}

#ifdef UNIT_HALVES
// Prompt tiles: sub-block j's (scale, min) from the block's first 16 bytes held as one uvec4
// (x = d and dmin, y z w = the 12 scale bytes), as (d * scale, dmin * min) in float16.
f16vec2 kquant_unit_scale(uvec4 head, uint j) {
    uvec2 sm;
    if (j < 4u) {
        sm = uvec2(byte_of(head.y, j), byte_of(head.z, j)) & 63u;
    } else {
        uint x = byte_of(head.w, j - 4u);
        sm = uvec2(x & 0xFu, x >> 4) | ((uvec2(byte_of(head.y, j - 4u), byte_of(head.z, j - 4u)) >> 6) << 4);
    }
    return f16vec2(unpackHalf2x16(head.x) * vec2(sm));
}
#endif
