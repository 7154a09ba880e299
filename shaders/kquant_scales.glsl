// The packed 6-bit scale/min pairs of Q4_K and Q5_K (12 bytes at byte offset sb of the block):
// sub-blocks 0..3 keep scale and min in the low 6 bits of bytes is and is+4; sub-blocks 4..7 take
// 4 bits from byte is+4 and their top 2 bits from the high bits of bytes is-4 and is.
vec2 kquant_scale_min(uint sb, uint is) {
    if (is < 4u) return vec2(float(w_byte(sb + is) & 63u), float(w_byte(sb + is + 4u) & 63u));
    uint x = w_byte(sb + is + 4u);
    return vec2(float((x & 0xFu) | ((w_byte(sb + is - 4u) >> 6) << 4)),
                float((x >> 4) | ((w_byte(sb + is) >> 6) << 4)));
}
