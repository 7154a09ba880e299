// Rotary position embedding of one element of a head, shared by rope_store (prompts) and the
// decode attention that ropes its own query and the step's key. Kernels declare the constant NEOX
// and the cos/sin table `cs` ([position][ropeDim/2] pairs, computed on the host in double precision:
// GPU sin/cos of large angles are inexact) before including this. NEOX = 0 rotates pairs
// (2i, 2i+1); NEOX = 1 rotates (i, i + ropeDim/2); elements from ropeDim on are not rotated.

// The element that element e is rotated with (e < ropeDim).
uint rope_partner(uint e, uint ropeDim) {
    uint half_ = ropeDim / 2u;
    if (NEOX != 0u) return e < half_ ? e + half_ : e - half_;
    return (e % 2u) == 0u ? e + 1u : e - 1u;
}

// Element e after RoPE at position pos, given its value and its partner's.
float rope_rotate(float self, float other, uint e, uint pos, uint ropeDim) {
    if (e >= ropeDim) return self;
    uint half_ = ropeDim / 2u;
    uint i = NEOX != 0u ? e % half_ : e / 2u;
    bool first = NEOX != 0u ? e < half_ : (e % 2u) == 0u;
    vec2 t = cs[pos * half_ + i];
    return first ? self * t.x - other * t.y : other * t.y + self * t.x;
}
