# SPDX-License-Identifier: MIT
"""Hypothesis properties: algebraic identities on random small trains."""

from __future__ import annotations

import numpy as np
import pytest
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


@st.composite
def badly_scaled_train(draw):
    # A random train with one or two cores scaled toward the ends of the double range.
    x, _ = draw(train_pair())
    cores = list(x.cores)
    for _ in range(draw(st.integers(1, 2))):
        k = draw(st.integers(0, len(cores) - 1))
        with np.errstate(all="ignore"):  # a core scaled twice may overflow: dropped below
            cores[k] = cores[k] * 10.0 ** draw(st.sampled_from([-300, -200, -120, 120, 200, 300]))
    return lorank.TT(cores) if all(np.isfinite(c).all() for c in cores) else None


@settings(max_examples=60, deadline=None)
@given(badly_scaled_train(), st.sampled_from(["svd", "orth-gram", "gram", "auto"]))
def test_round_and_norm_at_the_ends_of_the_exponent_range(x, method):
    with np.errstate(all="ignore"):  # the dense tensor may leave the range: skipped below
        full = None if x is None else x.full()
    if full is None or not 1e-280 < np.abs(full).max() < 1e280:
        return  # the dense reference itself is out of range or subnormal
    unit = np.abs(full).max()
    ref = np.linalg.norm(full / unit)
    y, info = x.round(rtol=1e-10, method=method, return_info=True)
    err = np.linalg.norm((y.full() - full) / unit) / ref
    assert err <= (1e-6 if method == "gram" else 1e-9)
    assert np.isfinite(info.rel_error) and info.rel_error <= 1e-9
    assert x.norm(log=True) == pytest.approx(np.log(ref) + np.log(unit), abs=1e-9)
