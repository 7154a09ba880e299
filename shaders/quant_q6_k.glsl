// Q6_K: 256 weights in 210 bytes: ql[128] (low 4 bits), qh[64] (high 2 bits), scales[16] (int8,
// one per 16 weights), f16 d. Weight e: h = e/128, g = (e%128)/32, l = e%32; low bits are nibble
// g/2 of ql[64h + l + 32(g%2)], high bits are bits 2g..2g+1 of qh[32h + l];
// weight = d * scales[8h + l/16 + 2g] * (q - 32).
#define QK 256u
#define BLOCK_U16 105u
#define CHUNKS 32u
#define CV 8
uint chunk_run(uint c, uint r) { return 8u * c + 4u * r; }
void chunk_values(uint blk, uint c, out float v[CV]) {
    uint b = blk * BLOCK_U16;
    uint h = c / 16u, g = (c % 16u) / 4u, l = 8u * (c % 4u);
    int sc = int(w_byte(2u * b + 192u + 8u * h + l / 16u + 2u * g) << 24) >> 24;
    float d = w_f16(b + 104u) * float(sc);
    uint qi = b + (64u * h + l + 32u * (g % 2u)) / 2u;
    uint lo = w_u32(qi), hi = w_u32(qi + 2u);
    uint hi_i = b + 64u + (32u * h + l) / 2u;
    uint hlo = w_u32(hi_i), hhi = w_u32(hi_i + 2u);
    uint shift = 4u * (g / 2u);
    [[unroll]] for (uint k = 0; k < 4u; k++) {
        uint q0 = ((byte_of(lo, k) >> shift) & 0xFu) | (((byte_of(hlo, k) >> (2u * g)) & 3u) << 4);
        uint q1 = ((byte_of(hi, k) >> shift) & 0xFu) | (((byte_of(hhi, k) >> (2u * g)) & 3u) << 4);
        v[k] = d * float(int(q0) - 32);
        v[k + 4] = d * float(int(q1) - 32);
    }
}

// Matrix-vector fast path: d*scale*(q . x - 32*sum(x)), the 6-bit codes assembled four at a time.
#define HAS_CHUNK_DOT
float chunk_dot(uint blk, uint c, vec4 xv[CV / 4], float xsum) {
    vec4 x0 = xv[0], x1 = xv[1];
    uint b = blk * BLOCK_U16;
    uint h = c / 16u, g = (c % 16u) / 4u, l = 8u * (c % 4u);
    int sc = int(w_byte(2u * b + 192u + 8u * h + l / 16u + 2u * g) << 24) >> 24;
    float d = w_f16(b + 104u) * float(sc);
    uint qi = b + (64u * h + l + 32u * (g % 2u)) / 2u;
    uint hi_i = b + 64u + (32u * h + l) / 2u;
    uint shift = 4u * (g / 2u);
    uint q0 = ((w_u32(qi) >> shift) & 0x0F0F0F0Fu) | (((w_u32(hi_i) >> (2u * g)) & 0x03030303u) << 4);
    uint q1 = ((w_u32(qi + 2u) >> shift) & 0x0F0F0F0Fu) | (((w_u32(hi_i + 2u) >> (2u * g)) & 0x03030303u) << 4);
    return d * (255.0 * (dot(unpackUnorm4x8(q0), x0) + dot(unpackUnorm4x8(q1), x1)) - 32.0 * xsum);
}

#ifdef UNIT_HALVES
// Prompt tiles (tile_codes.glsl): unit u of a block is its weights 16u..16u+15 (h = u/8,
// g = (u%8)/2, l from 16(u%2)): 16 bytes of ql, 16 of qh and one scale; the codes are q + 32.
#define HAS_UNIT_HALVES
struct UnitRaw { uvec4 ql; uvec4 qh; uint sd; };
UnitRaw unit_load(uint blk, uint u) {
    uint b = blk * BLOCK_U16, h = u / 8u, g = (u % 8u) / 2u, l = 16u * (u % 2u);
    uint scale = w_byte(2u * b + 192u + 8u * h + u % 2u + 2u * g);
    return UnitRaw(w_bytes16(2u * b + 64u * h + l + 32u * (g % 2u)), w_bytes16(2u * b + 128u + 32u * h + l),
                   w_u16(b + 104u) | (scale << 16));
}
void unit_halves(UnitRaw r, uint u, out uvec2 g[4]) {
    uint gg = (u % 8u) / 2u;
    float16_t d = float16_t(unpackHalf2x16(r.sd).x * float(int(r.sd << 8) >> 24));
    uint shift = 4u * (gg / 2u);
    [[unroll]] for (uint i = 0; i < 4u; i++) {
        uint q = ((r.ql[i] >> shift) & 0x0F0F0F0Fu) | (((r.qh[i] >> (2u * gg)) & 0x03030303u) << 4);
        g[i] = codes4(q, 1056.0hf, d, 0.0hf);
    }
}
#endif

#ifdef INT8_DOT
// Int8 decode (matvec_i8.comp): part j (h = j / 4, g = j % 4) is weights 128h + 32g + l, l < 32,
// 32 bytes of ql and of qh from even offsets (w_bytes16); its halves l < 16 and l >= 16 (x's codes
// xlo and xhi) have their own int8 scales. With weight = d * scale * (q - 32) a half adds
// d * scale * d_x * (q . q_x - 32 * sum(q_x)), the codes' sum a dot product with ones.
#define HAS_INT8_DOT
#define I8_PARTS 8u
float i8_dot(uint blk, uint part, uvec4 xlo, uvec4 xhi, vec2 xds) {
    uint b = blk * BLOCK_U16, h = part / 4u, g = part % 4u;
    uint qlAt = 2u * b + 64u * h + 32u * (g % 2u), qhAt = 2u * b + 128u + 32u * h;
    uint shift = 4u * (g / 2u);
    int sums[2];
    [[unroll]] for (uint u = 0; u < 2u; u++) {
        uvec4 ql = w_bytes16(qlAt + 16u * u), qh = w_bytes16(qhAt + 16u * u);
        uvec4 x = u == 0u ? xlo : xhi;
        int s = 0, xsum = 0;
        [[unroll]] for (uint r = 0; r < 4u; r++) {
            uint q = ((ql[r] >> shift) & 0x0F0F0F0Fu) | (((qh[r] >> (2u * g)) & 0x03030303u) << 4);
            s += dot4x8(q, x[r]);
            xsum += dot4x8(0x01010101u, x[r]);
        }
        sums[u] = s - 32 * xsum;
    }
    uint sc = 2u * b + 192u + 8u * h + 2u * g;
    int sc0 = int(w_byte(sc) << 24) >> 24, sc1 = int(w_byte(sc + 1u) << 24) >> 24;
    return w_f16(b + 104u) * xds.x * float(sc0 * sums[0] + sc1 * sums[1]);
}
#endif
