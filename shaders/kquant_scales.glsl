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
