# SPDX-License-Identifier: MIT
"""The fixed-TT-rank manifold against dense NumPy, and TT completion."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank.errors import ShapeError
from lorank.manifold import FixedRankTT, TTTangent, complete_tt

SHAPE, RANKS = (3, 4, 3, 4), (1, 2, 3, 2, 1)


def _setup(rng):
    man = FixedRankTT(SHAPE, RANKS)
    return man, man.random_point(rng)


def test_projection_is_an_orthogonal_projector(rng):
    man, x = _setup(rng)
    z = rng.standard_normal(SHAPE)
    xi = man.project(x, z)
    pz = man.tangent_tt(x, xi).full()
    # Idempotent and orthogonal: P(P z) = P z, <z - P z, eta> = 0 for tangent eta.
    again = man.tangent_tt(x, man.project(x, pz)).full()
    np.testing.assert_allclose(again, pz, atol=1e-12)
    eta = man.project(x, rng.standard_normal(SHAPE))
    assert abs(np.vdot(z - pz, man.tangent_tt(x, eta).full())) < 1e-12
    # Inner product from the delta-cores equals the dense one (the gauge makes terms orthogonal).
    assert man.inner(x, xi, eta) == pytest.approx(
        np.vdot(pz, man.tangent_tt(x, eta).full()), rel=1e-12)
    # Gauge: U_k^L^T dC_k^L = 0 for k < d.
    for u, dc in zip(x.left[:-1], xi.cores[:-1]):
        r0, n, r1 = u.shape
        assert np.abs(u.reshape(r0 * n, r1).T @ dc.reshape(r0 * n, -1)).max() < 1e-12
    # X itself is tangent (the cone property): P X = X.
    np.testing.assert_allclose(man.tangent_tt(x, man.project(x, x.tt)).full(), x.tt.full(),
                               atol=1e-12)


def test_projection_of_a_tt_and_of_samples_matches_dense(rng):
    man, x = _setup(rng)
    z = lorank.tt.random(SHAPE, 3, rng=rng)
    want = man.tangent_tt(x, man.project(x, z.full())).full()
    np.testing.assert_allclose(man.tangent_tt(x, man.project(x, z)).full(), want, atol=1e-12)
    idx = np.column_stack([rng.integers(0, n, 40) for n in SHAPE])
    vals = rng.standard_normal(40)
    dense = np.zeros(SHAPE)
    np.add.at(dense, tuple(idx.T), vals)
    got = man.tangent_tt(x, man.project_sampled(x, idx, vals)).full()
    np.testing.assert_allclose(got, man.tangent_tt(x, man.project(x, dense)).full(), atol=1e-12)
    xi = man.project(x, rng.standard_normal(SHAPE))
    np.testing.assert_allclose(man.tangent_at(x, xi, idx),
                               man.tangent_tt(x, xi).full()[tuple(idx.T)], atol=1e-12)


def test_retraction_is_second_order_and_keeps_the_ranks(rng):
    man, x = _setup(rng)
    xi = man.project(x, rng.standard_normal(SHAPE))
    xi = xi * (1.0 / man.norm(x, xi))
    gaps = []
    for t in (1e-2, 5e-3, 2.5e-3):
        y = man.retract(x, xi, t)
        assert y.ranks == RANKS
        gaps.append(np.linalg.norm(y.tt.full() - x.tt.full() - t * man.tangent_tt(x, xi).full()))
    assert gaps[0] / gaps[1] == pytest.approx(4.0, rel=0.15)
    assert gaps[1] / gaps[2] == pytest.approx(4.0, rel=0.15)


def test_transport_lands_in_the_new_tangent_space(rng):
    man, x = _setup(rng)
    xi = man.project(x, rng.standard_normal(SHAPE))
    y = man.retract(x, man.project(x, rng.standard_normal(SHAPE)) * 0.1)
    moved = man.transport(y, x, xi)
    dense = man.tangent_tt(y, moved).full()
    np.testing.assert_allclose(man.tangent_tt(y, man.project(y, dense)).full(), dense, atol=1e-12)
    assert isinstance(moved, TTTangent)


def test_tt_completion_recovers_a_planted_train(rng):
    # 16000 samples (6% of 8^6, ~37x the 432 parameters): from this random start RTTC
    # converges in ~35 iterations; with 8000 some random starts stall (documented).
    shape, ranks = (8,) * 6, (1, 3, 3, 3, 3, 3, 1)
    truth = lorank.tt.random(shape, 3, rng=1)
    n_obs = 16000
    flat = rng.choice(8**6, size=n_obs + 1000, replace=False)
    idx = np.column_stack(np.unravel_index(flat, shape))
    vals = truth.at(idx)
    res = complete_tt(idx[:n_obs], vals[:n_obs], shape=shape, ranks=ranks, rtol=1e-8,
                      validation=(idx[n_obs:], vals[n_obs:]), maxiter=500, rng=2)
    assert res.converged, res.message
    err = (res.x - truth).norm(accurate=True) / truth.norm()
    assert err < 1e-6
    assert res.history[-1].validation_error <= 1e-8


def test_tt_completion_input_errors():
    with pytest.raises(ShapeError, match="indices must be"):
        complete_tt(np.zeros((3, 2), int), np.zeros(3), shape=(2, 2, 2), ranks=(1, 1, 1, 1))
    with pytest.raises(ShapeError, match="outside"):
        complete_tt(np.array([[0, 2]]), np.zeros(1), shape=(2, 2), ranks=(1, 1, 1))
    with pytest.raises(ShapeError, match="ranks"):
        FixedRankTT((2, 2), (1, 2))


def test_compiled_sampled_kernels_match_their_twins(rng):
    man, x = _setup(rng)
    idx = np.column_stack([rng.integers(0, n, 200) for n in SHAPE])
    vals = rng.standard_normal(200)
    fast = man.project_sampled(x, idx, vals)
    slow = man.project_sampled(x, idx, vals, _twin=True)
    for a, b in zip(fast.cores, slow.cores):
        np.testing.assert_allclose(a, b, atol=1e-13)
    np.testing.assert_allclose(man.tangent_at(x, fast, idx), man.tangent_at(x, fast, idx, _twin=True),
                               atol=1e-13)
    with pytest.raises(ShapeError, match="outside mode"):
        man.project_sampled(x, idx + np.array([0, 0, 0, 4]), vals)
    frame = man.sampled_frame(x, idx)
    np.testing.assert_allclose(frame.entries(), x.tt.at(idx), atol=1e-13)
    np.testing.assert_allclose(man.sampled_frame(x, idx, _twin=True).entries(), x.tt.at(idx),
                               atol=1e-13)
    # complex data on a real point goes to the twin, not through a float64 cast
    cplx = frame.project(vals + 1j * vals)
    for a, b in zip(cplx.cores, fast.cores):
        np.testing.assert_allclose(a, b * (1 + 1j), atol=1e-13)


def test_add_n_projected_equals_the_projection_of_the_sum(rng):
    man, x = _setup(rng)
    zs = [lorank.tt.random(SHAPE, 2, rng=k) for k in range(3)]
    got = man.add_n_projected(x, zs, [1.0, -2.0, 0.5])
    total = zs[0] - zs[1] * 2.0 + zs[2] * 0.5
    np.testing.assert_allclose(man.tangent_tt(x, got).full(),
                               man.tangent_tt(x, man.project(x, total)).full(), atol=1e-12)
    with pytest.raises(ShapeError, match="coefficients"):
        man.add_n_projected(x, zs, [1.0])


def test_points_and_tangents_that_do_not_fit_are_rejected(rng):
    man, x = _setup(rng)
    other = FixedRankTT(SHAPE, (1, 2, 2, 2, 1))
    with pytest.raises(ShapeError, match="ranks"):
        other.check_point(x)
    with pytest.raises(ShapeError, match="do not match"):
        man.retract(x, TTTangent(tuple(c[..., :1] for c in x.left)))
    from lorank.errors import RankError
    from lorank.manifold import TTPoint

    bent = TTPoint(tuple(c * 2.0 if k == 0 else c for k, c in enumerate(x.left)), x.right)
    with pytest.raises(RankError, match="left-orthogonal"):
        man.check_point(bent)
    with pytest.raises(ShapeError, match="ranks"):
        complete_tt(np.zeros((2, 4), int), np.ones(2), shape=SHAPE, ranks=(1, 2, 2, 2, 1),
                    x0=x.tt)


def test_compiled_projection_of_a_train_matches_its_twin(rng):
    man, x = _setup(rng)
    for rank in (1, 3):
        z = lorank.tt.random(SHAPE, rank, rng=rank)
        fast, slow = man.project(x, z), man.project(x, z, _twin=True)
        for a, b in zip(fast.cores, slow.cores):
            np.testing.assert_allclose(a, b, atol=1e-13)
    complex_z = lorank.tt.random(SHAPE, 2, rng=9).astype(np.complex128)
    got = man.project(x, complex_z)  # not float64: the twin
    assert np.iscomplexobj(got.cores[0])
