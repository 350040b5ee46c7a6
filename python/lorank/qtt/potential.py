# SPDX-License-Identifier: MIT
"""Volume potentials u = G * f on a uniform grid by FFT with the Vico-Greengard-Ferrando
truncated kernels (Vico, Greengard, Ferrando, J. Comput. Phys. 323, 2016; used in the tensor
solver of Khrulkov, Rakhuba, Oseledets, "Vico-Greengard-Ferrando quadratures in the tensor
solver for integral equations", 2017).

A source f supported in the box [a, b]^d of side L only meets the kernel at distances below
sqrt(d) L, so G may be cut off at R = sqrt(d) L without changing u in the box. The cut-off
kernel has an analytic, smooth Fourier transform (:mod:`lorank.qtt._vgf_kernels`); sampled
on a grid oversampled s = 4 times (period s L >= R + L, so its periodic images miss the box)
and transformed back, it gives a discrete kernel whose aperiodic convolution with the samples
of f is spectrally accurate: the error is that of the trapezoidal rule for a smooth f, not
the O(h^2) of a discretized singular kernel.

Precompute (once per grid): the discrete kernel at offsets 0..n per axis and the transform of
its 2n-circulant. Both are even in every axis, so both are DCT-I transforms of the nonnegative
frequency quadrant (about 8x fewer points than the complex FFT of the full (sn)^d grid, and
pruned to the n + 1 outputs needed after each axis). Apply: one forward and one inverse FFT
of size (2n)^d, real-to-complex for a real kernel and source, skipping the zero padding on the
way in and the discarded half on the way out. Cost O((2n)^d log n) per apply, O((2n)^d)
memory; precompute O((sn/2)^d log n) time in slabs of O((sn/2)(n + 1)^(d-1)) memory.

Grid: x_j = a + j h, h = (b - a) / n, j = 0..n-1 on every axis; f must be (numerically) zero
near the faces of the box, and its potential is returned on the same grid.
"""

from __future__ import annotations

import math
import numbers
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.fft as sfft

from lorank._device import array_module, is_cupy
from lorank._validation import check_finite
from lorank.errors import ArgumentError, ShapeError
from lorank.qtt._vgf_kernels import truncated_transform

__all__ = ["VolumePotential", "newton_potential"]

_SLAB_BYTES = 64 << 20  # precompute works on slabs of about this size


