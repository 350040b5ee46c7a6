# SPDX-License-Identifier: MIT
"""Jacobi-Davidson and Rayleigh quotient iteration on the manifold of fixed-rank matrices,
for eigenvectors of an operator on ``m x n`` matrices that are (close to) rank r."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.sparse.linalg import LinearOperator, gmres, minres

from lorank.errors import ArgumentError, ConvergenceWarning, ShapeError
from lorank.manifold.fixed_rank import FixedRankMatrix, LowRankPoint, LowRankTangent
from lorank.solve._checks import check_count, check_hermitian, check_tol, square_operator
from lorank.solve._results import EigResult, SweepRecord
from lorank.tt.matrix import TTMatrix

__all__ = ["jacobi_davidson"]

METHODS = ("jd", "rqi")


class _KroneckerSum:
    """A = sum_a B_a (x) C_a acting on X (m x n) as ``sum_a B_a X C_a^T``, kept factored:
    a low-rank pair (P, Q), X = P Q^H, maps to (hstack B_a P, hstack conj(C_a) Q)."""

    def __init__(self, A: TTMatrix) -> None:
        c0, c1 = (np.asarray(c) for c in A.cores)
        self.left = [c0[0, :, :, a] for a in range(c0.shape[3])]
        self.right = [c1[a, :, :, 0].conj() for a in range(c1.shape[0])]

    def apply(self, p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.hstack([b @ p for b in self.left]), np.hstack([c @ q for c in self.right]))


def _pair(x: LowRankPoint, xi: LowRankTangent | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Low-rank factors (P, Q), P Q^H = the point (xi None) or the tangent vector xi at x."""
    if xi is None:
        return x.U @ x.S, x.V
    return np.hstack([x.U @ xi.M + xi.Up, x.U]), np.hstack([x.V, xi.Vp])


