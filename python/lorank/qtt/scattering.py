# SPDX-License-Identifier: MIT
"""The Lippmann-Schwinger equation of acoustic scattering by a smooth contrast, solved by
GMRES on the FFT convolution with the Vico-Greengard-Ferrando Helmholtz kernel.

A field u with (Laplace + k^2 (1 + q(x))) u = 0, u = u_inc + u_sc and u_sc outgoing, solves

    u - k^2 G_k * (q u) = u_inc,     G_k(r) = exp(i k r) / (4 pi r)  (3-D),  (i/4) H0(k r)  (2-D),

an integral equation of the second kind whose operator is a compact perturbation of the
identity: GMRES converges in a number of iterations set by k and the size of q, not by the
grid. Each iteration is one apply of :class:`lorank.qtt.VolumePotential`, O(n^d log n).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import linalg as spla

from lorank._validation import check_finite
from lorank.errors import ArgumentError, ShapeError
from lorank.qtt.potential import newton_potential

__all__ = ["ScatteringResult", "lippmann_schwinger"]


@dataclass
class ScatteringResult:
    """Total field ``u`` on the grid, GMRES iterations, whether it met rtol, the relative
    residual after each iteration, and the grid coordinates of each axis."""

    u: np.ndarray
    n_iter: int
    converged: bool
    residuals: list[float] = field(default_factory=list)
    grid: np.ndarray | None = None


def lippmann_schwinger(contrast: Any, incident: Any, wavenumber: float, *,
                       domain: tuple[float, float] = (-1.0, 1.0), rtol: float = 1e-10,
                       maxiter: int = 200, restart: int = 50) -> ScatteringResult:
    """Solve u - k^2 G_k * (q u) = u_inc on the n^d grid of ``domain^d`` (d = 2 or 3).

    ``contrast`` q and ``incident`` u_inc are arrays of shape (n,) * d sampled at the grid
    points a + j h, h = (b - a) / n; q must vanish (numerically) near the faces of the box.
    ``rtol``: GMRES relative residual; ``restart``: its Krylov subspace size; ``maxiter``:
    the most restart cycles. Returns a :class:`ScatteringResult` (``converged`` False if
    GMRES stopped short of rtol). Cost per iteration: one FFT convolution, O(n^d log n).
    """
    q = np.asarray(contrast)
    u_inc = np.asarray(incident)
    if q.ndim not in (2, 3) or len(set(q.shape)) != 1:
        msg = f"lippmann_schwinger: contrast must be an n x n or n x n x n array, got {q.shape}"
        raise ShapeError(msg)
    if u_inc.shape != q.shape:
        msg = f"lippmann_schwinger: incident field shape {u_inc.shape} differs from {q.shape}"
        raise ShapeError(msg)
    check_finite(q, "lippmann_schwinger", "contrast")
    check_finite(u_inc, "lippmann_schwinger", "incident field")
    if not (isinstance(wavenumber, (int, float)) and wavenumber > 0):
        msg = f"lippmann_schwinger: wavenumber must be a positive number, got {wavenumber!r}"
        raise ArgumentError(msg)
    n, dim = q.shape[0], q.ndim
    op = newton_potential(n, dim=dim, domain=domain, wavenumber=float(wavenumber))
    k2 = float(wavenumber) ** 2
    size = q.size

    def apply(v: np.ndarray) -> np.ndarray:
        field_ = v.reshape(q.shape)
        return (field_ - k2 * op(q * field_)).reshape(-1)

    a = spla.LinearOperator((size, size), matvec=apply, dtype=np.complex128)
    residuals: list[float] = []
    b = u_inc.astype(np.complex128).reshape(-1)
    sol, info = spla.gmres(a, b, rtol=rtol, atol=0.0, restart=restart, maxiter=maxiter,
                           callback=residuals.append, callback_type="pr_norm")
    return ScatteringResult(sol.reshape(q.shape), len(residuals), info == 0, residuals,
                            op.grid())
