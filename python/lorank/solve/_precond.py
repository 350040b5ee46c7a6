# SPDX-License-Identifier: MIT
"""Preconditioners of the local eigenproblems on one core: the local operator with its
environments cut to their diagonals leaves one n x n mode block per environment pair
``(a, b)``, ``B_ab = sum L[a, alpha, a] A[alpha, :, :, beta] R[b, beta, b]``; both classes
invert it (shifted below the Ritz values, positive definite), exactly or in one common
mode basis."""

from __future__ import annotations

from typing import Any

import numpy as np


def _environment_diagonals(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``L[a, alpha, a]`` and ``R[b, beta, b]``: the environments cut to their diagonals."""
    return np.einsum("aza->az", left), np.einsum("byb->by", right)


def shift_below(theta: Any) -> tuple[float, float]:
    """The shift ``sigma = min(theta) - delta`` of the preconditioners, with delta a quarter
    of the Ritz values' spread (at least ``1e-3 max(1, |min theta|)``); returns both.
    One shift below the block keeps a preconditioner positive definite (LOBPCG's choice):
    theta-dependent shifts make an accurate inverse return the Ritz vectors themselves
    (Davidson's stagnation)."""
    theta = np.asarray(theta, dtype=float)
    low = float(theta.min())
    delta = max(0.25 * float(np.ptp(theta)) if theta.size > 1 else 0.0, 1e-3 * max(1.0, abs(low)))
    return low - delta, delta


class ModePreconditioner:
    """``(M - sigma)^{-1}`` with M the local operator whose environments are cut to their
    diagonals: for each environment pair (a, b) an n x n block
    ``sum L[a, alpha, a] A[alpha, :, :, beta] R[b, beta, b]``, inverted exactly through its
    eigendecomposition. Unlike the point diagonal it keeps the couplings inside the mode
    (kinetic energy on a DVR grid), at O(r^2 n^3) once and O(r^2 n^2) per vector. The shift
    sigma lies below the lowest Ritz value passed in, by a quarter of their spread (at least
    1e-3 max(1, |theta|)); eigenvalues of M below sigma are floored, so the preconditioner is
    positive definite."""

    def __init__(self, left: np.ndarray, op: np.ndarray, right: np.ndarray) -> None:
        dl, dr = _environment_diagonals(left, right)
        blocks = np.einsum("az,zijy,by->abij", dl, op, dr, optimize=True)
        blocks = 0.5 * (blocks + np.swapaxes(blocks, 2, 3).conj())
        self.values, self.vectors = np.linalg.eigh(blocks)  # (a, b, n), (a, b, n, n)
        self.adjoint = np.ascontiguousarray(np.swapaxes(self.vectors, 2, 3).conj())
        self.shape = (left.shape[0], op.shape[1], right.shape[0])

    def apply(self, res: np.ndarray, theta: np.ndarray) -> np.ndarray:
        a, n, b = self.shape
        p = res.shape[0]
        r = np.ascontiguousarray(res.reshape(p, a, n, b).transpose(1, 3, 2, 0))  # (a, b, n, p)
        sigma, delta = shift_below(theta)
        shift = np.maximum(self.values - sigma, delta)[..., None]
        t = np.matmul(self.vectors, np.matmul(self.adjoint, r) / shift)  # batched n x n products
        return t.transpose(3, 0, 2, 1).reshape(res.shape)


class ModeBasisPreconditioner:
    """``(M - sigma)^{-1}`` with M the mode blocks ``B_ab`` cut to their diagonals in one
    orthonormal mode basis U, the eigenvectors of the block at the mean environment
    diagonals: ``U (D_ab - sigma)^{-1} U^H`` with ``D_ab = diag(U^H B_ab U)``, floored like
    :class:`ModePreconditioner`. One n x n eigendecomposition and O(R^2 n^3 + r^2 R^2 n) to
    build, where the exact blocks take r^2 of them (batched LAPACK spends 6-60 us on each
    block of 16 to 28); O(r^2 n^2) per vector. Exact where the blocks share their
    eigenvectors (one dense term per mode, e.g. the DVR kinetic energy, plus a potential
    that varies little over the block); measured on Henon-Heiles (block TT-ALS, same
    sweeps): d = 10 0.44-0.51 s vs 0.68-0.77 s, d = 4 0.89-1.04 vs 1.09-1.15 s."""

    def __init__(self, left: np.ndarray, op: np.ndarray, right: np.ndarray) -> None:
        dl, dr = _environment_diagonals(left, right)
        mean = np.einsum("z,zijy,y->ij", dl.mean(axis=0), op, dr.mean(axis=0))
        self.basis = np.linalg.eigh(0.5 * (mean + mean.conj().T))[1]
        self.adjoint = np.ascontiguousarray(self.basis.conj().T)
        per_term = np.einsum("ip,zijy,jp->zpy", self.adjoint.T, op, self.basis, optimize=True)
        diag = np.einsum("az,zpy,by->apb", dl, per_term, dr, optimize=True).real  # (a, n, b)
        self.diagonal = np.ascontiguousarray(diag)
        self.shape = (left.shape[0], op.shape[1], right.shape[0])

    def apply(self, res: np.ndarray, theta: np.ndarray) -> np.ndarray:
        a, n, b = self.shape
        r = res.reshape(res.shape[0], a, n, b)
        sigma, delta = shift_below(theta)
        t = np.matmul(self.adjoint, r) / np.maximum(self.diagonal - sigma, delta)
        return np.matmul(self.basis, t).reshape(res.shape)
