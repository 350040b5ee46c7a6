# SPDX-License-Identifier: MIT
"""Vico-Greengard-Ferrando volume potentials: the truncated kernels' transforms against
quadrature of their radial integrals, and potentials of Gaussians against the closed form
(3-D Laplace) or radial quadrature (2-D, Helmholtz)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, special

from lorank import qtt
from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.qtt import newton_potential
from lorank.qtt._vgf_kernels import truncated_transform

SIGMA = 0.15


def _quad(fn, a, b, points=None):
    opts = {"limit": 400, "epsabs": 1e-15, "epsrel": 1e-13, "points": points}
    with warnings.catch_warnings():  # quad warns when 1e-13 is out of reach; we compare anyway
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        return (integrate.quad(lambda r: fn(r).real, a, b, **opts)[0]
                + 1j * integrate.quad(lambda r: np.imag(fn(r)), a, b, **opts)[0])


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("a", [0.0, 3.0])
def test_truncated_transforms_match_radial_quadrature(dim, a):
    radius = 2.7
    for k in [0.0, 0.7, 2.9, a + 1e-3, 5.5, 17.3]:
        if dim == 3:  # int_0^R G(r) sinc(kr) 4 pi r^2 dr
            def g(r, k=k):
                return np.exp(1j * a * r) * np.sinc(k * r / np.pi) * r
        elif a == 0.0:  # int_0^R G(r) J0(kr) 2 pi r dr
            def g(r, k=k):
                return -np.log(r) * special.j0(k * r) * r + 0j
        else:
            def g(r, k=k):
                return 0.5j * np.pi * special.hankel1(0, a * r) * special.j0(k * r) * r
        want = _quad(g, 0.0, radius)
        got = truncated_transform(np.array(k), dim, a, radius)
        assert abs(got - want) <= 1e-11 * abs(want), (k, got, want)


def test_transform_is_continuous_through_the_resonance():
    a, radius = 3.0, 2.7
    k = a + np.array([-1e-6, -1e-9, 0.0, 1e-9, 1e-6])
    for dim in (2, 3):
        v = truncated_transform(k, dim, a, radius)
        assert np.all(np.isfinite(v))
        assert np.abs(v - v[2]).max() <= 1e-5 * abs(v[2])


def _gaussian(op):
    x = op.grid()
    mesh = np.meshgrid(*([x] * op.dim), indexing="ij")
    r = np.sqrt(sum(m**2 for m in mesh))
    return r, np.exp(-(r**2) / SIGMA**2)


def _newton_gaussian_3d(r):
    """u = G * exp(-|x|^2/s^2) for G = 1/(4 pi r): (pi^1.5 s^3 / 4 pi) erf(r/s) / r."""
    rs = np.where(r == 0, 1.0, r)
    return np.where(r == 0, SIGMA**2 / 2,
                    math.pi**1.5 * SIGMA**3 / (4 * math.pi) * special.erf(rs / SIGMA) / rs)


@pytest.mark.parametrize(("n", "tol"), [(32, 5e-9), (64, 1e-14)])
def test_newton_potential_of_a_gaussian_matches_the_closed_form(n, tol):
    op = newton_potential(n)
    r, f = _gaussian(op)
    want = _newton_gaussian_3d(r)
    err = np.abs(op(f) - want).max() / np.abs(want).max()
    assert err < tol
    assert op.kernel == "laplace" and op.radius == pytest.approx(2 * math.sqrt(3))


def test_a_naive_periodic_kernel_misses_by_percents():
    """The test's power: the plain 1/k^2 kernel on the padded grid is far off (VGF's point)."""
    n = 32
    op = newton_potential(n)
    r, f = _gaussian(op)
    k = 2 * np.pi * np.fft.fftfreq(2 * n, d=op.h)
    ksq = sum(np.meshgrid(k**2, k**2, k**2, indexing="ij"))
    spec = np.where(ksq == 0, 0.0, 1.0 / np.where(ksq == 0, 1.0, ksq))
    naive = np.fft.ifftn(spec * np.fft.fftn(f, s=(2 * n,) * 3, axes=(0, 1, 2)))[:n, :n, :n].real
    want = _newton_gaussian_3d(r)
    assert np.abs(naive - want).max() / np.abs(want).max() > 1e-2


def _radial_reference(dim, a, r):
    """u(r) of the Gaussian by quadrature of the angular-averaged kernel over shells s."""
    def avg(s):  # mean of G(|x - y|) over |y| = s times the shell measure
        lo, hi = min(r, s), max(r, s)
        if dim == 3:
            shell = 4 * math.pi * s * s
            if a == 0.0:
                return shell / (4 * math.pi * hi) + 0j
            return shell * np.exp(1j * a * hi) * np.sin(a * lo) / (4 * math.pi * a * lo * hi)
        shell = 2 * math.pi * s
        if a == 0.0:
            return -shell * np.log(hi) / (2 * math.pi) + 0j
        return shell * 0.25j * special.j0(a * lo) * special.hankel1(0, a * hi)

    return _quad(lambda s: math.exp(-(s**2) / SIGMA**2) * avg(s), 1e-12, 1.5, points=[r])


@pytest.mark.parametrize(("dim", "a", "n"), [(2, 0.0, 64), (2, 10.0, 64), (3, 10.0, 48)])
def test_potentials_match_radial_quadrature(dim, a, n):
    op = newton_potential(n, dim=dim, wavenumber=a)
    _, f = _gaussian(op)
    u = op(f)
    x = op.grid()
    for j in (n // 2 + 1, n // 2 + 5, n // 2 + 12, n - 3):  # points on the first axis
        idx = (j,) + (n // 2,) * (dim - 1)
        want = _radial_reference(dim, a, abs(x[j]))
        scale = abs(_radial_reference(dim, a, abs(x[n // 2 + 1])))
        assert abs(u[idx] - want) <= 1e-10 * scale, (j, u[idx], want)


def test_apply_is_linear_and_takes_complex_sources():
    op = newton_potential(16, dim=2, domain=(0.0, 3.0))
    rng = np.random.default_rng(0)
    f, g = rng.standard_normal((2, 16, 16))
    np.testing.assert_allclose(op(f + 2j * g), op(f) + 2j * op(g), atol=1e-13)
    helm = newton_potential(16, dim=2, domain=(0.0, 3.0), wavenumber=2.0)
    np.testing.assert_allclose(helm(f + 2j * g), helm(f) + 2j * helm(g), atol=1e-13)
    assert helm(f).dtype == np.complex128 and op(f).dtype == np.float64


def test_bad_input_is_refused():
    with pytest.raises(ArgumentError, match="dim"):
        newton_potential(8, dim=4)
    with pytest.raises(ArgumentError, match="not resolved"):
        newton_potential(8, wavenumber=20.0)
    with pytest.raises(ArgumentError, match="domain"):
        newton_potential(8, domain=(1.0, 1.0))
    with pytest.raises(ArgumentError, match="n must"):
        newton_potential(1)
    with pytest.raises(ArgumentError, match="wavenumber"):
        newton_potential(8, wavenumber=float("nan"))
    op = newton_potential(8, dim=2)
    with pytest.raises(ShapeError):
        op(np.ones((8, 9)))
    with pytest.raises(NumericalError):
        op(np.full((8, 8), np.inf))
    with pytest.raises(ArgumentError, match="numeric"):
        op(np.full((8, 8), "a"))


@pytest.mark.parametrize("n", [1024, 4096])
def test_tucker_newton_potential_beyond_memory_matches_the_closed_form(n):
    """n^3 = 1e9 and 7e10 points: only the Tucker path can hold them."""
    x = -1 + 2 / n * np.arange(n)
    g = np.exp(-(x**2) / SIGMA**2)[:, None]
    u = qtt.newton_potential_tucker(np.ones((1, 1, 1)), [g, g, g])
    assert max(u.ranks) <= 24
    rng = np.random.default_rng(n)
    idx = rng.integers(0, n, (300, 3))
    idx[:100] = rng.integers(n // 2 - n // 16, n // 2 + n // 16, (100, 3))  # near the peak
    want = _newton_gaussian_3d(np.sqrt((x[idx] ** 2).sum(axis=1)))
    assert np.abs(u.at(idx) - want).max() <= 1e-9 * SIGMA**2 / 2  # u(0) = sigma^2 / 2


def test_tucker_path_agrees_with_the_dense_vgf_operator():
    n = 48
    op = newton_potential(n)
    x = op.grid()
    u1 = np.stack([np.exp(-((x - 0.1) ** 2) / 0.02), x * np.exp(-(x**2) / 0.03)], axis=1)
    u2 = np.stack([np.exp(-((x + 0.2) ** 2) / 0.04), np.cos(3 * x) * np.exp(-(x**2) / 0.05)], axis=1)
    u3 = np.exp(-(x**2) / 0.03)[:, None]
    core = np.array([[[1.0], [0.5]], [[-0.7], [2.0]]])
    src = qtt.Tucker(core, (u1, u2, u3))
    dense = op(src.full())
    tuck = qtt.newton_potential_tucker(core, [u1, u2, u3]).full()
    assert np.abs(tuck - dense).max() <= 1e-9 * np.abs(dense).max()


def test_tucker_potential_refuses_bad_input():
    g = np.ones((8, 1))
    with pytest.raises(ShapeError):
        qtt.newton_potential_tucker(np.ones((1, 1)), [g, g, g])
    with pytest.raises(ShapeError):
        qtt.newton_potential_tucker(np.ones((1, 1, 1)), [g, g, np.ones((9, 1))])
    with pytest.raises(NumericalError):
        qtt.newton_potential_tucker(np.ones((1, 1, 1)), [g, g, g * np.nan])
    with pytest.raises(ArgumentError):
        qtt.newton_potential_tucker(np.ones((1, 1, 1)), [g, g, g], rtol=2.0)


@pytest.mark.parametrize(("n", "oversample"), [(33, 3), (33, 4), (31, 5)])
def test_odd_grids_and_oversampling(n, oversample):
    op = newton_potential(n, oversample=oversample)
    r, f = _gaussian(op)
    want = _newton_gaussian_3d(r)
    assert np.abs(op(f) - want).max() / np.abs(want).max() < 1e-8
