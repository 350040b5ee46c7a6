# SPDX-License-Identifier: MIT
"""The Gram truncation of the array twin (the GPU's default rounding path), run here on NumPy
arrays against the exact SVD path and the compiled kernel."""

from __future__ import annotations

import pytest

import lorank
from lorank._reference import tt as ref


def _gram_round(cores, rtol, caps):
    d = len(cores)
    mirrored = ref._mirror(cores)
    out, err, norm, rel = ref._round_right_to_left(
        mirrored, rtol, [ref._cap(caps, d - 2 - k) for k in range(d - 1)], True)
    return lorank.TT(ref._mirror(out)), rel


@pytest.mark.parametrize("case", ["capped", "rtol", "redundant", "tiny_tail"])
def test_gram_truncation_matches_the_svd(case, monkeypatch):
    used = []
    bond = ref._gram_bond
    monkeypatch.setattr(ref, "_gram_bond", lambda *a: used.append(bond(*a)) or used[-1])
    x = lorank.tt.random([4] * 12, 10, rng=0)
    if case == "capped":
        s, rtol, caps = x, 1e-12, [5] * 11
    elif case == "rtol":
        s, rtol, caps = x + lorank.tt.random([4] * 12, 3, rng=1) * 1e-3, 1e-2, []
    elif case == "redundant":
        s, rtol, caps = x * 0.5 + x * 1.5, 1e-13, []
    else:  # a tail far below sqrt(eps): the Gram path must not be trusted blindly
        s, rtol, caps = x + lorank.tt.random([4] * 12, 2, rng=2) * 1e-9, 1e-12, [10] * 11
    got, rel = _gram_round(list(s.cores), rtol, caps)
    want, info = s.round(rtol=rtol, max_rank=caps or None, method="svd", return_info=True)
    assert got.ranks == want.ranks
    assert (got - want).norm(accurate=True) <= 1e-7 * s.norm()
    assert rel == pytest.approx(info.rel_error, rel=1e-6, abs=1e-15)
    taken = sum(u is not None for u in used)
    if case in ("capped", "rtol"):
        assert len(used) == 11 and taken == 10  # every tall bond through its Gram matrix
    if case == "tiny_tail":
        assert taken < len(used)  # tails near 1e-9 go to the SVD
