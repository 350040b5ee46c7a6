# SPDX-License-Identifier: MIT
"""Mean-field (Hartree/VSCF) product states against dense diagonalization."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import models, solve
from lorank.errors import ArgumentError


def _hermitian(rng, n, complex_=False):
    m = rng.standard_normal((n, n))
    if complex_:
        m = m + 1j * rng.standard_normal((n, n))
    return m + m.conj().T


def _dense(terms, shape):
    """sum_t c_t kron(O_t^1, ..., O_t^d) with identities on absent modes."""
    total = 0
    for c, factors in terms:
        mat = np.ones((1, 1))
        for k, n in enumerate(shape):
            mat = np.kron(mat, factors.get(k, np.eye(n)))
        total = total + c * mat
    return total


def _assert_self_consistent(dense, shape, state):
    """Each factor of the product `state` is the lowest eigenvector of its mode's operator
    averaged over the other factors (the Hartree fixed point), from the dense matrix."""
    factors = [c.reshape(-1) for c in state.cores]
    d = len(shape)
    t = dense.reshape(tuple(shape) * 2)
    for k in range(d):
        others = [j for j in range(d) if j != k]
        p = factors[others[0]]
        for j in others[1:]:
            p = np.kron(p, factors[j])
        blocks = t.transpose(others + [k] + [d + j for j in others] + [d + k])
        blocks = blocks.reshape(p.size, shape[k], p.size, shape[k])
        h = np.einsum("a,aibj,b->ij", p.conj(), blocks, p)
        u = np.linalg.eigh(h)[1]
        assert abs(abs(np.vdot(u[:, 0], factors[k])) - 1) < 1e-6


def _operator(terms, shape):
    return models.sum_of_products(shape, terms, who="test")


def test_separable_operator_gives_exact_eigenpairs(rng):
    shape = (4, 5, 3)
    terms = [(1.0, {k: _hermitian(rng, n)}) for k, n in enumerate(shape)]
    a, dense = _operator(terms, shape), _dense(terms, shape)
    states, energies = solve.product_states(a, 7)
    exact = np.linalg.eigvalsh(dense)[:7]
    np.testing.assert_allclose(energies, exact, atol=1e-10)
    for x, e in zip(states, energies):
        v = x.full().ravel()
        assert x.ranks == (1, 1, 1, 1) and abs(np.linalg.norm(v) - 1) < 1e-12
        assert np.linalg.norm(dense @ v - e * v) < 1e-9


@pytest.mark.parametrize("complex_", [False, True])
def test_coupled_operator_mean_field_is_variational_and_self_consistent(rng, complex_):
    shape = (3, 4, 3, 2)
    terms = [(1.0, {k: _hermitian(rng, n, complex_)}) for k, n in enumerate(shape)]
    terms += [(0.1, {k: _hermitian(rng, shape[k]), k + 1: _hermitian(rng, shape[k + 1])})
              for k in range(3)]
    a, dense = _operator(terms, shape), _dense(terms, shape)
    states, energies = solve.product_states(a, 3, sweeps=20)
    v = states[0].full().ravel()
    rayleigh = np.vdot(v, dense @ v).real
    assert abs(energies[0] - rayleigh) < 1e-10  # the estimate is the state's own energy
    assert rayleigh >= np.linalg.eigvalsh(dense)[0] - 1e-12  # and an upper bound
    _assert_self_consistent(dense, shape, states[0])
    assert np.all(np.diff(energies) >= 0)


def test_states_in_other_wells_join_the_configurations():
    # lam = 0.3 on a 10-point grid: the cubic term opens valleys at the grid's edge holding
    # the true ground state and the fourth level, far from the central well where the
    # mean field from uniform functions settles (its configurations miss both: overlaps
    # 0.15 and 0.02 with the span of six of them)
    h = models.henon_heiles(3, 10, lam=0.3)
    dense = h.full()
    w, v = np.linalg.eigh(dense)
    states, energies = solve.product_states(h, 6, sweeps=5)
    vecs = np.array([x.full().ravel() for x in states])
    for level in (0, 3):
        overlaps = np.abs(vecs.conj() @ v[:, level])
        best = int(np.argmax(overlaps))
        assert overlaps[best] > 0.98
        x = vecs[best]
        assert abs(energies[best] - np.vdot(x, dense @ x).real) < 1e-10  # its own energy
        _assert_self_consistent(dense, (10, 10, 10), states[best])  # a mean-field solution
    assert np.all(np.diff(energies) >= 0)
    res = solve.eigsh(h, 6, method="block", rtol=1e-7)
    np.testing.assert_allclose(res.values, w[:6], atol=1e-10)


def test_diagonal_minima_are_fiber_minima_of_the_dense_diagonal():
    from lorank.solve.product_start import _diagonal_minima

    h = models.henon_heiles(3, 10, lam=0.3)
    diag = np.diagonal(h.full()).real.reshape(10, 10, 10)
    minima = _diagonal_minima([np.asarray(c) for c in h.cores], [5, 5, 5], 50)
    assert minima and (5, 5, 5) not in minima
    values = [diag[t] for t in minima]
    assert values == sorted(values)
    for t in minima:  # each index is the smallest entry along its fiber
        for j in range(3):
            fiber = diag[t[:j] + (slice(None),) + t[j + 1:]]
            assert diag[t] <= fiber.min() + 1e-12
    assert values[0] == pytest.approx(diag.min())  # here the descent reaches the global minimum


def test_eigsh_product_and_random_starts_agree():
    a = models.henon_heiles(3, 8, quartic=True)
    exact = np.linalg.eigvalsh(a.full())[:6]
    for start in ("product", "random", "auto"):
        res = solve.eigsh(a, 6, method="block", start=start, rtol=1e-8, max_rank=30, rng=1)
        np.testing.assert_allclose(res.values, exact, atol=1e-10)


def test_bad_input():
    h = models.heisenberg(4)
    with pytest.raises(ArgumentError, match="exceeds the dimension"):
        solve.product_states(h, 17)
    with pytest.raises(ArgumentError, match="sweeps"):
        solve.product_states(h, 2, sweeps=0)
    upper = lorank.TTMatrix.from_dense(np.triu(np.ones((16, 16))), (4, 4), (4, 4))
    with pytest.raises(ArgumentError, match="Hermitian"):
        solve.product_states(upper)
    with pytest.raises(TypeError, match="TTMatrix"):
        solve.product_states(h.full())
    with pytest.raises(ArgumentError, match="start"):
        solve.eigsh(h, 2, start="vscf")