def _pair_inner(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> complex:
    """<A, B> = trace(A^H B) for A = P1 Q1^H, B = P2 Q2^H."""
    return complex(np.sum((a[0].conj().T @ b[0]) * (a[1].conj().T @ b[1]).conj()))


def _as_tangent(x: LowRankPoint) -> LowRankTangent:
    r = x.rank
    return LowRankTangent(x.S.copy(), np.zeros((x.U.shape[0], r), x.U.dtype),
                          np.zeros((x.V.shape[0], r), x.V.dtype))


def _flatten(xi: LowRankTangent) -> np.ndarray:
    return np.concatenate([xi.M.ravel(), xi.Up.ravel(), xi.Vp.ravel()])


def _unflatten(v: np.ndarray, x: LowRankPoint) -> LowRankTangent:
    r, m, n = x.rank, x.U.shape[0], x.V.shape[0]
    return LowRankTangent(v[:r * r].reshape(r, r), v[r * r:r * r + m * r].reshape(m, r),
                          v[r * r + m * r:].reshape(n, r))


def jacobi_davidson(
    A: TTMatrix, rank: int, *, x0: LowRankPoint | None = None, method: str = "jd",
    rtol: float = 1e-8, maxiter: int = 50, inner_maxiter: int = 20, max_basis: int = 20,
    rng: Any = None, callback: Callable[[SweepRecord], Any] | None = None,
) -> EigResult:
    """The lowest eigenpair of a Hermitian operator on m x n matrices, with the eigenvector
    sought on the manifold of rank-``rank`` matrices.

    A is a two-mode TT-matrix (row modes (m, n)), i.e. a sum of Kronecker products
    ``sum_a B_a (x) C_a`` acting on X as ``sum_a B_a X C_a^T`` — for instance a 2-D
    Laplacian plus a potential (``lorank.models.laplace((m, n), ...)``,
    ``lorank.models.henon_heiles(2, n)``). Vectors are never formed: products keep the
    factored form, O((m + n) r R) per product.

    ``method='jd'`` (Rakhuba, Oseledets, "Jacobi-Davidson method on low-rank matrix
    manifolds", SIAM J. Sci. Comput. 40(2), A1149-A1170 (2018)): at the point X (unit
    Frobenius norm, Rayleigh quotient theta) the low-rank correction equation
    ``P (A - theta I) P xi = -P (A X - theta X)`` is solved inexactly (``inner_maxiter``
    MINRES steps; GMRES for complex data) for xi in the tangent space at X orthogonal to X,
    where P projects on that space; xi joins a search subspace of tangent vectors (the earlier
    ones carried over by projection onto the new tangent space), the lowest Ritz vector of A
    on span{X, subspace} is computed, and the next point is its best rank-r approximation
    (a retraction). ``'rqi'``: the low-rank Rayleigh quotient iteration of the same paper,
    ``X <- R(X + xi)`` with no subspace (solve the correction accurately: large inner_maxiter).

    Parameters
    ----------
    A : TTMatrix
        Hermitian, two modes.
    rank : int
        Rank r of the eigenvector matrix.
    x0 : LowRankPoint, optional
        Start (default random).
    rtol : float
        Stop when the Riemannian gradient ``||P_T(A X) - theta X|| <= rtol * max(1, |theta|)``.
    maxiter, inner_maxiter, max_basis : int
        Outer iterations, Krylov steps per correction, subspace size before a restart.
    callback : called with a SweepRecord per iteration (``sweep`` = iteration); True stops.

    Returns
    -------
    EigResult
        ``vectors[0]`` is the LowRankPoint; ``residuals[0]`` is the full residual
        ``||A X - theta X||_F`` (computed in factored form, not just its tangent part).
    """
    who = "solve.jacobi_davidson"
    shape = square_operator(A, who)
    if len(shape) != 2:
        msg = f"{who}: A must have two modes (an operator on m x n matrices), got {len(shape)}"
        raise ShapeError(msg)
    m, n = shape
    rank = check_count(rank, "rank", who, 1)
    if rank > min(m, n):
        msg = f"{who}: rank = {rank} exceeds min(m, n) = {min(m, n)}"
        raise ArgumentError(msg)
    if method not in METHODS:
        msg = f"{who}: method must be one of {METHODS}, got {method!r}"
        raise ArgumentError(msg)
    rtol = check_tol(rtol, who)
    maxiter = check_count(maxiter, "maxiter", who, 1)
    inner_maxiter = check_count(inner_maxiter, "inner_maxiter", who, 1)
    max_basis = check_count(max_basis, "max_basis", who, 2)
    check_hermitian(A, who)
    dtype = np.result_type(A.dtype, np.float64)
    manifold = FixedRankMatrix(m, n, rank, dtype=dtype)
    if x0 is None:
        x = manifold.random_point(rng=rng)
    else:
        if not isinstance(x0, LowRankPoint) or x0.shape != (m, n) or x0.rank != rank:
            msg = f"{who}: x0 must be a LowRankPoint of shape {(m, n)} and rank {rank}"
            raise ArgumentError(msg)
        x = x0
    x = LowRankPoint(x.U, x.S / np.linalg.norm(x.S), x.V)
    op = _KroneckerSum(A)
    start = time.perf_counter()
    history: list[SweepRecord] = []
    basis: list[LowRankTangent] = []
    n_matvecs, converged, theta = 0, False, np.nan
    for it in range(1, maxiter + 1):
        ax = op.apply(*_pair(x))
        n_matvecs += 1
        theta = float(np.real(_pair_inner(_pair(x), ax)))
        grad = manifold.project(x, ax) - theta * _as_tangent(x)
        gnorm = manifold.norm(x, grad)
        record = SweepRecord(it, np.array([theta]), gnorm / max(1.0, abs(theta)), 0.0, rank,
                             n_matvecs, time.perf_counter() - start)
        history.append(record)
        if gnorm <= rtol * max(1.0, abs(theta)):
            converged = True
            break
        if callback is not None and callback(record) is True:
            break
        xi, used = _correction(manifold, op, x, theta, grad, inner_maxiter, dtype)
        n_matvecs += used
        if method == "rqi":
            y = xi
        else:
            basis += [grad, xi]  # the gradient keeps the search Krylov-like far from the target
            y, used = _ritz(manifold, op, x, basis)
            n_matvecs += used
        x_new = manifold.retract(x, y)
        x_new = LowRankPoint(x_new.U, x_new.S / np.linalg.norm(x_new.S), x_new.V)
        if method == "jd":
            basis = _carry(manifold, x, x_new, basis, max_basis)
        x = x_new
    if not converged and not (callback is not None and len(history) < maxiter):
        warnings.warn(f"{who}: not converged after {maxiter} iterations (gradient "
                      f"{history[-1].residual:.2e} > rtol = {rtol:.1e})", ConvergenceWarning,
                      stacklevel=2)
    ax = op.apply(*_pair(x))
    px, qx = _pair(x)
    res_pair = (np.hstack([ax[0], -theta * px]), np.hstack([ax[1], qx]))
    # ||P Q^H||_F from the triangular factors: no cancellation, unlike ||AX||^2 - theta^2
    residual = float(np.linalg.norm(np.linalg.qr(res_pair[0])[1] @ np.linalg.qr(res_pair[1])[1].conj().T))
    return EigResult(np.array([theta]), [x], converged, np.array([residual]), len(history),
                     n_matvecs, tuple(history))


def _remove_x(x: LowRankPoint, xi: LowRankTangent) -> LowRankTangent:
    """xi minus its component along X (X's tangent coordinates are (S, 0, 0), unit norm),
    with the gauge conditions U^H Up = 0, V^H Vp = 0 restored: the coordinate vectors of a
    Krylov solver drift off them by rounding, and the drift would grow."""
    c = np.vdot(x.S, xi.M)
    up = xi.Up - x.U @ (x.U.conj().T @ xi.Up)
    vp = xi.Vp - x.V @ (x.V.conj().T @ xi.Vp)
    return LowRankTangent(xi.M - c * x.S, up, vp)


def _correction(manifold: FixedRankMatrix, op: _KroneckerSum, x: LowRankPoint, theta: float,
                grad: LowRankTangent, inner_maxiter: int, dtype: Any) -> tuple[LowRankTangent, int]:
    """Inexact solve of P (A - theta I) P xi = -grad on T_x, xi orthogonal to X."""
    size = _flatten(grad).size
    count = [0]

    def apply(v: np.ndarray) -> np.ndarray:
        xi = _remove_x(x, _unflatten(v, x))
        count[0] += 1
        axi = manifold.project(x, op.apply(*_pair(x, xi)))
        return _flatten(_remove_x(x, axi - theta * xi))

    lin = LinearOperator((size, size), matvec=apply, dtype=dtype)
    rhs = -_flatten(_remove_x(x, grad))
    if np.iscomplexobj(rhs):
        sol, _ = gmres(lin, rhs, rtol=1e-12, atol=0.0, restart=inner_maxiter, maxiter=1)
    else:
        sol, _ = minres(lin, rhs, rtol=1e-12, maxiter=inner_maxiter)
    return _remove_x(x, _unflatten(sol, x)), count[0]


def _ritz(manifold: FixedRankMatrix, op: _KroneckerSum, x: LowRankPoint,
          basis: list[LowRankTangent]) -> tuple[LowRankTangent, int]:
    """The lowest Ritz vector of A on span{X, basis} (tangent vectors at x), orthonormalized
    in the tangent coordinates; returned as a tangent vector minus X (a retraction step)."""
    vecs = [_flatten(_as_tangent(x))] + [_flatten(_remove_x(x, b)) for b in basis]
    q, r = np.linalg.qr(np.array(vecs).T)
    keep = np.abs(np.diagonal(r)) > 1e-10 * np.abs(r[0, 0])
    q = q[:, keep]
    tangents = [_unflatten(q[:, j], x) for j in range(q.shape[1])]
    pairs = [_pair(x, t) for t in tangents]
    images = [op.apply(*p) for p in pairs]
    h = np.array([[_pair_inner(p, img) for img in images] for p in pairs])
    h = 0.5 * (h + h.conj().T)
    _, vec = np.linalg.eigh(h if np.iscomplexobj(q) else h.real)
    y = q @ vec[:, 0]
    return _unflatten(y, x) - _as_tangent(x), len(images)


def _carry(manifold: FixedRankMatrix, x_old: LowRankPoint, x_new: LowRankPoint,
           basis: list[LowRankTangent], max_basis: int) -> list[LowRankTangent]:
    """The search subspace moved to the new tangent space by projection (vector transport),
    the oldest directions dropped beyond max_basis."""
    moved = [manifold.transport(x_new, x_old, b) for b in basis[-(max_basis - 1):]]
    return [_remove_x(x_new, b) for b in moved]
