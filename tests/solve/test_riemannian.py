# SPDX-License-Identifier: MIT
"""The tangent space of a block of TT vectors and the Riemannian block eigensolver, against
dense linear algebra and published spectra."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lorank
from lorank import models, solve
from lorank.errors import ConvergenceWarning
from lorank.solve._tangent import TangentSpace, left_chain, right_chain

HH4 = [1.9957253378751, 2.9726016923967, 2.9809904441421, 2.9871812546158, 2.9892544667787,
       3.8453108901830, 3.9029557002384, 3.9310258624284, 3.9620504953455, 3.9626708429767]


def _full(cores):
    t = cores[0]
    for c in cores[1:]:
        t = np.tensordot(t, c, axes=(-1, 0))
    return t.reshape(-1)


def _random_trains(rng, shape, rank, count, dtype=float):
    d = len(shape)
    out = []
    for _ in range(count):
        ranks = [1] + [rank] * (d - 1) + [1]
        cores = [rng.standard_normal((ranks[i], n, ranks[i + 1])) for i, n in enumerate(shape)]
        if dtype is complex:
            cores = [c + 1j * rng.standard_normal(c.shape) for c in cores]
        out.append(cores)
    return out


@pytest.fixture
def space(rng):
    shape = (3, 4, 3, 2)
    trains = _random_trains(rng, shape, 2, 2)
    left, _ = left_chain(trains, 0.0, 4)
    right, _ = right_chain(trains, 0.0, 4)
    op_cores = [rng.standard_normal((1 if k == 0 else 3, n, n, 1 if k == 3 else 3)) for k, n in enumerate(shape)]
    return TangentSpace(left, right, op_cores), trains, op_cores


def _basis(space):
    """An orthonormal basis of W as dense vectors (the images of the gauge coordinates)."""
    images = np.array([_full(space.train(e)) for e in space.gauge(np.eye(space.size))]).T
    u, s, _ = np.linalg.svd(images, full_matrices=False)
    return u[:, s > 1e-10]


def test_tangent_coordinates_are_an_isometry_onto_w(space, rng):
    w, trains, _ = space
    rows = w.random_rows(4, rng)
    vecs = np.array([_full(w.train(r)) for r in rows])
    np.testing.assert_allclose(vecs @ vecs.T, rows @ rows.T, atol=1e-12)
    basis = _basis(w)
    # dimension: sum of core sizes minus the gauge conditions
    gauge = sum(u.shape[2] * w.core_shapes[k][2] for k, u in enumerate(w.left))
    assert basis.shape[1] == w.size - gauge
    for t in trains:  # the block (index last or first) lies in W exactly
        x = _full(t)
        assert np.linalg.norm(x - basis @ (basis.T @ x)) < 1e-12 * np.linalg.norm(x)


def test_projection_and_operator_against_dense(space, rng):
    w, trains, op = space
    mat = np.asarray(lorank.TTMatrix.from_cores(op).full()).reshape(72, 72)
    basis = _basis(w)
    x = _full(trains[0])
    got = _full(w.train(w.project_train(trains[0], op)[0]))
    np.testing.assert_allclose(got, basis @ (basis.T @ (mat @ x)), atol=1e-10 * np.abs(mat @ x).max())
    rows = w.random_rows(3, rng)
    structured = w.apply_rows(rows)
    generic = np.vstack([w.project_train(w.train(r), op) for r in rows])
    np.testing.assert_allclose(structured, generic, atol=1e-11 * np.abs(generic).max())


def test_chains_meet_the_tolerance(rng):
    shape = (6, 6, 6, 6)
    trains = _random_trains(rng, shape, 5, 3)
    norm2 = sum(np.linalg.norm(_full(t)) ** 2 for t in trains)
    for rtol, cap in ((1e-1, 50), (0.0, 4)):  # the second takes the sketched range finder
        left, cut = left_chain(trains, rtol, cap)
        for k, u in enumerate(left):
            m = u.reshape(-1, u.shape[2])
            np.testing.assert_allclose(m.T @ m, np.eye(m.shape[1]), atol=1e-12)
        # projecting the block on the chain's last interface loses at most what was cut
        q = left[0]
        for u in left[1:]:
            q = np.tensordot(q, u, axes=(-1, 0))
        q = q.reshape(-1, q.shape[-1])
        lost = sum(np.linalg.norm(_full(t).reshape(q.shape[0], -1)
                                  - q @ (q.T @ _full(t).reshape(q.shape[0], -1))) ** 2 for t in trains)
        assert np.sqrt(lost / norm2) <= np.sqrt(len(left)) * cut + 1e-12
        if rtol:
            assert cut <= rtol
    right, _ = right_chain(trains, 0.0, 50)
    for v in right:
        m = v.reshape(v.shape[0], -1)
        np.testing.assert_allclose(m @ m.T, np.eye(m.shape[0]), atol=1e-12)


def test_riemannian_matches_dense_degenerate_heisenberg():
    h = models.heisenberg(8)
    ref = np.linalg.eigvalsh(h.full())[:4]  # ground state and the degenerate triplet
    res = solve.eigsh(h, 4, method="riemannian", max_rank=24, rtol=1e-8, rng=0)
    assert res.converged
    np.testing.assert_allclose(res.values, ref, atol=1e-9)
    gram = np.array([[a.dot(b) for b in res.vectors] for a in res.vectors])
    np.testing.assert_allclose(gram, np.eye(4), atol=1e-7)
    assert np.all(res.residuals < 1e-6)
    # the triplet's subspace, not just its values
    dense_vecs = np.linalg.eigh(h.full())[1][:, 1:4]
    got = np.array([v.full().ravel() for v in res.vectors[1:]]).T
    s = np.linalg.svd(dense_vecs.T @ got, compute_uv=False)
    np.testing.assert_allclose(s, 1.0, atol=1e-7)


def test_riemannian_henon_heiles_and_warm_start():
    h = models.henon_heiles(3, 8, quartic=True)
    ref = np.linalg.eigvalsh(h.full())[:6]
    res = solve.eigsh(h, 6, method="riemannian", max_rank=30, rtol=1e-8, rng=3)
    np.testing.assert_allclose(res.values, ref, atol=1e-10)
    # the history opens with the ALS start, then one record per tangent space
    assert [r.sweep for r in res.history] == list(range(1, res.n_sweeps + 1))
    again = solve.eigsh(h, 6, method="riemannian", x0=res.vectors, max_rank=30, rtol=1e-8)
    assert again.n_sweeps <= 3
    np.testing.assert_allclose(again.values, ref, atol=1e-10)


def test_riemannian_single_state_and_complex(rng):
    res = solve.eigsh(models.heisenberg(10), 1, method="riemannian", max_rank=32, rng=0)
    assert abs(res.values[0] - (-4.258035207282886)) < 1e-9
    m = rng.standard_normal((27, 27)) + 1j * rng.standard_normal((27, 27))
    dense = m + m.conj().T
    a = lorank.TTMatrix.from_dense(dense, (3, 3, 3), (3, 3, 3))
    res = solve.eigsh(a, 3, method="riemannian", max_rank=9, rtol=1e-10, rng=0)
    np.testing.assert_allclose(res.values, np.linalg.eigvalsh(dense)[:3], atol=1e-9)


def test_riemannian_henon_heiles_d4_published_levels():
    res = solve.eigsh(models.henon_heiles(4, 28), 10, method="riemannian", max_rank=60, rtol=1e-6, rng=0)
    np.testing.assert_allclose(res.values, HH4, atol=1e-8)
    assert np.all(res.residuals < 1e-3)
    assert all(max(v.ranks) <= 60 for v in res.vectors)  # max_rank caps the returned trains


def test_riemannian_not_converged_warns():
    with pytest.warns(ConvergenceWarning, match="not converged"):
        res = solve.eigsh(models.heisenberg(12), 3, method="riemannian", max_rank=8, max_sweeps=1, rng=0)
    assert not res.converged and res.values.shape == (3,)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        solve.eigsh(models.heisenberg(6), 2, method="riemannian", max_rank=8, rng=0)