@dataclass(frozen=True)
class VolumePotential:
    """The convolution u = G * f with a free-space Green's function on an n^d grid.

    Call it (or :meth:`apply`) on an array of shape (n,) * dim. ``precompute_seconds`` is
    the wall time the kernel took to build.
    """

    dim: int
    n: int
    domain: tuple[float, float]
    wavenumber: float
    radius: float
    precompute_seconds: float
    workers: int | None
    spectrum: np.ndarray = field(repr=False)
    _gpu_spectra: dict[int, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def h(self) -> float:
        """The grid step (b - a) / n."""
        return (self.domain[1] - self.domain[0]) / self.n

    @property
    def kernel(self) -> str:
        return "laplace" if self.wavenumber == 0.0 else "helmholtz"

    def grid(self) -> np.ndarray:
        """The n grid coordinates of each axis, a + j h."""
        return self.domain[0] + self.h * np.arange(self.n)

    def apply(self, f: Any) -> Any:
        """The potential of the source samples f (shape (n,) * dim) on the same grid. A CuPy
        array is transformed on its GPU by cuFFT (the spectrum is copied there once)."""
        gpu = is_cupy(f)
        xp = array_module(f)
        a = f if gpu else np.asarray(f)
        if a.shape != (self.n,) * self.dim:
            msg = f"VolumePotential: source must have shape {(self.n,) * self.dim}, got {a.shape}"
            raise ShapeError(msg)
        if a.dtype.kind not in "biufc":
            msg = f"VolumePotential: source must be numeric, got dtype {a.dtype}"
            raise ArgumentError(msg)
        check_finite(a, "VolumePotential", "source")
        if gpu:
            import cupyx.scipy.fft as fft_module

            options: dict[str, Any] = {}
            spectrum = self._device_spectrum(xp)
        else:
            fft_module, options, spectrum = sfft, {"workers": self.workers}, self.spectrum
        run = (fft_module, options, spectrum)
        if np.iscomplexobj(self.spectrum):
            return self._apply_complex(a.astype(np.complex128, copy=False), *run)
        if a.dtype.kind == "c":  # a real kernel acts on both parts apart
            return self._apply_real(a.real.astype(np.float64), *run) + 1j * self._apply_real(
                a.imag.astype(np.float64), *run)
        return self._apply_real(a.astype(np.float64, copy=False), *run)

    __call__ = apply

    def _device_spectrum(self, xp: Any) -> Any:
        dev = xp.cuda.Device().id
        if dev not in self._gpu_spectra:
            self._gpu_spectra[dev] = xp.asarray(self.spectrum)
        return self._gpu_spectra[dev]

    def _apply_real(self, f: Any, mod: Any, kw: dict[str, Any], spectrum: Any) -> Any:
        n, d = self.n, self.dim
        big = mod.rfft(f, n=2 * n, axis=d - 1, **kw)  # zero padding implied by n=2n
        for ax in range(d - 2, -1, -1):
            big = mod.fft(big, n=2 * n, axis=ax, overwrite_x=True, **kw)
        big *= spectrum
        for ax in range(d - 1):
            big = _head(mod.ifft(big, axis=ax, overwrite_x=True, **kw), ax, n)
        return _head(mod.irfft(big, n=2 * n, axis=d - 1, **kw), d - 1, n)

    def _apply_complex(self, f: Any, mod: Any, kw: dict[str, Any], spectrum: Any) -> Any:
        n, d = self.n, self.dim
        big = f
        for ax in range(d - 1, -1, -1):
            big = mod.fft(big, n=2 * n, axis=ax, **kw)
        big *= spectrum
        for ax in range(d):
            big = _head(mod.ifft(big, axis=ax, overwrite_x=True, **kw), ax, n)
        return big


def _head(a: np.ndarray, axis: int, n: int) -> np.ndarray:
    return a[(slice(None),) * axis + (slice(0, n),)]


def _mirror(a: np.ndarray, axis: int, n: int) -> np.ndarray:
    """Extend values at q = 0..n of an even 2n-periodic sequence to q = 0..2n-1."""
    tail = np.flip(a[(slice(None),) * axis + (slice(1, n),)], axis=axis)
    return np.concatenate([a, tail], axis=axis)


def _check(n: Any, dim: Any, domain: Any, wavenumber: Any, oversample: Any) -> tuple:
    for name, v, low in (("n", n, 2), ("dim", dim, 2), ("oversample", oversample, 3)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < low:
            msg = f"newton_potential: {name} must be an integer >= {low}, got {v!r}"
            raise ArgumentError(msg)
    if dim not in (2, 3):
        msg = f"newton_potential: dim must be 2 or 3, got {dim}"
        raise ArgumentError(msg)
    try:
        a, b = (float(v) for v in domain)
    except (TypeError, ValueError):
        msg = f"newton_potential: domain must be a pair (a, b), got {domain!r}"
        raise ArgumentError(msg) from None
    if not (math.isfinite(a) and math.isfinite(b) and b > a):
        msg = f"newton_potential: domain must be finite with b > a, got {domain!r}"
        raise ArgumentError(msg)
    if isinstance(wavenumber, bool) or not isinstance(wavenumber, numbers.Real) or not (
            math.isfinite(wavenumber) and wavenumber >= 0):
        msg = f"newton_potential: wavenumber must be a finite real >= 0, got {wavenumber!r}"
        raise ArgumentError(msg)
    h = (b - a) / n
    if wavenumber >= math.pi / h:
        msg = (f"newton_potential: wavenumber {wavenumber} is not resolved by the grid "
               f"(needs < pi / h = {math.pi / h:.6g}; use a finer grid)")
        raise ArgumentError(msg)
    return int(n), int(dim), (a, b), float(wavenumber), int(oversample)


def newton_potential(n: int, *, dim: int = 3, domain: tuple[float, float] = (-1.0, 1.0),
                     wavenumber: float = 0.0, oversample: int = 4,
                     workers: int | None = None) -> VolumePotential:
    """The free-space potential operator on the n^dim grid of ``domain^dim`` (see module).

    ``wavenumber == 0`` gives the Laplace kernels 1/(4 pi r) (3-D) and -log(r)/(2 pi) (2-D),
    so u solves -Laplace(u) = f; ``wavenumber = a > 0`` gives the outgoing Helmholtz kernels
    exp(i a r)/(4 pi r) and (i/4) H0^(1)(a r), so (Laplace + a^2) u = -f. ``a`` must be
    below pi / h. ``oversample`` (>= 3; 4 as in Vico et al.) sets the precompute grid;
    ``workers`` is passed to scipy.fft.

    Accuracy on a 3-D Gaussian exp(-|x|^2/0.15^2) on [-1, 1]^3: relative max error about
    1e-9 at n = 32 and 1e-15 at n = 64 (tests/test_qtt_potential.py).
    """
    n, dim, domain, wavenumber, oversample = _check(n, dim, domain, wavenumber, oversample)
    t0 = time.perf_counter()
    side = domain[1] - domain[0]
    radius = math.sqrt(dim) * side
    h = side / n
    offsets = _kernel_offsets(n, dim, h, oversample, wavenumber, radius, workers)
    spectrum = offsets
    for ax in range(dim):  # the 2n-circulant's DFT: DCT-I of its even half
        spectrum = sfft.dct(spectrum, type=1, axis=ax, workers=workers)
    # rfft layout (full first axes, half last axis) for a real kernel, full for a complex one
    for ax in range(dim if np.iscomplexobj(spectrum) else dim - 1):
        spectrum = _mirror(spectrum, ax, n)
    spectrum = np.ascontiguousarray(spectrum)
    return VolumePotential(dim, n, domain, wavenumber, radius, time.perf_counter() - t0,
                           workers, spectrum)


def _kernel_offsets(n: int, dim: int, h: float, oversample: int, wavenumber: float,
                    radius: float, workers: int | None) -> np.ndarray:
    """The discrete kernel g at offsets (0..n)^dim: the inverse DFT of the truncated
    transform sampled at the (oversample n)^dim frequencies 2 pi j / (oversample n h),
    computed as DCT-I transforms of the nonnegative quadrant, pruned after each axis."""
    big = oversample * n + (oversample * n) % 2  # even: the DCT-I form needs the Nyquist term
    half = big // 2
    k_sq = (2.0 * math.pi / (big * h) * np.arange(half + 1)) ** 2
    dtype = np.float64 if wavenumber == 0.0 else np.complex128
    out = np.empty((half + 1,) + (n + 1,) * (dim - 1), dtype=dtype)
    plane = (half + 1) ** (dim - 1) * np.dtype(dtype).itemsize * 2
    step = max(1, _SLAB_BYTES // plane)
    for start in range(0, half + 1, step):
        rows = slice(start, min(start + step, half + 1))
        ksq = k_sq[rows].reshape((-1,) + (1,) * (dim - 1))
        for ax in range(1, dim):
            ksq = ksq + k_sq.reshape((1,) * ax + (-1,) + (1,) * (dim - 1 - ax))
        slab = truncated_transform(np.sqrt(ksq), dim, wavenumber, radius)
        for ax in range(1, dim):
            slab = _head(sfft.dct(slab, type=1, axis=ax, workers=workers), ax, n + 1)
        out[rows] = slab
    out = _head(sfft.dct(out, type=1, axis=0, workers=workers), 0, n + 1)
    return out / float(big) ** dim
