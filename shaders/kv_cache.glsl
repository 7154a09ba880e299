// The KV cache's layout, one for each cache type (tandem.engine.api.CacheType), chosen by a define
// (shaders/variants.txt builds each kernel that touches the cache once per type):
//   KV_F16  (default) two float16 per 32-bit word
//   KV_F32  float32 pairs
//   KV_Q8_0 GGML's block_q8_0 byte for byte: per 32 values a float16 scale d and 32 signed bytes q,
//           value j = q[j] * d; a block is 17 half-words in 32-bit words (16-bit stores would need
//           shaderInt16), so every block shares one word with a neighbour: its last quant pair
//           (even blocks) or its scale (odd blocks), which it writes with atomics
// Kernels address the cache in pairs of values: pair p holds elements 2p and 2p + 1 of the flat
// [row][kvDim] cache. Rows are whole blocks (heads of a multiple of 32 values for Q8_0, which the
// host checks). Before including, a kernel defines KV_K_BINDING and KV_V_BINDING, and KV_READONLY
// (no kv_store) or KV_WRITEONLY (no loads) where it only reads or only writes the cache.
#if defined(KV_READONLY)
#define KV_ACCESS readonly
#elif defined(KV_WRITEONLY) && !defined(KV_Q8_0)
#define KV_ACCESS writeonly
#else
#define KV_ACCESS
#endif

#if defined(KV_F32)
layout(binding = KV_K_BINDING) KV_ACCESS buffer KCache { vec2 kc[]; };
layout(binding = KV_V_BINDING) KV_ACCESS buffer VCache { vec2 vc[]; };
#define KV_BLOCK_PAIRS 1u
#elif defined(KV_Q8_0)
layout(binding = KV_K_BINDING) KV_ACCESS buffer KCache { uint kc[]; };
layout(binding = KV_V_BINDING) KV_ACCESS buffer VCache { uint vc[]; };
#define KV_BLOCK_PAIRS 16u
#else
#ifndef KV_F16
#define KV_F16
#endif
layout(binding = KV_K_BINDING) KV_ACCESS buffer KCache { uint kc[]; };
layout(binding = KV_V_BINDING) KV_ACCESS buffer VCache { uint vc[]; };
#define KV_BLOCK_PAIRS 1u
#endif

#if defined(KV_Q8_0)
const uint KV_BLOCK_WORDS = 17u;

// roundf: halves away from zero, as GGML's quantize_row_q8_0 (GLSL's round() leaves ties open)
float kv_roundf(float x) {
    return sign(x) * floor(abs(x) + 0.5);
}

// The block's scale d = amax / 127, as float16 bits, and its reciprocal for quantizing.
uint kv_q8_0_scale(vec2 x[KV_BLOCK_PAIRS], out float id) {
    float amax = 0.0;
    [[unroll]] for (uint i = 0; i < KV_BLOCK_PAIRS; i++) amax = max(amax, max(abs(x[i].x), abs(x[i].y)));
    float d = amax / 127.0;
    id = d != 0.0 ? 1.0 / d : 0.0;
    return packHalf2x16(vec2(d, 0.0)) & 0xffffu;
}

uint kv_q8_0_pack(vec2 x, float id) {
    uint lo = uint(int(kv_roundf(x.x * id))) & 0xffu, hi = uint(int(kv_roundf(x.y * id))) & 0xffu;
    return lo | (hi << 8);
}

vec2 kv_q8_0_unpack(uint w, float d) {
    return vec2(float(int(w << 24) >> 24), float(int(w << 16) >> 24)) * d;
}

#ifndef KV_WRITEONLY
// Half-word h of the keys or values.
uint kv_half(bool value, uint h) {
    uint w = value ? vc[h >> 1] : kc[h >> 1];
    return (w >> ((h & 1u) << 4)) & 0xffffu;
}
#endif
#endif

#ifndef KV_WRITEONLY
// Pair p of the keys (value = false) or values (value = true), as float.
vec2 kv_pair(bool value, uint p) {
#if defined(KV_F32)
    return value ? vc[p] : kc[p];
#elif defined(KV_Q8_0)
    uint b = (p / KV_BLOCK_PAIRS) * KV_BLOCK_WORDS;
    float d = unpackHalf2x16(kv_half(value, b)).x;
    return kv_q8_0_unpack(kv_half(value, b + 1u + p % KV_BLOCK_PAIRS), d);
#else
    return unpackHalf2x16(value ? vc[p] : kc[p]);
#endif
}

// A pair as a shared-memory tile holds it: F16 keeps the raw word (half the bytes), the others
// the decoded floats.
#if defined(KV_F16)
#define KV_TILE uint
#define KV_TILE_ZERO 0u
KV_TILE kv_tile(bool value, uint p) { return value ? vc[p] : kc[p]; }
vec2 kv_tile_pair(KV_TILE t) { return unpackHalf2x16(t); }
#else
#define KV_TILE vec2
#define KV_TILE_ZERO vec2(0.0)
KV_TILE kv_tile(bool value, uint p) { return kv_pair(value, p); }
vec2 kv_tile_pair(KV_TILE t) { return t; }
#endif
#endif

#ifndef KV_READONLY
// Stores KV_BLOCK_PAIRS pairs starting at pair p0 (a block's first pair). One invocation stores a
// whole block.
void kv_store(bool value, uint p0, vec2 x[KV_BLOCK_PAIRS]) {
#if defined(KV_F32)
    if (value) vc[p0] = x[0]; else kc[p0] = x[0];
#elif defined(KV_Q8_0)
    float id;
    uint h[KV_BLOCK_WORDS];
    h[0] = kv_q8_0_scale(x, id);
    [[unroll]] for (uint i = 0; i < KV_BLOCK_PAIRS; i++) h[1u + i] = kv_q8_0_pack(x[i], id);
    uint h0 = (p0 / KV_BLOCK_PAIRS) * KV_BLOCK_WORDS;
    // the shared half-word: the last (even blocks) or the first (odd blocks); the 16 others fill 8 words
    uint shared_h = (h0 & 1u) == 0u ? h0 + 16u : h0, first = (h0 & 1u) == 0u ? 0u : 1u;
    uint shift = (shared_h & 1u) << 4;
    if (value) {
        atomicAnd(vc[shared_h >> 1], ~(0xffffu << shift));
        atomicOr(vc[shared_h >> 1], h[shared_h - h0] << shift);
    } else {
        atomicAnd(kc[shared_h >> 1], ~(0xffffu << shift));
        atomicOr(kc[shared_h >> 1], h[shared_h - h0] << shift);
    }
    uint w0 = (h0 + first) >> 1;
    [[unroll]] for (uint k = 0; k < 8u; k++) {
        uint w = h[first + 2u * k] | (h[first + 2u * k + 1u] << 16);
        if (value) vc[w0 + k] = w; else kc[w0 + k] = w;
    }
#else
    uint w = packHalf2x16(x[0]);
    if (value) vc[p0] = w; else kc[p0] = w;
#endif
}
#endif

// The values a block reads back as once stored (kv_store), in place.
void kv_round(inout vec2 x[KV_BLOCK_PAIRS]) {
#if defined(KV_Q8_0)
    float id;
    float d = unpackHalf2x16(kv_q8_0_scale(x, id)).x;
    [[unroll]] for (uint i = 0; i < KV_BLOCK_PAIRS; i++) x[i] = kv_q8_0_unpack(kv_q8_0_pack(x[i], id), d);
#elif defined(KV_F16)
    x[0] = unpackHalf2x16(packHalf2x16(x[0]));
#endif
}
