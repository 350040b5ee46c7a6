# SPDX-License-Identifier: MIT
"""Fourier transforms of free-space Green's functions truncated at radius R (Vico, Greengard,
Ferrando, "Fast convolution with free-space Green's functions", J. Comput. Phys. 323, 2016).

For a radial kernel G(r) cut off at r = R, the d-dimensional transform is a 1-D radial
integral with a closed form:

* 3-D Laplace, G = 1/(4 pi r): (1 - cos kR) / k^2 = 2 sin^2(kR/2) / k^2, R^2/2 at k = 0.
* 2-D Laplace, G = -log(r) / (2 pi): (1 - J0(kR)) / k^2 - R log(R) J1(kR) / k,
  R^2/4 - R^2 log(R)/2 at k = 0.
* 3-D Helmholtz, G = exp(i a r) / (4 pi r): N(k) / (k^2 - a^2) with
  N = 1 - exp(i a R) (cos kR - i a sin(kR) / k).
* 2-D Helmholtz, G = (i/4) H0(a r): N(k) / (k^2 - a^2) with
  N = 1 + (i pi R / 2) (k J1(kR) H0(aR) - a J0(kR) H1(aR)).

The Helmholtz numerators vanish at the resonance k = a; there (|k - a| R < 1e-8) the value is
N'(k) / (k + a), the limit to first order, and elsewhere the closed form loses about
eps / (|k - a| R) relative accuracy: at worst about 1e-8 at a frequency on that thin shell.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_RESONANCE = 1e-8


def truncated_transform(k: np.ndarray, dim: int, wavenumber: float, radius: float) -> np.ndarray:
    """The transform of the kernel truncated at ``radius`` at radial frequencies ``k >= 0``
    (real for Laplace, complex for Helmholtz)."""
    if wavenumber == 0.0:
        return _laplace3(k, radius) if dim == 3 else _laplace2(k, radius)
    return _helmholtz3(k, wavenumber, radius) if dim == 3 else _helmholtz2(k, wavenumber, radius)


def _safe(k: np.ndarray) -> np.ndarray:
    return np.where(k == 0.0, 1.0, k)


def _laplace3(k: np.ndarray, r: float) -> np.ndarray:
    ks = _safe(k)
    return np.where(k == 0.0, 0.5 * r * r, 2.0 * (np.sin(0.5 * r * ks) / ks) ** 2)


def _laplace2(k: np.ndarray, r: float) -> np.ndarray:
    ks = _safe(k)
    x = r * ks
    # (1 - J0(x)) / x^2 by its series where the difference cancels
    x2 = x * x
    series = 0.25 - x2 / 64 + x2 * x2 / 2304 - x2**3 / 147456
    ratio = np.where(x < 0.05, series, (1.0 - special.j0(x)) / np.where(x < 0.05, 1.0, x2))
    val = r * r * ratio - r * np.log(r) * special.j1(x) / ks
    return np.where(k == 0.0, 0.25 * r * r - 0.5 * r * r * np.log(r), val)


def _resonant(k: np.ndarray, a: float, r: float, closed: np.ndarray,
              numerator_slope: np.ndarray) -> np.ndarray:
    near = np.abs(k - a) * r < _RESONANCE
    return np.where(near, numerator_slope / (k + a), closed)


def _helmholtz3(k: np.ndarray, a: float, r: float) -> np.ndarray:
    ks = _safe(k)
    phase = np.exp(1j * a * r)
    sinc_term = np.where(k == 0.0, r, np.sin(r * ks) / ks)  # sin(kR)/k -> R
    num = 1.0 - phase * (np.cos(r * k) - 1j * a * sinc_term)
    den = np.where(np.abs(k - a) * r < _RESONANCE, 1.0, k * k - a * a)
    # N'(k) = -e^{iaR} (-R sin kR - i a (R cos kR / k - sin kR / k^2))
    slope = -phase * (-r * np.sin(r * k) - 1j * a * (r * np.cos(r * ks) / ks - np.sin(r * ks) / ks**2))
    return _resonant(k, a, r, num / den, slope)


def _helmholtz2(k: np.ndarray, a: float, r: float) -> np.ndarray:
    h0, h1 = special.hankel1(0, a * r), special.hankel1(1, a * r)
    x = r * k
    num = 1.0 + 0.5j * np.pi * r * (k * special.j1(x) * h0 - a * special.j0(x) * h1)
    den = np.where(np.abs(k - a) * r < _RESONANCE, 1.0, k * k - a * a)
    slope = 0.5j * np.pi * r * (x * special.j0(x) * h0 + a * r * special.j1(x) * h1)
    return _resonant(k, a, r, num / den, slope)
