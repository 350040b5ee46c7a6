# SPDX-License-Identifier: MIT
"""TT eigensolvers against exact diagonalization, closed forms and published spectra."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lorank
from lorank import models, solve
from lorank.errors import ArgumentError, ConvergenceWarning, NumericalError, RankError, ShapeError

HH4 = [1.9957253378751, 2.9726016923967, 2.9809904441421, 2.9871812546158, 2.9892544667787,
       3.8453108901830, 3.9029557002384, 3.9310258624284, 3.9620504953455, 3.9626708429767]
HH10 = [5.00148804793, 5.98264655011, 5.98391621493, 5.98591273994, 5.98845433129,
        5.99129025238, 5.99411774473, 5.99627269822, 5.99661277022, 5.99847138536]


def test_dmrg2_heisenberg_l10_reference():
    res = solve.eigsh(models.heisenberg(10), max_rank=32, rng=0)
    assert res.converged
    assert abs(res.values[0] - (-4.258035207282886)) < 1e-9
    x = res.vectors[0]
    assert abs(x.norm() - 1) < 1e-12
    # the residual reported is the TT residual of the returned vector
    dense = models.heisenberg(10).full()
    v = x.full().ravel()
    assert abs(np.linalg.norm(dense @ v - res.values[0] * v) - res.residuals[0]) < 1e-9
    assert [h.sweep for h in res.history] == list(range(1, res.n_sweeps + 1))


def test_dmrg1_with_subspace_expansion():
    res = solve.eigsh(models.heisenberg(10), max_rank=32, rng=0, method="dmrg1")
    assert res.converged and abs(res.values[0] - (-4.258035207282886)) < 1e-9
    assert max(res.vectors[0].ranks) > 8  # ranks grew from the rank-4 start by expansion
    h = models.ising(8, h=0.8)
    block = solve.eigsh(h, 3, max_rank=16, rtol=1e-8, rng=1, method="dmrg1")
    np.testing.assert_allclose(block.values, np.linalg.eigvalsh(h.full())[:3], atol=1e-9)


def test_dmrg2_heisenberg_l20_reference():
    res = solve.eigsh(models.heisenberg(20), max_rank=64, rng=1)
    assert abs(res.values[0] - (-8.682473334398974)) < 1e-9


def test_dmrg2_block_of_states_matches_dense():
    h = models.heisenberg(8, delta=0.5)
    ref = np.linalg.eigvalsh(h.full())[:5]
    res = solve.eigsh(h, 5, max_rank=40, rtol=1e-8, rng=2)
    np.testing.assert_allclose(res.values, ref, atol=1e-9)
    gram = np.array([[a.dot(b) for b in res.vectors] for a in res.vectors])
    np.testing.assert_allclose(gram, np.eye(5), atol=1e-9)
    assert np.all(res.residuals < 1e-6)


def test_block_method_matches_dense_henon_heiles():
    h = models.henon_heiles(3, 8, quartic=True)
    ref = np.linalg.eigvalsh(h.full())[:6]
    res = solve.eigsh(h, 6, max_rank=40, rtol=1e-8, method="block", rng=3)
    np.testing.assert_allclose(res.values, ref, atol=1e-10)
    # the block's residuals (one pass for all six) are each vector's dense residual
    dense = h.full()
    want = [np.linalg.norm(dense @ x.full().ravel() - e * x.full().ravel()) for x, e in zip(res.vectors, res.values)]
    np.testing.assert_allclose(res.residuals, want, rtol=1e-6, atol=1e-13)


def test_block_method_degenerate_laplace_multiplets():
    shape = (9, 9, 9)
    res = solve.eigsh(models.laplace(shape), 7, max_rank=20, rtol=1e-8, method="block", rng=4)
    np.testing.assert_allclose(res.values, models.laplace_eigenvalues(shape, 7), rtol=1e-10)


def test_henon_heiles_d4_published_levels():
    res = solve.eigsh(models.henon_heiles(4, 28), 10, max_rank=60, rtol=1e-6, rng=0)
    np.testing.assert_allclose(res.values, HH4, atol=1e-8)
    assert np.all(res.residuals < 1e-3)


def test_henon_heiles_d10_published_levels():
    res = solve.eigsh(models.henon_heiles(10, 16, quartic=True), 10, max_rank=60, rtol=3e-6, rng=0)
    np.testing.assert_allclose(res.values, HH10, atol=1e-7)


def test_ch3cn_zero_point_energy():
    zpe, _ = models.ch3cn_levels()
    h = models.quartic_force_field(None, 6)
    res = solve.eigsh(h, max_rank=30, rtol=1e-5, rng=0)
    assert abs(res.values[0] - zpe) < 0.1


def test_complex_hermitian_operator(rng):
    m = rng.standard_normal((27, 27)) + 1j * rng.standard_normal((27, 27))
    dense = m + m.conj().T
    a = lorank.TTMatrix.from_dense(dense, (3, 3, 3), (3, 3, 3))
    res = solve.eigsh(a, 3, max_rank=9, rtol=1e-10, rng=0)
    np.testing.assert_allclose(res.values, np.linalg.eigvalsh(dense)[:3], atol=1e-9)


def test_warm_start_and_callback():
    h = models.heisenberg(12)
    first = solve.eigsh(h, max_rank=32, rng=0)
    seen = []
    again = solve.eigsh(h, x0=first.vectors[0], max_rank=32, rng=0, callback=seen.append)
    assert again.n_sweeps <= 3 and len(seen) == again.n_sweeps
    assert abs(again.values[0] - first.values[0]) < 1e-9
    stopped = solve.eigsh(h, max_rank=32, rng=0, callback=lambda rec: True)
    assert stopped.n_sweeps == 1


def test_not_converged_warns_and_returns_best():
    with pytest.warns(ConvergenceWarning, match="not converged"):
        res = solve.eigsh(models.heisenberg(14), max_rank=16, max_sweeps=1, rng=0)
    assert not res.converged and res.values[0] < -5.5


def test_residual_norms_against_dense(rng):
    h = models.ising(6, h=0.9)
    x = lorank.tt.random((2,) * 6, 3, rng=0)
    x = x / x.norm()
    v = x.full().ravel()
    got = solve.residual_norms(h, [x], [0.25])[0]
    assert abs(got - np.linalg.norm(h.full() @ v - 0.25 * v)) < 1e-12


def test_bad_input():
    h = models.heisenberg(4)
    with pytest.raises(TypeError, match="TTMatrix"):
        solve.eigsh(h.full())
    with pytest.raises(ShapeError, match="equal row and column"):
        solve.eigsh(lorank.TTMatrix.from_dense(np.ones((4, 8)), (2, 2), (2, 4)))
    upper = lorank.TTMatrix.from_dense(np.triu(np.ones((16, 16))), (4, 4), (4, 4))
    with pytest.raises(ArgumentError, match="Hermitian"):
        solve.eigsh(upper)
    with pytest.raises(ArgumentError, match="exceeds the dimension"):
        solve.eigsh(h, 17)
    with pytest.raises(RankError, match="cannot represent"):
        solve.eigsh(h, 9, max_rank=1)
    with pytest.raises(ArgumentError, match="method"):
        solve.eigsh(h, method="lanczos")
    with pytest.raises(ArgumentError, match="needs k > 1"):
        solve.eigsh(h, method="block")
    with pytest.raises(ArgumentError, match="rtol"):
        solve.eigsh(h, rtol=0)
    with pytest.raises(ArgumentError, match="x0"):
        solve.eigsh(h, 2, x0=lorank.tt.random((2,) * 4, 2, rng=0))
    with pytest.raises(ShapeError, match="x0 has shape"):
        solve.eigsh(h, x0=lorank.tt.random((2,) * 3, 2, rng=0))
    bad = lorank.TTMatrix.from_cores([c.copy() for c in h.cores])
    cores = [np.array(c) for c in bad.cores]
    cores[1][0, 0, 0, 0] = np.nan
    with pytest.raises(NumericalError):
        solve.eigsh(lorank.TTMatrix._trusted(cores))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        solve.eigsh(h, max_rank=4, rng=0)  # a small exact problem converges silently


def test_inverse_iteration_finds_the_level_nearest_the_shift():
    h = models.henon_heiles(3, 8, quartic=True)
    vals = np.linalg.eigvalsh(h.full())
    x0 = lorank.tt.random((8, 8, 8), 3, rng=0)
    res = solve.inverse_iteration(h, x0, vals[4] + 0.01, rtol=1e-9, max_rank=30)
    assert res.converged and abs(res.values[0] - vals[4]) < 1e-10
    v = res.vectors[0].full().ravel()
    assert np.linalg.norm(h.full() @ v - res.values[0] * v) <= 1e-9 * abs(vals[4]) + 1e-12
    with pytest.raises(ArgumentError, match="shift"):
        solve.inverse_iteration(h, x0, float("nan"))
    with pytest.raises(ShapeError, match="x0"):
        solve.inverse_iteration(h, lorank.tt.random((8, 8), 2, rng=0), 1.0)
    with pytest.raises(ArgumentError, match="zero"):
        solve.inverse_iteration(h, lorank.tt.zeros((8, 8, 8)), 1.0)
    with pytest.warns(ConvergenceWarning, match="not converged"):
        solve.inverse_iteration(h, x0, vals[4] + 0.3, maxiter=1)


def test_block_inverse_iteration_resolves_a_degenerate_multiplet():
    """Laplace on 9^3: the second level is a triplet. Subspace iteration with
    shift-and-invert on three vectors returns the triplet's values and spans its eigenspace."""
    shape = (9, 9, 9)
    h = models.laplace(shape)
    dense = h.full()
    vals, vecs = np.linalg.eigh(dense)
    assert abs(vals[1] - vals[3]) < 1e-10 and vals[4] - vals[3] > 1e-3
    x0 = [lorank.tt.random(shape, 2, rng=s) for s in range(3)]
    res = solve.inverse_iteration(h, x0, vals[1] - 0.05, rtol=1e-9, max_rank=20, solve_rtol=1e-10)
    assert res.converged
    np.testing.assert_allclose(res.values, vals[1:4], atol=1e-10)
    got = np.array([v.full().ravel() for v in res.vectors]).T
    np.testing.assert_allclose(got.T @ got, np.eye(3), atol=1e-8)
    s = np.linalg.svd(vecs[:, 1:4].T @ got, compute_uv=False)
    np.testing.assert_allclose(s, 1.0, atol=1e-8)
    with pytest.raises(TypeError, match="x0"):
        solve.inverse_iteration(h, [], 1.0)
    with pytest.raises(ShapeError, match="x0"):
        solve.inverse_iteration(h, [x0[0], lorank.tt.random((9, 9), 2, rng=0)], 1.0)


@pytest.mark.parametrize("method", ["block", "dmrg1"])
def test_many_states_on_small_modes_start_with_room_for_the_block(method):
    """k = 40 on 4^4: an edge core of rank 8 holds only 32 vectors, so the start and the
    warm-up ranks must be raised to fit the block (this raised a SciPy ValueError)."""
    h = models.henon_heiles(4, 4, quartic=True)
    vals = np.linalg.eigvalsh(h.full())
    res = solve.eigsh(h, 40, rtol=1e-8, max_rank=64, rng=0, method=method, max_sweeps=30)
    assert res.converged
    np.testing.assert_allclose(res.values, vals[:40], atol=1e-10)
