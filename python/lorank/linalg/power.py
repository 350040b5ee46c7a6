# SPDX-License-Identifier: MIT
"""Power iteration (dominant eigenpair) and block power iteration for dominant singular
subspaces (two-sided, i.e. alternating least squares for the best rank-r approximation)."""

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
    start_vector,
    warn_unconverged,
)
from lorank.linalg._results import EigResult, SVDResult
from lorank.linalg.operators import as_operator

__all__ = ["block_power_svd", "power_iteration"]


def power_iteration(
    A: Any, *, rtol: float = 1e-6, maxiter: int = 1000, x0: Any = None, rng: Any = None,
) -> EigResult:
    """Dominant eigenpair of a square operator: ``x <- A x / ||A x||``.

    Stops when ``||A x - lambda x|| <= rtol |lambda|`` with the Rayleigh quotient
    ``lambda = x^H A x``. Converges at the rate |lambda_2 / lambda_1| per product (for a
    diagonalizable A with a unique dominant eigenvalue). One product per iteration.
    """
    who = "power_iteration"
    op = as_operator(A, who, square=True)
    rtol = check_tol(rtol, who)
    maxiter = check_count(maxiter, "maxiter", who)
    xp = op.xp
    x = start_vector(op, op.shape[0], x0, generator(rng), who)
    history, lam, resid = [], 0.0, np.inf
    for it in range(1, maxiter + 1):
        op.iteration = it
        y = op.matmat(x)
        lam = complex(xp.vdot(x, y)) if op.dtype.kind == "c" else float(xp.dot(x, y))
        resid = float(xp.linalg.norm(y - lam * x))
        history.append(resid / abs(lam) if lam != 0 else np.inf)
        if resid <= rtol * abs(lam):
            break
        nrm = float(xp.linalg.norm(y))
        if nrm == 0.0:  # A x = 0: the dominant eigenvalue seen from x is 0
            break
        x = y / nrm
    converged = resid <= rtol * abs(lam)
    if not converged:
        warn_unconverged(who, maxiter, history[-1], rtol)
    return EigResult(xp.asarray([lam]), x[:, None], op.n_matvecs, converged,
                     np.asarray([resid]), tuple(history))


def block_power_svd(
    A: Any, rank: int, *, rtol: float = 1e-8, maxiter: int = 500, rng: Any = None,
) -> SVDResult:
    """Dominant rank-r singular subspaces by the two-sided block power method:
    ``V <- orth(A^H U)``, ``U <- orth(A V)``, which is alternating least squares for
    ``min ||A - X Y^H||`` read as a subspace correction (Oseledets, Rakhuba, Uschmajew).

    Each sweep (one block product with A^H and one with A) contracts the tangent of the
    largest angle between span(U) and the dominant left singular subspace by
    ``(s_{r+1} / s_r)^2`` asymptotically. Stops when the triplets of the small SVD of
    ``U^H A V`` have ``||A v - s u|| <= rtol s_1`` (``A^H u = s v`` holds by construction).

    History: the largest relative residual after each sweep.

    Reference: I. Oseledets, M. Rakhuba, A. Uschmajew, "Alternating least squares as moving
    subspace correction", SIAM J. Numer. Anal. 56(6), 2018.
    """
    who = "block_power_svd"
    op = as_operator(A, who)
    m, n = op.shape
    rank = check_count(rank, "rank", who, high=min(m, n))
    rtol = check_tol(rtol, who)
    maxiter = check_count(maxiter, "maxiter", who)
    xp = op.xp
    u = orth(op.matmat(random_vectors(op, n, rank, generator(rng))), xp)
    history: list[float] = []
    for it in range(1, maxiter + 1):
        op.iteration = it
        w = op.rmatmat(u)  # A^H U = V (U^H A V)^H
        v = orth(w, xp)
        av = op.matmat(v)
        core = u.conj().T @ av  # U^H A V (r x r)
        cu, s, cvh = np.linalg.svd(host(core))
        # Residuals of the Ritz triplets (U cu, s, V cvh^H) on the A side: on the A^H side
        # they vanish by construction (A^H U = V (U^H A V)^H).
        resid = xp.linalg.norm(av @ xp.asarray(cvh.conj().T) - u @ xp.asarray(cu * s), axis=0)
        resid = host(resid)
        history.append(float(resid.max() / s[0]) if s[0] > 0 else 0.0)
        u_new = orth(av, xp)
        if history[-1] <= rtol:
            break
        u = u_new
    converged = history[-1] <= rtol
    if not converged:
        warn_unconverged(who, maxiter, history[-1], rtol)
    return SVDResult(u @ xp.asarray(cu), xp.asarray(s), (v @ xp.asarray(cvh.conj().T)).conj().T,
                     op.n_matvecs, converged, resid, tuple(history))
