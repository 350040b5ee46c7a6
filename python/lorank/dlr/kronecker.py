# SPDX-License-Identifier: MIT
"""Kronecker approximation: the nearest sum of Kronecker products (Van Loan rearrangement),
and its dynamical version, which follows F_t = beta F_{t-1} + (1 - beta) vec(G) vec(G)^T by
one projector-splitting step per update without forming F."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, NumericalError, ShapeError

__all__ = ["KroneckerFactors", "nearest_kronecker", "rearrange"]


def _shapes(shapes: Any, who: str) -> tuple[int, int, int, int]:
    try:
        (m1, n1), (m2, n2) = shapes
        dims = tuple(int(x) for x in (m1, n1, m2, n2))
    except (TypeError, ValueError) as exc:
        msg = f"{who}: shapes must be ((m1, n1), (m2, n2)), got {shapes!r}"
        raise ShapeError(msg) from exc
    if min(dims) < 1:
        msg = f"{who}: shapes must be positive, got {shapes!r}"
        raise ShapeError(msg)
    return dims


def rearrange(a: np.ndarray, shapes: Any) -> np.ndarray:
    """The Van Loan rearrangement R(A): ``R[(i1, j1), (i2, j2)] = A[i1 m2 + i2, j1 n2 + j2]``,
    so that ``R(kron(B, C)) = vec(B) vec(C)^T`` (C-order vec)."""
    m1, n1, m2, n2 = _shapes(shapes, "dlr.rearrange")
    a = np.asarray(a)
    if a.shape != (m1 * m2, n1 * n2):
        msg = f"dlr.rearrange: A must be {(m1 * m2, n1 * n2)}, got {a.shape}"
        raise ShapeError(msg)
    return a.reshape(m1, m2, n1, n2).transpose(0, 2, 1, 3).reshape(m1 * n1, m2 * n2)


def nearest_kronecker(
    A: Any, shapes: Any, rank: int = 1,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The pairs (B_i, C_i) minimising ``||A - sum_i kron(B_i, C_i)||_F`` over ``rank`` terms.

    A is a dense ``(m1 m2) x (n1 n2)`` array, or a sum of Kronecker products given as a list
    of pairs ``[(P_j, Q_j), ...]`` (matrix-free: its rearrangement ``sum_j vec(P_j) vec(Q_j)^T``
    is never formed, only QRs of the stacked vectors). B_i is ``m1 x n1``, C_i is ``m2 x n2``;
    the pairs come ordered by decreasing weight, with the singular value split evenly.

    Reference: C. F. Van Loan, N. Pitsianis, "Approximation with Kronecker products" (1993):
    the problem is the best rank-``rank`` approximation of the rearranged matrix R(A).
    Complexity: dense, one SVD of an (m1 n1) x (m2 n2) matrix; matrix-free with J terms,
    O((m1 n1 + m2 n2) J^2).
    """
    who = "dlr.nearest_kronecker"
    m1, n1, m2, n2 = _shapes(shapes, who)
    if isinstance(rank, bool) or not isinstance(rank, numbers.Integral) or rank < 1:
        msg = f"{who}: rank must be a positive integer, got {rank!r}"
        raise ArgumentError(msg)
    if isinstance(A, (list, tuple)) and A and all(isinstance(t, (list, tuple)) and len(t) == 2 for t in A):
        left = np.stack([np.asarray(p, dtype=float).reshape(-1) for p, _ in A], axis=1)
        right = np.stack([np.asarray(q, dtype=float).reshape(-1) for _, q in A], axis=1)
        if left.shape[0] != m1 * n1 or right.shape[0] != m2 * n2:
            msg = f"{who}: terms must be ({m1} x {n1}, {m2} x {n2}) pairs"
            raise ShapeError(msg)
        ql, rl = np.linalg.qr(left)
        qr, rr = np.linalg.qr(right)
        u, s, vt = np.linalg.svd(rl @ rr.T)
        u, vt = ql @ u, (qr @ vt.T).T
    else:
        r = rearrange(np.asarray(A, dtype=float), shapes)
        if not np.all(np.isfinite(r)):
            msg = f"{who}: A has NaN or Inf entries"
            raise NumericalError(msg)
        u, s, vt = np.linalg.svd(r, full_matrices=False)
    k = min(rank, s.size)
    root = np.sqrt(s[:k])
    return [((u[:, i] * root[i]).reshape(m1, n1), (vt[i] * root[i]).reshape(m2, n2)) for i in range(k)]


