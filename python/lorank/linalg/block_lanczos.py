# SPDX-License-Identifier: MIT
"""Block Golub-Kahan-Lanczos with thick restart: the largest singular triplets from products
with blocks of b vectors (Golub, Luk, Overton, "A block Lanczos method for computing the
singular values and corresponding singular vectors of a matrix", ACM TOMS 7(2), 1981).

The block relations A P = Q B and A^H Q = P B^H + P_next S E^T hold with B block upper
bidiagonal (an arrow after a restart), built from the projection coefficients as in
:func:`lorank.linalg.lanczos_svd`; every block is orthogonalized in full (two passes) and
split by a thin QR. A block finds a singular value of multiplicity up to b in one Krylov
space, where the one-vector recurrence sees one copy per restart, and works with BLAS-3
products (one call to ``A @ X`` per block: one operator application for a layer, a
convolution, a TT-matrix).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lorank.linalg._krylov_basis import (
    check_count,
    check_tol,
    generator,
    host,
    orth,
    random_vectors,
)
from lorank.linalg._results import SVDResult
from lorank.linalg.lanczos import lanczos_svd, ritz_triplets, thick_restart
from lorank.linalg.operators import as_operator

__all__ = ["block_lanczos_svd"]


def _next_block(w: Any, basis: Any, xp: Any, scale: float, op: Any,
                gen: np.random.Generator) -> tuple[Any, np.ndarray, Any]:
    """Orthonormal block spanning w minus its projection on ``basis`` (two passes), the
    triangular factor R (w = basis C + block R), and C. Directions lost to cancellation
    (R's diagonal below 1e3 eps scale) are replaced by random ones orthogonal to both."""
    coeff = xp.zeros((basis.shape[1], w.shape[1]), dtype=w.dtype)
    for _ in range(2):
        if basis.shape[1]:
            h = basis.conj().T @ w
            w = w - basis @ h
            coeff = coeff + h
    q, r = xp.linalg.qr(w)
    r = host(r)
    lost = np.abs(np.diag(r)) <= 1e3 * np.finfo(op.dtype).eps * max(scale, np.finfo(float).tiny)
    if lost.any():
        fresh = random_vectors(op, w.shape[0], int(lost.sum()), gen)
        both = xp.concatenate([basis, q[:, ~xp.asarray(lost)]], axis=1)
        for _ in range(2):
            fresh = fresh - both @ (both.conj().T @ fresh)
        q = q.copy()
        q[:, xp.asarray(lost)] = orth(fresh, xp)
        r[lost, :] = 0.0
    return q, r, coeff


def block_lanczos_svd(
    A: Any, k: int = 1, *, block_size: int | None = None, rtol: float = 1e-8,
    maxiter: int = 1000, ncv: int | None = None, rng: Any = None,
) -> SVDResult:
    """The k largest singular triplets of A by thick-restart block Golub-Kahan-Lanczos.

    Parameters
    ----------
    A : array, sparse matrix, LinearOperator (with rmatvec), TTMatrix or Conv2dOperator
    k : int
        Triplets wanted, 1 <= k <= min(A.shape).
    block_size : int, optional
        Vectors per block b (the largest multiplicity found at once); default min(k, 8),
        at least 2.
    rtol : float in (0, 1)
        Stop when every wanted triplet has ``||A^H u - s v|| <= rtol * s_1``.
    maxiter : int
        Most restarts.
    ncv : int, optional
        Basis size (rounded down to a multiple of b, at least k + b); default
        max(2k + 10, 4b, 20). An operator too small for that (min(A.shape) below k + b
        rounded up to blocks) is handed to :func:`lanczos_svd`.

    Returns
    -------
    SVDResult (``n_matvecs`` counts products with A and with A^H, one per column).

    Notes
    -----
    Per restart cycle: ncv products with A and with A^H in blocks of b, O((m + n) ncv^2)
    for the orthogonalization, an ncv x ncv SVD per block step.
    """
    who = "block_lanczos_svd"
    op = as_operator(A, who)
    m, n = op.shape
    dim = min(m, n)
    k = check_count(k, "k", who, high=dim)
    rtol = check_tol(rtol, who)
    maxiter = check_count(maxiter, "maxiter", who)
    default_b = min(max(k, 2), 8, dim)
    b = default_b if block_size is None else check_count(block_size, "block_size", who, high=dim)
    wanted = max(2 * k + 10, 4 * b, 20) if ncv is None else check_count(ncv, "ncv", who, high=dim)
    # whole blocks, and room for the wanted triplets plus one block at a restart
    size = max(min(wanted, dim) // b * b, -(-(k + b) // b) * b)
    gen = generator(rng)
    if size > dim // b * b:  # too small an operator for blocks of b: one vector at a time
        return lanczos_svd(op, k, rtol=rtol, maxiter=maxiter, rng=gen)
    xp = op.xp
    p_basis = xp.zeros((n, size + b), dtype=op.dtype, order="F")
    q_basis = xp.zeros((m, size), dtype=op.dtype, order="F")
    bmat = np.zeros((size, size), dtype=op.dtype)
    p_basis[:, :b] = orth(random_vectors(op, n, b, gen), xp)
    start, scale, history = 0, 0.0, []
    for restart in range(1, maxiter + 1):
        for col in range(start, size, b):
            op.iteration = restart
            end = col + b
            q, r, c = _next_block(op.matmat(p_basis[:, col:end]), q_basis[:, :col], xp, scale,
                                  op, gen)
            q_basis[:, col:end] = q
            bmat[:col, col:end] = host(c)
            bmat[col:end, col:end] = r
            scale = max(scale, float(np.abs(r).max()))
            p, s_block, _ = _next_block(op.rmatmat(q), p_basis[:, :end], xp, scale, op, gen)
            p_basis[:, end : end + b] = p
            scale = max(scale, float(np.abs(s_block).max()))
            if end >= k:
                u, s, vh = np.linalg.svd(bmat[:end, :end])
                resid = np.linalg.norm(s_block @ u[col:end, :k], axis=0)
                worst = float(resid.max() / s[0]) if s[0] > 0 else 0.0
                if worst <= rtol:
                    break
        history.append(worst)
        if worst <= rtol or restart == maxiter:
            break
        # Thick restart: the wanted triplets and about half of the others, then the
        # residual block, leaving room for whole blocks.
        start = size - b * max(1, (size - k) // (2 * b))  # >= k since size >= k + b
        thick_restart(p_basis, q_basis, bmat, start, b, xp)
    return ritz_triplets(op, p_basis, q_basis, (u, s, vh), k, resid, tuple(history), rtol, who,
                         restart)
