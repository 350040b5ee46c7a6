# SPDX-License-Identifier: MIT
"""The manifold of m x n matrices of rank r, embedded in C^{m x n} (Vandereycken 2013).

A point is ``X = U S V^H`` with orthonormal U (m x r), V (n x r) and an invertible r x r S;
a tangent vector at X is ``U M V^H + Up V^H + U Vp^H`` with ``U^H Up = 0``, ``V^H Vp = 0``,
stored as (M, Up, Vp): nothing of size m x n is ever formed. The metric is the Euclidean
(Frobenius) inner product of the embedding.

Reference: B. Vandereycken, "Low-rank matrix completion by Riemannian optimization",
SIAM J. Optim. 23(2), 2013.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, RankError, ShapeError

__all__ = ["FixedRankMatrix", "LowRankPoint", "LowRankTangent"]


@dataclass(frozen=True)
class LowRankPoint:
    """``X = U @ S @ V^H`` with orthonormal columns in U (m x r) and V (n x r)."""

    U: Any
    S: Any
    V: Any

    @property
    def shape(self) -> tuple[int, int]:
        return (self.U.shape[0], self.V.shape[0])

    @property
    def rank(self) -> int:
        return self.S.shape[0]

    def full(self) -> Any:
        """The dense m x n matrix (for tests and small problems)."""
        return self.U @ self.S @ self.V.conj().T

    def at(self, rows: Any, cols: Any) -> Any:
        """Entries ``X[rows[k], cols[k]]``: O(len(rows) r) (compiled for float64)."""
        return sampled_entries(rows, cols, self.U @ self.S, self.V.conj())


@dataclass(frozen=True)
class LowRankTangent:
    """``U M V^H + Up V^H + U Vp^H`` at a point (U, S, V): M (r x r), Up (m x r), Vp (n x r)."""

    M: Any
    Up: Any
    Vp: Any

    def __add__(self, other: LowRankTangent) -> LowRankTangent:
        return LowRankTangent(self.M + other.M, self.Up + other.Up, self.Vp + other.Vp)

    def __sub__(self, other: LowRankTangent) -> LowRankTangent:
        return LowRankTangent(self.M - other.M, self.Up - other.Up, self.Vp - other.Vp)

    def __mul__(self, alpha: Any) -> LowRankTangent:
        return LowRankTangent(alpha * self.M, alpha * self.Up, alpha * self.Vp)

    __rmul__ = __mul__

    def __neg__(self) -> LowRankTangent:
        return self * -1.0


def sampled_entries(rows: Any, cols: Any, a: Any, b: Any) -> Any:
    """``out[k] = sum_j a[rows[k], j] b[cols[k], j]``, the entries of ``a b^T`` on a
    pattern: the compiled kernel for float64, NumPy gathers otherwise."""
    if a.dtype == np.float64 and b.dtype == np.float64 and isinstance(a, np.ndarray):
        from lorank import _core

        return _core.sampled_entries(np.asarray(rows, np.int64), np.asarray(cols, np.int64), a, b)
    return np.einsum("kr,kr->k", a[rows], b[cols])


def _orthonormal(rng: np.random.Generator, rows: int, cols: int, dtype: Any) -> np.ndarray:
    g = rng.standard_normal((rows, cols))
    if np.dtype(dtype).kind == "c":
        g = g + 1j * rng.standard_normal((rows, cols))
    return np.linalg.qr(g.astype(dtype))[0]


class FixedRankMatrix:
    """The manifold of (m x n) matrices of rank r.

    Parameters
    ----------
    m, n : int
        Shape.
    rank : int
        1 <= rank <= min(m, n).
    dtype : float64 (default) or complex128

    Operations (all O((m + n) r^2 + r^3) unless said otherwise): :meth:`project` of a
    Euclidean gradient given as a dense array (O(m n r)), a SciPy sparse matrix (O(nnz r)) or
    low-rank factors ``(A, B)`` meaning ``A B^H`` (O((m + n) r k)); :meth:`retract` (metric
    projection by an SVD of a 2r x 2r core, or the cheaper orthographic retraction);
    :meth:`transport` (projection of the old tangent vector); :meth:`inner`, :meth:`norm`.
    """

    def __init__(self, m: int, n: int, rank: int, dtype: Any = np.float64):
        for name, v in (("m", m), ("n", n), ("rank", rank)):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                msg = f"FixedRankMatrix: {name} must be a positive integer, got {v!r}"
                raise ArgumentError(msg)
        if rank > min(m, n):
            msg = f"FixedRankMatrix: rank must be <= min(m, n) = {min(m, n)}, got {rank}"
            raise RankError(msg)
        self.shape, self.rank = (int(m), int(n)), int(rank)
        self.dtype = np.dtype(dtype)

    # ------------------------------------------------------------------ points, vectors
    def random_point(self, rng: Any = None, spectrum: Any = None) -> LowRankPoint:
        """Orthonormal U, V from Gaussian matrices; S diagonal (``spectrum`` or 1..1/r)."""
        gen = np.random.default_rng(rng)
        m, n = self.shape
        r = self.rank
        s = np.linspace(1.0, 1.0 / r, r) if spectrum is None else np.asarray(spectrum, float)
        return LowRankPoint(_orthonormal(gen, m, r, self.dtype), np.diag(s).astype(self.dtype),
                            _orthonormal(gen, n, r, self.dtype))

    def random_tangent(self, x: LowRankPoint, rng: Any = None) -> LowRankTangent:
        """A Gaussian tangent vector at x, normalized to unit norm."""
        gen = np.random.default_rng(rng)
        m, n = self.shape
        r = self.rank

        def gauss(*shape: int) -> np.ndarray:
            g = gen.standard_normal(shape)
            if self.dtype.kind == "c":
                g = g + 1j * gen.standard_normal(shape)
            return g.astype(self.dtype)

        up, vp = gauss(m, r), gauss(n, r)
        xi = LowRankTangent(gauss(r, r), up - x.U @ (x.U.conj().T @ up),
                            vp - x.V @ (x.V.conj().T @ vp))
        return xi * (1.0 / self.norm(x, xi))

    def check_point(self, x: LowRankPoint, who: str = "FixedRankMatrix", tol: float = 1e-8) -> None:
        """Raise ShapeError for wrong shapes and RankError for non-orthonormal factors."""
        m, n = self.shape
        r = self.rank
        if x.U.shape != (m, r) or x.V.shape != (n, r) or x.S.shape != (r, r):
            msg = (f"{who}: point shapes U {x.U.shape}, S {x.S.shape}, V {x.V.shape} do not "
                   f"match the manifold ({m} x {n}, rank {r})")
            raise ShapeError(msg)
        for name, f in (("U", x.U), ("V", x.V)):
            gap = float(np.abs(f.conj().T @ f - np.eye(r)).max())
            if gap > tol:
                msg = f"{who}: {name} must have orthonormal columns (|{name}^H {name} - I| = {gap:.1e})"
                raise RankError(msg)

    def tangent_full(self, x: LowRankPoint, xi: LowRankTangent) -> Any:
        """The dense m x n matrix of a tangent vector (for tests)."""
        vh = x.V.conj().T
        return x.U @ xi.M @ vh + xi.Up @ vh + x.U @ xi.Vp.conj().T

    # ------------------------------------------------------------------ geometry
    def project(self, x: LowRankPoint, z: Any) -> LowRankTangent:
        """Orthogonal projection of z onto the tangent space at x: dense array, SciPy sparse
        matrix or low-rank factors ``(A, B)`` (z = A B^H)."""
        zv, zhu = self._products(x, z)
        m_core = x.U.conj().T @ zv
        return LowRankTangent(m_core, zv - x.U @ m_core, zhu - x.V @ m_core.conj().T)

    def project_sampled(self, x: LowRankPoint, rows: Any, cols: Any, values: Any) -> LowRankTangent:
        """Projection of the sparse matrix with ``values`` at ``(rows[k], cols[k])`` (a
        completion gradient): O(|Omega| r), compiled for float64 (repeated positions add)."""
        if x.U.dtype == np.float64 and isinstance(x.U, np.ndarray):
            from lorank import _core

            zv, zhu = _core.sparse_products(np.asarray(rows, np.int64), np.asarray(cols, np.int64),
                                            np.asarray(values, np.float64), x.V, x.U)
        else:
            import scipy.sparse as sp

            z = sp.coo_matrix((values, (rows, cols)), shape=self.shape).tocsr()
            zv, zhu = z @ x.V, z.conj().T @ x.U
        m_core = x.U.conj().T @ zv
        return LowRankTangent(m_core, zv - x.U @ m_core, zhu - x.V @ m_core.conj().T)

    def tangent_at(self, x: LowRankPoint, xi: LowRankTangent, rows: Any, cols: Any) -> Any:
        """Entries of a tangent vector on a pattern: O(|Omega| r)."""
        return sampled_entries(rows, cols, np.hstack([x.U @ xi.M + xi.Up, x.U]),
                               np.hstack([x.V, xi.Vp]).conj())

    def _products(self, x: LowRankPoint, z: Any) -> tuple[Any, Any]:
        """(Z V, Z^H U) without forming Z."""
        if isinstance(z, tuple):
            if len(z) != 2:
                msg = "FixedRankMatrix.project: low-rank input must be a pair (A, B), z = A B^H"
                raise ArgumentError(msg)
            a, b = z
            if a.shape[0] != self.shape[0] or b.shape[0] != self.shape[1] or a.shape[1] != b.shape[1]:
                msg = f"FixedRankMatrix.project: factors {a.shape}, {b.shape} do not fit {self.shape}"
                raise ShapeError(msg)
            return a @ (b.conj().T @ x.V), b @ (a.conj().T @ x.U)
        if tuple(z.shape) != self.shape:
            msg = f"FixedRankMatrix.project: z has shape {tuple(z.shape)}, expected {self.shape}"
            raise ShapeError(msg)
        zh = z.conj().T
        return z @ x.V, zh @ x.U

    def inner(self, x: LowRankPoint, xi: LowRankTangent, eta: LowRankTangent) -> float:
        """Frobenius inner product of two tangent vectors at x (real part)."""
        return float(np.real(np.vdot(xi.M, eta.M) + np.vdot(xi.Up, eta.Up)
                             + np.vdot(xi.Vp, eta.Vp)))

    def norm(self, x: LowRankPoint, xi: LowRankTangent) -> float:
        return float(np.sqrt(max(self.inner(x, xi, xi), 0.0)))

    def retract(self, x: LowRankPoint, xi: LowRankTangent, t: float = 1.0,
                method: str = "svd") -> LowRankPoint:
        """Point ``R_x(t xi)`` on the manifold.

        ``method='svd'``: the best rank-r approximation of ``X + t xi`` (metric projection),
        from the SVD of a 2r x 2r core after QRs of Up and Vp. ``'orthographic'``:
        ``(U S' + t Up) S'^-1 (S' V^H + t Vp^H)`` with ``S' = S + t M``, re-orthonormalized by
        two QRs (no SVD; needs S' invertible). Both agree with X + t xi to O(t^2).
        """
        r = self.rank
        if method == "svd":
            qu, ru = np.linalg.qr(xi.Up)
            qv, rv = np.linalg.qr(xi.Vp)
            core = np.block([[x.S + t * xi.M, t * rv.conj().T],
                             [t * ru, np.zeros((r, r), dtype=ru.dtype)]])
            uc, sc, vch = np.linalg.svd(core)
            u = np.hstack([x.U, qu]) @ uc[:, :r]
            v = np.hstack([x.V, qv]) @ vch[:r].conj().T
            return LowRankPoint(u, np.diag(sc[:r]).astype(x.S.dtype), v)
        if method == "orthographic":
            s_new = x.S + t * xi.M
            qa, ra = np.linalg.qr(x.U @ s_new + t * xi.Up)
            qb, rb = np.linalg.qr(x.V @ s_new.conj().T + t * xi.Vp)
            return LowRankPoint(qa, ra @ np.linalg.solve(s_new, rb.conj().T), qb)
        msg = f"FixedRankMatrix.retract: method must be 'svd' or 'orthographic', got {method!r}"
        raise ArgumentError(msg)

    def transport(self, x_new: LowRankPoint, x_old: LowRankPoint, xi: LowRankTangent) -> LowRankTangent:
        """Vector transport by projection: xi (tangent at x_old) projected onto T_{x_new}.
        xi is the rank-2r matrix ``[U M + Up, U] [V, Vp]^H``."""
        a = np.hstack([x_old.U @ xi.M + xi.Up, x_old.U])
        b = np.hstack([x_old.V, xi.Vp])
        return self.project(x_new, (a, b))
