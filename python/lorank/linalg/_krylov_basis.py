# SPDX-License-Identifier: MIT
"""Building blocks of the Lanczos solvers: argument checks, starting vectors, and
orthogonalization of a new vector against a basis (classical Gram-Schmidt, twice)."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, ConvergenceWarning


def check_count(value: Any, name: str, who: str, low: int = 1, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low \
            or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        msg = f"{who}: {name} must be an integer {bound}, got {value!r}"
        raise ArgumentError(msg)
    return int(value)


def check_tol(rtol: Any, who: str) -> float:
    if isinstance(rtol, bool) or not isinstance(rtol, numbers.Real) or not 0.0 < rtol < 1.0:
        msg = f"{who}: rtol must be in (0, 1), got {rtol!r}"
        raise ArgumentError(msg)
    return float(rtol)


def generator(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    msg = f"rng must be None, an int or a numpy.random.Generator, got {type(rng).__name__}"
    raise ArgumentError(msg)


def random_vectors(op: Any, rows: int, cols: int, rng: np.random.Generator) -> Any:
    """Gaussian block (rows x cols) in the operator's dtype and array module."""
    g = rng.standard_normal((rows, cols))
    if op.dtype.kind == "c":
        g = g + 1j * rng.standard_normal((rows, cols))
    return op.xp.asarray(g.astype(op.dtype))


def start_vector(op: Any, n: int, x0: Any, rng: np.random.Generator, who: str) -> Any:
    if x0 is None:
        v = random_vectors(op, n, 1, rng)[:, 0]
    else:
        v = op.xp.asarray(x0).astype(op.dtype).ravel()
        if v.shape[0] != n:
            msg = f"{who}: x0 must have {n} entries, got {v.shape[0]}"
            raise ArgumentError(msg)
    nrm = float(op.xp.linalg.norm(v))
    if not (nrm > 0 and np.isfinite(nrm)):
        msg = f"{who}: x0 must be finite and nonzero"
        raise ArgumentError(msg)
    return v / nrm


def orthogonalize(v: Any, basis: Any, xp: Any) -> tuple[Any, Any]:
    """v minus its projection on the orthonormal columns of `basis` (two passes, enough for
    orthogonality to working accuracy), and the projection coefficients."""
    if basis.shape[1] == 0:
        return v, xp.zeros(0, dtype=v.dtype)
    h = basis.conj().T @ v
    v = v - basis @ h
    h2 = basis.conj().T @ v
    return v - basis @ h2, h + h2


def next_direction(v: Any, basis: Any, xp: Any, scale: float, op: Any,
                   rng: np.random.Generator) -> tuple[Any, float, Any]:
    """Orthogonalize v against `basis`; return (unit vector, its norm before scaling, the
    coefficients). Where v lies in the span (norm below 1e3 eps scale), the norm is 0 and
    the unit vector a random one orthogonal to the basis (the Krylov space was invariant)."""
    w, h = orthogonalize(v, basis, xp)
    nrm = float(xp.linalg.norm(w))
    if nrm > 1e3 * np.finfo(op.dtype).eps * max(scale, np.finfo(float).tiny):
        return w / nrm, nrm, h
    if basis.shape[1] >= basis.shape[0]:
        return xp.zeros_like(w), 0.0, h
    w, _ = orthogonalize(random_vectors(op, v.shape[0], 1, rng)[:, 0], basis, xp)
    return w / float(xp.linalg.norm(w)), 0.0, h


def orth(a: Any, xp: Any) -> Any:
    """An orthonormal basis of a's columns (thin QR)."""
    q, _ = xp.linalg.qr(a)
    return q


def host(a: Any) -> np.ndarray:
    return a.get() if hasattr(a, "get") else np.asarray(a)


def warn_unconverged(who: str, n_restarts: int, worst: float, rtol: float) -> None:
    msg = (f"{who}: not converged after {n_restarts} restarts (largest relative residual "
           f"{worst:.2e} > rtol {rtol:.1e}); results returned with converged=False")
    warnings.warn(msg, ConvergenceWarning, stacklevel=3)