class KroneckerFactors:
    """Follows ``F_t = beta F_{t-1} + (1 - beta) vec(G_t) vec(G_t)^T ~ L_t (x) R_t`` for
    gradients G_t (m x n, C-order vec), never forming the mn x mn matrix F.

    In the Van Loan rearrangement the update adds ``(1 - beta) kron(G, G)`` to a matrix whose
    rank-one approximation is ``vec(L) vec(R)^T``; one step of the projector-splitting (KSL)
    integrator on that rank-one manifold, with the increment as the (constant) field over the
    step, reads

    - K-step: ``K = beta L + (1 - beta) G R G^T`` (R kept at unit Frobenius norm; the
      product of kron(G, G) with vec(R) is vec(G R G^T)), ``L^ = K / ||K||``;
    - S-step (backward): ``s = ||K|| - (1 - beta) <L^, G R G^T>`` (the decay terms of the
      S- and L-steps cancel);
    - L-step: ``R' = s R + (1 - beta) G^T L^ G``; then ``L = L^ ||R'||``, ``R = R' / ||R'||``,

    so each update costs the two products G R G^T and G^T L G (O(m n (m + n))). The first
    gradient starts the factors at the optimum for F_1: ``(1 - beta) s1^2 u1 u1^T`` and
    ``v1 v1^T`` from its top singular triplet. The exact
    optimum (the SVD of the rearranged F) is what :func:`nearest_kronecker` computes; the
    tracked factors follow it when F changes slowly (Lubich-Oseledets: exact while F stays
    rank one in the rearranged space).

    ``scheme='bug'`` replaces the step by the fixed-rank basis-update-and-Galerkin step
    (Ceruti-Lubich 2022; the factor update of DyKAF's public code): K and L from the same
    old factors, ``U = K / ||K||``, ``V = M / ||M||`` with ``M = beta R + w G^T L^ G``, then
    ``S = <U (x) V, F_t>`` (six products instead of four).

    Parameters
    ----------
    shape : (m, n)
    beta : float
        Exponential averaging factor in [0, 1).
    scheme : {'ksl', 'bug'}
        The integrator step (above).
    """

    def __init__(self, shape: Sequence[int], beta: float = 0.95, scheme: str = "ksl") -> None:
        m, n = (int(x) for x in shape)
        if m < 1 or n < 1:
            msg = f"dlr.KroneckerFactors: shape must be positive, got {tuple(shape)}"
            raise ShapeError(msg)
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or not 0 <= beta < 1:
            msg = f"dlr.KroneckerFactors: beta must be in [0, 1), got {beta!r}"
            raise ArgumentError(msg)
        if scheme not in ("ksl", "bug"):
            msg = f"dlr.KroneckerFactors: scheme must be 'ksl' or 'bug', got {scheme!r}"
            raise ArgumentError(msg)
        self.shape, self.beta, self.scheme = (m, n), float(beta), scheme
        self.left: np.ndarray | None = None   # L, m x m
        self.right: np.ndarray | None = None  # R, n x n, unit Frobenius norm
        self.n_updates = 0

    def update(self, g: Any) -> None:
        """Fold one gradient in; NaN/Inf gradients raise NumericalError and change nothing."""
        g = np.asarray(g, dtype=float)
        if g.shape != self.shape:
            msg = f"dlr.KroneckerFactors.update: gradient must be {self.shape}, got {g.shape}"
            raise ShapeError(msg)
        if not np.all(np.isfinite(g)):
            msg = "dlr.KroneckerFactors.update: the gradient has NaN or Inf entries"
            raise NumericalError(msg)
        w = 1.0 - self.beta
        if self.left is None:
            # F_1 = w vec(G) vec(G)^T, whose rearrangement kron(G, G) has the best rank-one
            # approximation sigma_1^2 vec(u1 u1^T) vec(v1 v1^T)^T (top singular pair of G)
            u, sig, vt = np.linalg.svd(g, full_matrices=False)
            if sig[0] == 0:
                return
            self.left = w * sig[0] ** 2 * np.outer(u[:, 0], u[:, 0])
            self.right = np.outer(vt[0], vt[0])
            self.n_updates = 1
            return
        from lorank import _core

        _core.kron_ksl_update([g], [self.left], [self.right], self.beta, self.scheme)
        self.n_updates += 1

    def kron(self) -> np.ndarray:
        """The dense ``L (x) R`` (for tests and small layers)."""
        if self.left is None:
            return np.zeros((self.shape[0] * self.shape[1],) * 2)
        return np.kron(self.left, self.right)
