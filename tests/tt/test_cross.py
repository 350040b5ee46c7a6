# SPDX-License-Identifier: MIT
"""TT-cross against dense tensors, exact low-rank recovery, the evaluation budget and cache,
robustness of the oracle contract, and the compiled index cache."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lorank
from lorank.errors import ArgumentError, ConvergenceWarning, NumericalError, ShapeError


class Recorder:
    """f on multi-indices that remembers every index it was asked for."""

    def __init__(self, f):
        self.f, self.asked = f, []

    def __call__(self, idx):
        self.asked.extend(map(tuple, idx.tolist()))
        return self.f(idx)


def dense_of(f, shape):
    grid = np.indices(shape).reshape(len(shape), -1).T
    return f(grid).reshape(shape)


def inverse_sum(idx):
    return 1.0 / (1.0 + idx.sum(axis=1))


@pytest.mark.parametrize("method", ["greedy", "maxvol", "amen", "dmrg"])
def test_recovers_a_low_rank_tensor_exactly(method):
    x = lorank.tt.random((5, 6, 4, 7, 5), [1, 2, 3, 3, 2, 1], rng=3)
    res = lorank.tt.cross(x.at, x.shape, rtol=1e-10, rng=0, method=method)
    assert res.converged
    dense = x.full()
    np.testing.assert_allclose(res.tt.full(), dense, atol=1e-9 * np.abs(dense).max())
    assert max(res.tt.ranks) <= 3
    assert res.n_evals < dense.size  # fewer entries than the tensor has


@pytest.mark.parametrize("method", ["greedy", "maxvol", "amen", "dmrg"])
@pytest.mark.parametrize("rtol", [1e-4, 1e-8])
def test_accuracy_against_the_dense_tensor(rtol, method):
    shape = (8,) * 6
    res = lorank.tt.cross(inverse_sum, shape, rtol=rtol, rng=1, n_validate=500, method=method)
    dense = dense_of(inverse_sum, shape)
    err = np.linalg.norm(res.tt.full() - dense) / np.linalg.norm(dense)
    assert res.converged and err <= 3 * rtol
    # The validation estimate is of the same size as the true error.
    assert res.rel_error_estimate <= rtol and err <= 10 * max(res.rel_error_estimate, rtol / 10)
    assert [h.n_evals for h in res.history] == sorted(h.n_evals for h in res.history)
    assert res.n_sweeps == len(res.history)


@pytest.mark.parametrize("method", ["greedy", "maxvol", "amen", "dmrg"])
def test_cache_never_asks_twice_and_counts_exactly(method):
    rec = Recorder(inverse_sum)
    res = lorank.tt.cross(rec, (6,) * 7, rtol=1e-8, rng=2, method=method)
    assert len(rec.asked) == len(set(rec.asked)) == res.n_evals
    rec2 = Recorder(inverse_sum)
    res2 = lorank.tt.cross(rec2, (6,) * 7, rtol=1e-8, rng=2, cache=False, method=method)
    assert len(rec2.asked) == res2.n_evals > len(set(rec2.asked))  # repeats without cache


@pytest.mark.parametrize("method", ["greedy", "maxvol", "amen", "dmrg"])
def test_max_evals_is_respected_exactly(method):
    rec = Recorder(inverse_sum)
    budget = {"greedy": 1500, "maxvol": 3000, "amen": 3000, "dmrg": 12000}[method]
    with pytest.warns(ConvergenceWarning):
        res = lorank.tt.cross(rec, (10,) * 8, rtol=1e-12, max_evals=budget, rng=0, method=method)
    assert len(rec.asked) == res.n_evals <= budget
    assert not res.converged and np.isfinite(res.tt.norm())
    with pytest.raises(ArgumentError, match="first sweep"):
        lorank.tt.cross(inverse_sum, (10,) * 8, max_evals=1020, rng=0)
    with pytest.raises(ArgumentError, match="validation"):
        lorank.tt.cross(inverse_sum, (10,) * 8, max_evals=100, rng=0)


def test_deterministic_for_a_seed():
    a = lorank.tt.cross(inverse_sum, (7,) * 6, rtol=1e-6, rng=5)
    b = lorank.tt.cross(inverse_sum, (7,) * 6, rtol=1e-6, rng=5)
    assert a.n_evals == b.n_evals
    for ca, cb in zip(a.tt.cores, b.tt.cores):
        np.testing.assert_array_equal(ca, cb)


def test_zeros_needles_and_huge_values_give_no_nan():
    zero = lorank.tt.cross(lambda idx: np.zeros(len(idx)), (5,) * 6, rng=0)
    assert zero.converged and zero.tt.norm() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Zero everywhere the first sweeps look (one nonzero entry): finite, whatever it finds.
        needle = lorank.tt.cross(lambda idx: (idx == 4).all(axis=1).astype(float), (5,) * 6,
                                 rng=0, max_sweeps=4)
    assert all(np.isfinite(c).all() for c in needle.tt.cores)
    big = lorank.tt.cross(lambda idx: 1e280 * inverse_sum(idx), (6,) * 6, rtol=1e-8, rng=0)
    dense = dense_of(inverse_sum, (6,) * 6)
    err = np.linalg.norm(big.tt.full() / 1e280 - dense) / np.linalg.norm(dense)
    assert err < 1e-7


@pytest.mark.parametrize("method", ["greedy", "maxvol", "amen", "dmrg"])
def test_long_trains(method):
    d = 100
    f = lambda idx: 1.0 / (1.0 + idx.sum(axis=1) / d)  # noqa: E731
    res = lorank.tt.cross(f, (4,) * d, rtol=1e-6, rng=0, n_validate=300, method=method)
    test = np.random.default_rng(9).integers(0, 4, (500, d))
    got, want = res.tt.at(test), f(test)
    assert np.linalg.norm(got - want) / np.linalg.norm(want) < 1e-5


def test_complex_values_and_x0():
    shape = (6, 5, 7, 6)
    x = lorank.tt.random(shape, 3, rng=0, dtype=np.complex128)
    res = lorank.tt.cross(x.at, shape, rtol=1e-10, rng=0)
    assert res.tt.dtype == np.complex128
    np.testing.assert_allclose(res.tt.full(), x.full(), atol=1e-9 * np.abs(x.full()).max())
    # Started from the answer itself, the sweeps have nothing to find.
    real = lorank.tt.random(shape, 3, rng=1)
    warm = lorank.tt.cross(real.at, shape, rtol=1e-10, x0=real, kick=0, rng=0, method="maxvol")
    cold = lorank.tt.cross(real.at, shape, rtol=1e-10, rng=0, method="maxvol")
    assert warm.converged and warm.n_sweeps <= 2 and warm.n_evals <= cold.n_evals


def test_one_mode_callback_and_progress():
    one = lorank.tt.cross(lambda idx: idx[:, 0] ** 2.0, (9,))
    np.testing.assert_allclose(one.tt.full(), np.arange(9) ** 2.0)
    seen = []
    res = lorank.tt.cross(inverse_sum, (6,) * 5, rtol=1e-12, rng=0,
                          callback=lambda step: seen.append(step) or len(seen) == 2)
    assert len(seen) == 2 and res.n_sweeps == 2 and seen[1].sweep == 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tqdm may be missing: a warning, not an error
        lorank.tt.cross(inverse_sum, (4,) * 4, progress=True, rng=0)


def test_bad_oracles_and_arguments():
    shape = (4,) * 5
    with pytest.raises(ShapeError, match=r"shape \(\d+,\)"):
        lorank.tt.cross(lambda idx: np.ones((len(idx), 2)), shape)
    with pytest.raises(ShapeError, match="numbers"):
        lorank.tt.cross(lambda idx: np.array(["a"] * len(idx)), shape)

    def nan_at_corner(idx):
        out = inverse_sum(idx)
        out[(idx == 0).all(axis=1)] = np.nan
        return out

    with pytest.raises(NumericalError, match=r"\(0, 0, 0, 0, 0\)"):
        lorank.tt.cross(nan_at_corner, shape, n_validate=0, x0=lorank.tt.ones(shape),
                        method="maxvol")
    with pytest.raises(ShapeError, match="callable"):
        lorank.tt.cross(3.0, shape)
    with pytest.raises(ShapeError, match="shape"):
        lorank.tt.cross(inverse_sum, (4, 0, 3))
    with pytest.raises(ArgumentError, match="rtol"):
        lorank.tt.cross(inverse_sum, shape, rtol=0.0)
    with pytest.raises(ArgumentError, match="max_rank"):
        lorank.tt.cross(inverse_sum, shape, max_rank=0)
    with pytest.raises(ArgumentError, match="method"):
        lorank.tt.cross(inverse_sum, shape, method="magic")
    with pytest.raises(ShapeError, match="x0"):
        lorank.tt.cross(inverse_sum, shape, x0=lorank.tt.ones((4, 4)), method="maxvol")
    with pytest.raises(ArgumentError, match="greedy"):
        lorank.tt.cross(inverse_sum, shape, x0=lorank.tt.ones(shape))


def test_index_cache_is_exact():
    from lorank import _core

    cache = _core.IndexCacheF64([3, 1000, 7, 2**40])
    idx = np.array([[2, 999, 6, 2**40 - 1], [0, 0, 0, 0], [1, 500, 3, 123456789]], dtype=np.int64)
    cache.insert(idx, np.array([1.5, -2.0, 3.25]))
    values, found, first = cache.lookup(np.vstack([idx, [[2, 999, 6, 2**40 - 2]]]))
    assert found.tolist() == [True, True, True, False] and first.tolist() == [-1] * 4
    np.testing.assert_array_equal(values[:3], [1.5, -2.0, 3.25])
    many = np.random.default_rng(0).integers(0, 3, (20000, 4))
    many[:, 1] = np.arange(20000) % 1000
    many[:, 2] = np.arange(20000) % 7
    many = np.unique(many, axis=0)
    cache.insert(many, many[:, 0] * 1000.0 + many[:, 1])
    values, found, _ = cache.lookup(many)
    assert found.all() and len(cache) == len(many) + 3
    _, found, first = cache.lookup(np.array([[0, 1, 2, 3], [0, 1, 2, 4], [0, 1, 2, 3]]))
    assert first.tolist() == [-1, -1, 0] and not found[0]  # the repeat points back
    np.testing.assert_array_equal(values, many[:, 0] * 1000.0 + many[:, 1])
    with pytest.raises(ShapeError, match="outside"):
        cache.insert(np.array([[3, 0, 0, 0]]), np.array([1.0]))
    assert len(cache) == len(many) + 3  # nothing stored from the bad batch
    c = _core.IndexCacheC128([4, 4])
    c.insert(np.array([[1, 2]]), np.array([1 + 2j]))
    assert c.lookup(np.array([[1, 2]]))[0][0] == 1 + 2j


def test_cross_function_on_a_grid():
    grids = [np.linspace(0, 1, 9), np.linspace(-1, 2, 7), np.linspace(0, 3, 8)]
    func = lambda p: np.sin(p[:, 0] + p[:, 1]) * np.exp(-p[:, 2])  # noqa: E731
    res = lorank.tt.cross_function(func, grids, rtol=1e-10, rng=0)
    mesh = np.meshgrid(*grids, indexing="ij")
    dense = np.sin(mesh[0] + mesh[1]) * np.exp(-mesh[2])
    np.testing.assert_allclose(res.tt.full(), dense, atol=1e-9)
    assert res.tt.ranks == (1, 2, 1, 1)  # sin(a + b) has rank 2
    with pytest.raises(ShapeError, match="grids"):
        lorank.tt.cross_function(func, [np.zeros(0)])


def test_cross_map_of_trains():
    shape = (6, 5, 7, 4)
    grids = [np.linspace(0.5, 1.5, n) for n in shape]
    x = lorank.tt.cross_function(lambda p: p.sum(axis=1), grids, rtol=1e-12, rng=0).tt
    y = lorank.tt.cross_function(lambda p: p.prod(axis=1), grids, rtol=1e-12, rng=0).tt
    inv = lorank.tt.cross_map(lambda a: 1.0 / a, x, rtol=1e-10, rng=0)
    np.testing.assert_allclose(inv.tt.full(), 1.0 / x.full(), rtol=1e-8)
    both = lorank.tt.cross_map(lambda a, b: np.exp(-a) * b, [x, y], rtol=1e-10, rng=0)
    np.testing.assert_allclose(both.tt.full(), np.exp(-x.full()) * y.full(), atol=1e-9)
    with pytest.raises(ShapeError, match="one shape"):
        lorank.tt.cross_map(np.exp, [x, lorank.tt.ones((6, 5, 7, 3))])
    with pytest.raises(ShapeError, match="TT"):
        lorank.tt.cross_map(np.exp, [])


def test_oracle_asks_a_repeated_index_once():
    from lorank.tt._oracle import Oracle

    rec = Recorder(inverse_sum)
    oracle = Oracle(rec, (5, 5, 5), max_evals=None, cache=True, who="cross")
    idx = np.array([[1, 2, 3], [0, 0, 0], [1, 2, 3], [4, 4, 4], [0, 0, 0]])
    np.testing.assert_allclose(oracle(idx), inverse_sum(idx))
    assert sorted(rec.asked) == [(0, 0, 0), (1, 2, 3), (4, 4, 4)] and oracle.n_evals == 3
    np.testing.assert_allclose(oracle(idx[::-1]), inverse_sum(idx[::-1]))
    assert len(rec.asked) == 3  # all cached now


def test_compiled_greedy_agrees_with_its_python_twin(monkeypatch):
    import lorank.tt._cross as cross_module

    x = lorank.tt.random((5, 6, 4, 7, 5), [1, 2, 3, 3, 2, 1], rng=4)
    dense = dense_of(inverse_sum, (7,) * 6)
    results = {}
    for compiled in (True, False):
        monkeypatch.setattr(cross_module, "COMPILED_GREEDY", compiled)
        exact = lorank.tt.cross(x.at, x.shape, rtol=1e-10, rng=0)
        np.testing.assert_allclose(exact.tt.full(), x.full(), atol=1e-9 * np.abs(x.full()).max())
        smooth = lorank.tt.cross(inverse_sum, (7,) * 6, rtol=1e-8, rng=0)
        err = np.linalg.norm(smooth.tt.full() - dense) / np.linalg.norm(dense)
        assert smooth.converged and err <= 3e-8
        results[compiled] = smooth.n_evals
    # Different random start columns, the same algorithm: similar work.
    assert 0.7 <= results[True] / results[False] <= 1.4


def test_compiled_greedy_state_machine_rejects_bad_use():
    from lorank import _core

    with pytest.raises(ShapeError, match="2 modes"):
        _core.GreedyCross([5], [0], 0.0)
    with pytest.raises(ShapeError, match="outside"):
        _core.GreedyCross([5, 5], [0, 7], 0.0)
    g = _core.GreedyCross([3, 4], [1, 2], 0.0)
    assert g.pending_rows() == 3 + 4
    with pytest.raises(ShapeError, match="expected 7 values"):
        g.feed(np.ones(3))
    with pytest.raises(lorank.errors.LorankError, match="pending"):
        g.begin_sweep([0], 4)


@pytest.mark.parametrize("method", ["greedy", "maxvol", "amen", "dmrg"])
def test_modes_of_size_one(method):
    shape = (1, 5, 1, 6, 1)
    res = lorank.tt.cross(inverse_sum, shape, rtol=1e-10, rng=0, method=method)
    dense = dense_of(inverse_sum, shape)
    assert res.tt.shape == shape and res.converged
    np.testing.assert_allclose(res.tt.full(), dense, atol=1e-10)
    single = lorank.tt.cross(lambda idx: np.full(len(idx), 2.5), (1, 1, 1), method=method)
    assert single.n_evals == 1 and single.tt.full().item() == 2.5
    if method == "maxvol":  # x0 loses its size-1 modes the same way
        x0 = lorank.TT.from_dense(dense, rtol=1e-12)
        warm = lorank.tt.cross(inverse_sum, shape, rtol=1e-10, rng=0, method=method, x0=x0)
        np.testing.assert_allclose(warm.tt.full(), dense, atol=1e-10)
