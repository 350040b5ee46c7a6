# SPDX-License-Identifier: MIT
"""Problem generators against dense operators built independently with numpy.kron."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from lorank import models
from lorank.errors import ArgumentError, ShapeError

SX = np.array([[0.0, 1.0], [1.0, 0.0]]) / 2
SY = np.array([[0.0, -1j], [1j, 0.0]]) / 2
SZ = np.diag([0.5, -0.5])


def embed(ops: dict[int, np.ndarray], dims: list[int]) -> np.ndarray:
    return functools.reduce(np.kron, [ops.get(k, np.eye(n)) for k, n in enumerate(dims)])


def test_heisenberg_matches_dense_sum():
    L, delta, field = 6, 0.7, 0.3
    dims = [2] * L
    h = sum(embed({i: s, i + 1: s}, dims) * c for i in range(L - 1)
            for s, c in ((SX, 1.0), (SY, 1.0), (SZ, delta)))
    h = h - field * sum(embed({i: SZ}, dims) for i in range(L))
    a = models.heisenberg(L, delta=delta, field=field)
    assert a.ranks == (1, 5, 5, 5, 5, 5, 1)
    np.testing.assert_allclose(a.full(), h.real, atol=1e-13)
    assert abs(h.imag).max() == 0


def test_heisenberg_reference_energy_l10():
    e0 = np.linalg.eigvalsh(models.heisenberg(10).full())[0]
    assert abs(e0 - (-4.258035207282886)) < 1e-11


def test_ising_ground_energy_closed_form():
    L, h, J = 8, 0.7, 1.3
    dense = models.ising(L, h=h, J=J).full()
    z, x = 2 * SZ, 2 * SX
    ref = -J * sum(embed({i: z, i + 1: z}, [2] * L) for i in range(L - 1)) \
        - h * sum(embed({i: x}, [2] * L) for i in range(L))
    np.testing.assert_allclose(dense, ref, atol=1e-13)
    # free fermions: E0 = -sum of the singular values of the bidiagonal coupling matrix
    b = np.diag([h] * L) + np.diag([J] * (L - 1), 1)
    assert abs(np.linalg.eigvalsh(dense)[0] + np.linalg.svd(b, compute_uv=False).sum()) < 1e-11


def test_hermite_dvr_reproduces_the_oscillator():
    q, t = models.hermite_dvr(30)
    vals = np.linalg.eigvalsh(t + np.diag(q**2 / 2))
    np.testing.assert_allclose(vals[:10], np.arange(10) + 0.5, atol=1e-12)
    np.testing.assert_allclose(t, t.T, atol=1e-14)


@pytest.mark.parametrize("quartic", [False, True])
def test_henon_heiles_matches_dense(quartic):
    d, n, lam = 3, 5, 0.2
    q, t = models.hermite_dvr(n)
    grid = np.meshgrid(*[q] * d, indexing="ij")
    v = sum(g**2 / 2 for g in grid)
    for k in range(d - 1):
        v = v + lam * (grid[k] ** 2 * grid[k + 1] - grid[k + 1] ** 3 / 3)
        if quartic:
            v = v + lam**2 / 16 * (grid[k] ** 2 + grid[k + 1] ** 2) ** 2
    kin = sum(embed({k: t}, [n] * d) for k in range(d))
    ref = kin + np.diag(v.ravel())
    a = models.henon_heiles(d, n, lam=lam, quartic=quartic)
    np.testing.assert_allclose(a.full(), ref, atol=1e-12)


def test_quartic_force_field_matches_dense(tmp_path):
    text = """# toy field
Modes: 3
 0 100.0 4
 1 200.0 4
 2 50.0 4
Force_constants: 4
 3 0 0 1 -12.0
 3 1 2 2 7.5
 4 0 0 2 2 3.0
 4 1 1 1 1 1.25
"""
    path = tmp_path / "toy.txt"
    path.write_text(text)
    n = 4
    big = models.oscillator_position(n + 4)

    def qp(p):  # exact matrix elements of q^p on n states
        return np.linalg.matrix_power(big, p)[:n, :n]

    dims = [n] * 3
    ref = sum(w * embed({i: np.diag(np.arange(n) + 0.5)}, dims) for i, w in enumerate((100.0, 200.0, 50.0)))
    ref = ref - 12.0 / 2 * embed({0: qp(2), 1: qp(1)}, dims)
    ref = ref + 7.5 / 2 * embed({1: qp(1), 2: qp(2)}, dims)
    ref = ref + 3.0 / 4 * embed({0: qp(2), 2: qp(2)}, dims)
    ref = ref + 1.25 / 24 * embed({1: qp(4)}, dims)
    np.testing.assert_allclose(models.quartic_force_field(path, n).full(), ref, atol=1e-10)


def test_ch3cn_data_ships_with_the_package():
    field = models.load_force_field()
    assert field.omega.shape == (12,) and len(field.terms) == 299
    zpe, levels = models.ch3cn_levels()
    assert zpe == 9837.41 and levels.size == 69 and np.all(np.diff(levels) >= 0)
    h = models.quartic_force_field(None, 3)
    assert h.row_shape == (3,) * 12 and max(h.ranks) < 40


def test_laplace_eigenvalues_closed_form():
    a = models.laplace((4, 5, 3))
    vals = np.linalg.eigvalsh(a.full())[:8]
    np.testing.assert_allclose(vals, models.laplace_eigenvalues((4, 5, 3), 8), rtol=1e-12)
    pot = [np.linspace(0, 1, 4), np.zeros(5), np.ones(3)]
    b = models.laplace((4, 5, 3), potential=pot).full()
    np.testing.assert_allclose(b - a.full(), np.diag(functools.reduce(
        lambda u, w: np.add.outer(u, w).ravel(), pot)), atol=1e-10)


def test_bad_input():
    with pytest.raises(ArgumentError, match="L must be"):
        models.heisenberg(1)
    with pytest.raises(ArgumentError, match="delta"):
        models.heisenberg(4, delta=float("nan"))
    with pytest.raises(ArgumentError, match="n must be"):
        models.henon_heiles(3, 1)
    with pytest.raises(ShapeError, match="n_basis needs 12"):
        models.quartic_force_field(None, [4, 4])
    with pytest.raises(ShapeError, match="cannot parse"):
        models.load_force_field(__file__)
    with pytest.raises(ShapeError, match="factor on mode 2"):
        models.sum_of_products([2, 2, 2], [(1.0, {2: np.eye(3)})], who="test")
    with pytest.raises(ShapeError, match="potential"):
        models.laplace((3, 3), potential=[np.zeros(3)])
