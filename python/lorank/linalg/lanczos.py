# SPDX-License-Identifier: MIT
"""Thick-restart Lanczos: symmetric eigenpairs (:func:`lanczos_eigsh`) and singular triplets
by Golub-Kahan bidiagonalization (:func:`lanczos_svd`), with full reorthogonalization.

Both keep the Krylov relation with a small dense projected matrix whose entries are the
computed projection coefficients (so it stays exact after a restart, when it is an arrow
rather than tridiagonal or bidiagonal): A V = V T + r e^T, resp. A P = Q B and
A^H Q = P B^H + r e^T. A restart keeps the wanted Ritz vectors and a few more plus the
residual direction (Wu and Simon's thick restart; Baglama and Reichel's augmentation for the
bidiagonal case), so no implicit QR shifts are needed.

References: K. Wu, H. Simon, "Thick-restart Lanczos method for large symmetric eigenvalue
problems", SIAM J. Matrix Anal. Appl. 22(2), 2000. J. Baglama, L. Reichel, "Augmented
implicitly restarted Lanczos bidiagonalization methods", SIAM J. Sci. Comput. 27(1), 2005.
G. Golub, W. Kahan, SIAM J. Numer. Anal. 2(2), 1965.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lorank.errors import ArgumentError
from lorank.linalg._krylov_basis import (
    check_count,
    check_tol,
    generator,
    host,
    next_direction,
    start_vector,
    warn_unconverged,
)
from lorank.linalg._results import EigResult, SVDResult
from lorank.linalg.operators import as_operator

__all__ = ["lanczos_eigsh", "lanczos_svd"]

_WHICH = ("LM", "LA", "SA")


def _basis_size(ncv: Any, k: int, dim: int, who: str) -> int:
    if ncv is None:
        return min(dim, max(2 * k + 10, 20))
    return check_count(ncv, "ncv", who, low=min(k + 1, dim), high=dim)


def lanczos_svd(
    A: Any, k: int = 1, *, rtol: float = 1e-8, maxiter: int = 1000, ncv: int | None = None,
    v0: Any = None, rng: Any = None,
) -> SVDResult:
    """The k largest singular triplets of A by thick-restart Golub-Kahan-Lanczos.

    Parameters
    ----------
    A : array, sparse matrix, LinearOperator (with rmatvec), TTMatrix or Conv2dOperator
    k : int
        Triplets wanted, 1 <= k <= min(A.shape).
    rtol : float in (0, 1)
        Stop when every wanted triplet has ``||A^H u - s v|| <= rtol * s_1`` (then each s is
        within ``rtol^2 s_1^2 / gap`` of a singular value, and ``A v = s u`` exactly).
    maxiter : int
        Most restarts.
    ncv : int, optional
        Basis size, ``k < ncv <= min(A.shape)``; default ``max(2k + 10, 20)``.
    v0 : array (n,), optional
        Starting right vector; default Gaussian from ``rng``.

    Returns
    -------
    SVDResult
        ``n_matvecs`` counts products with A and A^H (one each per Lanczos step).

    Notes
    -----
    Cost per restart cycle: ncv products with A and with A^H, O((m + n) ncv^2) for the
    reorthogonalization, an ncv x ncv SVD. For float64 NumPy arrays, SciPy sparse matrices
    and :class:`Conv2dOperator` layers the whole loop runs in C++
    (``lorank::krylov::lanczos_svd``, the GIL released); every other operator runs the same
    algorithm in Python over its products.
    """
    who = "lanczos_svd"
    op = as_operator(A, who)
    m, n = op.shape
    k = check_count(k, "k", who, high=min(m, n))
    rtol = check_tol(rtol, who)
    maxiter = check_count(maxiter, "maxiter", who)
    size = _basis_size(ncv, k, min(m, n), who)
    gen = generator(rng)
    start_vec = start_vector(op, n, v0, gen, who)
    if op.native is not None:  # float64 dense, CSR or convolution: the loop runs in C++
        return _compiled_svd(op, start_vec, k, rtol, maxiter, size, int(gen.integers(2**62)))
    return _gkl(op, start_vec, k, rtol, maxiter, size, gen)


def _compiled_svd(op: Any, v0: Any, k: int, rtol: float, maxiter: int, size: int,
                  seed: int) -> SVDResult:
    from lorank import _core

    kind, data = op.native
    if kind == "dense":
        got = _core.lanczos_svd_dense(data, v0, k, rtol, maxiter, size, seed)
    elif kind == "ttmatrix":  # cores balanced by powers of two, the scale put back after
        from lorank._pow2 import balanced_cores

        cores, exponent = balanced_cores(list(data.cores), np)
        got = list(_core.lanczos_svd_ttm([np.ascontiguousarray(c) for c in cores],
                                         list(data.row_shape), list(data.col_shape), v0, k, rtol,
                                         maxiter, size, seed))
        scale = float(np.ldexp(1.0, int(exponent)))
        got[1], got[5] = got[1] * scale, got[5] * scale  # singular values and residuals
    elif kind == "conv":
        (sh, sw), (ph, pw) = data.stride, data.pad
        _, h, w = data.input_shape
        got = _core.lanczos_svd_conv(np.ascontiguousarray(data.kernel), h, w, sh, sw, ph, pw,
                                     data.padding == "circular", v0, k, rtol, maxiter, size, seed)
    else:
        got = _core.lanczos_svd_csr(data.indptr.astype(np.int64), data.indices.astype(np.int64),
                                    data.data, op.shape[0], op.shape[1], v0, k, rtol, maxiter,
                                    size, seed)
    u, s, vt, n_matvecs, converged, resid, history = got
    if not converged:
        warn_unconverged("lanczos_svd", len(history), float(history[-1]), rtol)
    return SVDResult(u, s, vt, int(n_matvecs), bool(converged), resid, tuple(history.tolist()))


def _gkl(op: Any, start_vec: Any, k: int, rtol: float, maxiter: int, size: int,
         gen: np.random.Generator) -> SVDResult:
    """The Golub-Kahan-Lanczos loop over any operator (the twin of the compiled loop)."""
    who = "lanczos_svd"
    m, n = op.shape
    xp = op.xp
    p_basis = xp.zeros((n, size + 1), dtype=op.dtype, order="F")  # contiguous columns
    q_basis = xp.zeros((m, size), dtype=op.dtype, order="F")
    b = np.zeros((size, size), dtype=op.dtype)
    p_basis[:, 0] = start_vec
    start, scale, history = 0, 0.0, []
    for restart in range(1, maxiter + 1):
        for j in range(start, size):
            op.iteration = restart
            q, alpha, c = next_direction(op.matmat(p_basis[:, j]), q_basis[:, :j], xp, scale, op, gen)
            b[:j, j] = host(c)
            b[j, j] = alpha
            q_basis[:, j] = q
            scale = max(scale, alpha)
            p, beta, _ = next_direction(op.rmatmat(q), p_basis[:, : j + 1], xp, scale, op, gen)
            p_basis[:, j + 1] = p
            scale = max(scale, beta)
            if j + 1 >= k:  # Ritz triplets of the basis so far: stop as soon as they converge
                u, s, vh = np.linalg.svd(b[: j + 1, : j + 1])
                resid = beta * np.abs(u[j, :k])
                worst = float(resid.max() / s[0]) if s[0] > 0 else 0.0
                if worst <= rtol:
                    break
        history.append(worst)
        if worst <= rtol or restart == maxiter:
            break
        # Thick restart: the wanted triplets, half of the others, and the residual direction.
        start = min(size - 1, k + (size - k) // 2)
        thick_restart(p_basis, q_basis, b, start, 1, xp)
    return ritz_triplets(op, p_basis, q_basis, (u, s, vh), k, resid, tuple(history), rtol, who,
                         restart)


def thick_restart(p_basis: Any, q_basis: Any, b: np.ndarray, keep: int, width: int,
                  xp: Any) -> None:
    """Restart A P = Q B in place on the first ``keep`` Ritz triplets of B (size x size):
    P and Q rotated onto them, B their singular values, the residual block (``width``
    columns after the basis) moved next to them."""
    size = b.shape[0]
    u, s, vh = np.linalg.svd(b)
    p_basis[:, :keep] = p_basis[:, :size] @ xp.asarray(vh[:keep].conj().T)
    p_basis[:, keep : keep + width] = p_basis[:, size : size + width]
    q_basis[:, :keep] = q_basis @ xp.asarray(u[:, :keep])
    b[:] = 0
    b[np.arange(keep), np.arange(keep)] = s[:keep]


def ritz_triplets(op: Any, p_basis: Any, q_basis: Any, svd: tuple[Any, Any, Any], k: int,
                  resid: Any, history: tuple[float, ...], rtol: float, who: str,
                  restarts: int) -> SVDResult:
    """The k leading Ritz triplets from the SVD (u, s, vh) of the projected matrix of the
    basis in use when the loop stopped, with a ConvergenceWarning when the worst relative
    residual (the last of ``history``) is above rtol."""
    u, s, vh = svd
    converged = history[-1] <= rtol
    if not converged:
        warn_unconverged(who, restarts, history[-1], rtol)
    used = u.shape[0]  # the basis size when it stopped
    uk = q_basis[:, :used] @ op.xp.asarray(u[:, :k])
    vk = p_basis[:, :used] @ op.xp.asarray(vh[:k].conj().T)
    return SVDResult(uk, op.xp.asarray(s[:k]), vk.conj().T, op.n_matvecs, converged, resid,
                     history)


def _order(theta: np.ndarray, which: str) -> np.ndarray:
    if which == "LM":
        return np.argsort(-np.abs(theta), kind="stable")
    if which == "LA":
        return np.argsort(-theta, kind="stable")
    return np.argsort(theta, kind="stable")


def lanczos_eigsh(
    A: Any, k: int = 1, *, which: str = "LM", rtol: float = 1e-8, maxiter: int = 1000,
    ncv: int | None = None, v0: Any = None, rng: Any = None,
) -> EigResult:
    """The k extreme eigenpairs of a Hermitian operator by thick-restart Lanczos.

    Parameters
    ----------
    A : square Hermitian operator (array, sparse matrix, LinearOperator, TTMatrix)
        Only products ``A x`` are used; A is assumed Hermitian (not checked).
    k : int
        Pairs wanted, 1 <= k <= n.
    which : {'LM', 'LA', 'SA'}
        Largest magnitude, largest algebraic, smallest algebraic.
    rtol : float in (0, 1)
        Stop when every wanted pair has ``||A v - lambda v|| <= rtol * max|lambda|``.
    maxiter, ncv, v0, rng
        As for :func:`lanczos_svd`.

    Notes
    -----
    Cost per restart cycle: ncv products, O(n ncv^2) for reorthogonalization, an ncv x ncv
    Hermitian eigendecomposition. For float64 NumPy arrays and SciPy sparse matrices the
    loop runs in C++ (``lorank::krylov::lanczos_eigsh``); other operators run its Python
    twin.
    """
    who = "lanczos_eigsh"
    op = as_operator(A, who, square=True)
    n = op.shape[0]
    k = check_count(k, "k", who, high=n)
    if which not in _WHICH:
        msg = f"{who}: which must be one of {_WHICH}, got {which!r}"
        raise ArgumentError(msg)
    rtol = check_tol(rtol, who)
    maxiter = check_count(maxiter, "maxiter", who)
    size = _basis_size(ncv, k, n, who)
    gen = generator(rng)
    start_vec = start_vector(op, n, v0, gen, who)
    if op.native is not None and op.native[0] in ("dense", "csr"):  # the loop runs in C++
        return _compiled_eigsh(op, start_vec, k, which, rtol, maxiter, size,
                               int(gen.integers(2**62)))
    return _lanczos(op, start_vec, k, which, rtol, maxiter, size, gen)


def _compiled_eigsh(op: Any, v0: Any, k: int, which: str, rtol: float, maxiter: int,
                    size: int, seed: int) -> EigResult:
    from lorank import _core

    kind, data = op.native
    if kind == "dense":
        got = _core.lanczos_eigsh_dense(data, v0, k, which, rtol, maxiter, size, seed)
    else:
        got = _core.lanczos_eigsh_csr(data.indptr.astype(np.int64), data.indices.astype(np.int64),
                                      data.data, op.shape[0], op.shape[1], v0, k, which, rtol,
                                      maxiter, size, seed)
    values, vectors, n_matvecs, converged, resid, history = got
    if not converged:
        warn_unconverged("lanczos_eigsh", len(history), float(history[-1]), rtol)
    return EigResult(values, vectors, int(n_matvecs), bool(converged), resid,
                     tuple(history.tolist()))


def _lanczos(op: Any, start_vec: Any, k: int, which: str, rtol: float, maxiter: int,
             size: int, gen: np.random.Generator) -> EigResult:
    """The Lanczos loop over any operator (the twin of the compiled loop)."""
    who = "lanczos_eigsh"
    n = op.shape[0]
    xp = op.xp
    basis = xp.zeros((n, size + 1), dtype=op.dtype, order="F")  # contiguous columns
    t = np.zeros((size, size), dtype=op.dtype)
    basis[:, 0] = start_vec
    start, scale, history = 0, 0.0, []
    for restart in range(1, maxiter + 1):
        for j in range(start, size):
            op.iteration = restart
            w, beta, h = next_direction(op.matmat(basis[:, j]), basis[:, : j + 1], xp, scale,
                                        op, gen)
            h = host(h)
            t[: j + 1, j] = h
            t[j, : j + 1] = h.conj()
            t[j, j] = h[j].real
            basis[:, j + 1] = w
            scale = max(scale, beta, float(np.abs(h).max()))
            if j + 1 >= k:  # Ritz pairs of the basis so far: stop as soon as they converge
                theta, s = np.linalg.eigh(t[: j + 1, : j + 1])
                order = _order(theta, which)
                resid = beta * np.abs(s[j, order[:k]])
                top = float(np.abs(theta).max())
                worst = float(resid.max() / top) if top > 0 else 0.0
                if worst <= rtol:
                    break
        history.append(worst)
        if worst <= rtol or restart == maxiter:
            break
        keep = min(size - 1, k + (size - k) // 2)
        chosen = order[:keep]
        basis[:, :keep] = basis[:, :size] @ xp.asarray(s[:, chosen])
        basis[:, keep] = basis[:, size]
        t[:] = 0
        t[np.arange(keep), np.arange(keep)] = theta[chosen]
        start = keep
    converged = worst <= rtol
    if not converged:
        warn_unconverged(who, restart, worst, rtol)
    vectors = basis[:, : s.shape[0]] @ xp.asarray(s[:, order[:k]])
    return EigResult(xp.asarray(theta[order[:k]]), vectors, op.n_matvecs, converged, resid,
                     tuple(history))
