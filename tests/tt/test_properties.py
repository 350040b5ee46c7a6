# SPDX-License-Identifier: MIT
"""Hypothesis properties: algebraic identities on random small trains."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import lorank

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=5)


@st.composite
def train_pair(draw):
    shape = draw(shapes)
    r1, r2 = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    cplx = draw(st.booleans())
    dt = np.complex128 if cplx else np.float64
    rng = np.random.default_rng(seed)
    return (lorank.tt.random(shape, r1, rng=rng, dtype=dt),
            lorank.tt.random(shape, r2, rng=rng, dtype=dt))


@settings(max_examples=40, deadline=None)
@given(train_pair())
def test_round_is_identity_up_to_rtol(pair):
    x, _ = pair
    y = x.round(rtol=1e-12)
    assert np.linalg.norm(y.full() - x.full()) <= 1e-10 * max(np.linalg.norm(x.full()), 1e-300)
    assert all(a <= b for a, b in zip(y.ranks, x.ranks))


@settings(max_examples=40, deadline=None)
@given(train_pair())
def test_dot_equals_dense_dot(pair):
    x, y = pair
    assert np.isclose(x.dot(y), np.vdot(x.full(), y.full()), rtol=1e-9, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(train_pair())
def test_orthogonalize_gives_orthonormal_cores(pair):
    x, _ = pair
    left = x.orthogonalize("left")
    for c in left.cores[:-1]:
        m = c.reshape(-1, c.shape[2])
        np.testing.assert_allclose(m.conj().T @ m, np.eye(m.shape[1]), atol=1e-10)
    np.testing.assert_allclose(left.full(), x.full(), atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(train_pair(), st.sampled_from(["svd", "orth-gram"]))
def test_rounded_sum_equals_dense_sum(pair, method):
    x, y = pair
    s = (x + y).round(rtol=1e-12, method=method)
    np.testing.assert_allclose(s.full(), x.full() + y.full(), atol=1e-10)
