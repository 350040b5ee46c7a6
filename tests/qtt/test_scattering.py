# SPDX-License-Identifier: MIT
"""Lippmann-Schwinger scattering by a radial contrast, against the radial ODE solved by
solve_ivp (the l = 0 partial wave, an independent computation)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special
from scipy.integrate import solve_ivp

from lorank import qtt
from lorank.errors import ArgumentError, ShapeError

K, Q0, S = 8.0, 0.5, 0.2


def _q(r):
    return Q0 * np.exp(-((r / S) ** 2))


def _radial_solution(dim, rs):
    """u = v / (alpha + i beta) where v is the regular radial solution and v = alpha J + beta
    Y outside the contrast (J, Y the regular and singular l = 0 waves): then u - J is
    outgoing."""
    r0, r1 = 1e-6, 1.2
    if dim == 3:  # w = r v: w'' + k^2 (1 + q) w = 0
        def rhs(r, y):
            return [y[1], -(K**2) * (1 + _q(r)) * y[0]]
        y0 = [r0, 1.0]
        j, yv = (lambda r: np.sin(K * r) / (K * r)), (lambda r: -np.cos(K * r) / (K * r))
        dj = lambda r: np.cos(K * r) / r - np.sin(K * r) / (K * r * r)  # noqa: E731
        dy = lambda r: np.sin(K * r) / r + np.cos(K * r) / (K * r * r)  # noqa: E731
    else:  # v'' + v'/r + k^2 (1 + q) v = 0
        def rhs(r, y):
            return [y[1], -y[1] / r - (K**2) * (1 + _q(r)) * y[0]]
        c = K**2 * (1 + Q0)
        y0 = [1 - c * r0**2 / 4, -c * r0 / 2]
        j, yv = (lambda r: special.j0(K * r)), (lambda r: special.y0(K * r))
        dj, dy = (lambda r: -K * special.j1(K * r)), (lambda r: -K * special.y1(K * r))
    sol = solve_ivp(rhs, (r0, r1), y0, rtol=1e-13, atol=1e-15, method="DOP853", dense_output=True)
    v, dv = sol.y[:, -1]
    if dim == 3:
        v, dv = v / r1, dv / r1 - v / r1**2
    # solve [j y; j' y'] [alpha, beta] = [v, v']
    alpha, beta = np.linalg.solve([[j(r1), yv(r1)], [dj(r1), dy(r1)]], [v, dv])
    vals = sol.sol(rs)[0] / (rs if dim == 3 else 1.0)
    return vals / (alpha + 1j * beta)


@pytest.mark.parametrize(("dim", "n", "tol"), [(3, 32, 1e-8), (2, 64, 1e-9)])
def test_lippmann_schwinger_matches_the_radial_ode(dim, n, tol):
    x = -1 + 2 / n * np.arange(n)
    mesh = np.meshgrid(*([x] * dim), indexing="ij")
    r = np.sqrt(sum(m**2 for m in mesh))
    rr = np.where(r == 0, 1.0, r)
    u_inc = np.where(r == 0, 1.0, np.sin(K * rr) / (K * rr)) if dim == 3 else special.j0(K * r)
    res = qtt.lippmann_schwinger(_q(r), u_inc, K, rtol=1e-12)
    assert res.converged and res.n_iter < 30 and res.residuals[-1] <= 1e-12
    idx = [(n // 2 + j,) + (n // 2,) * (dim - 1) for j in (1, 3, 6, n // 4, n // 2 - 2)]
    got = np.array([res.u[i] for i in idx])
    want = _radial_solution(dim, np.array([r[i] for i in idx]))
    assert np.abs(got - want).max() <= tol * np.abs(want).max()
    # the scattered field is not small: the test would see a wrong kernel
    assert np.abs(got - np.array([u_inc[i] for i in idx])).max() > 0.05


def test_lippmann_schwinger_refuses_bad_input():
    q = np.zeros((8, 8))
    with pytest.raises(ShapeError):
        qtt.lippmann_schwinger(q, np.zeros((8, 9)), 1.0)
    with pytest.raises(ShapeError):
        qtt.lippmann_schwinger(np.zeros(8), np.zeros(8), 1.0)
    with pytest.raises(ArgumentError):
        qtt.lippmann_schwinger(q, q, -1.0)
