# SPDX-License-Identifier: MIT
"""Laplace-type operators on tensor grids."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, ShapeError
from lorank.models._mpo import sum_of_products
from lorank.tt.matrix import TTMatrix

__all__ = ["laplace", "laplace_eigenvalues"]


def _grid(shape: Any, who: str) -> list[int]:
    dims = [shape] if isinstance(shape, numbers.Integral) else list(shape)
    if not dims or any(isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1 for n in dims):
        msg = f"{who}: shape must be a positive integer or a non-empty sequence of them, got {shape!r}"
        raise ShapeError(msg)
    return [int(n) for n in dims]


def laplace(shape: int | Sequence[int], *, potential: Sequence[Any] | None = None) -> TTMatrix:
    """``-Laplacian`` on the unit cube with zero Dirichlet data, second-order finite
    differences on ``n_k`` interior points per direction (step ``h_k = 1/(n_k+1)``), plus an
    optional separable potential ``sum_k diag(potential[k])``. TT rank 2.

    The eigenvalues without potential are ``sum_k 4 (n_k+1)^2 sin^2(pi j_k / (2 (n_k+1)))``,
    ``j_k = 1..n_k`` (:func:`laplace_eigenvalues`).
    """
    who = "models.laplace"
    dims = _grid(shape, who)
    if potential is not None and len(potential) != len(dims):
        msg = f"{who}: potential needs {len(dims)} vectors, got {len(potential)}"
        raise ShapeError(msg)
    terms = []
    for k, n in enumerate(dims):
        h2 = (n + 1.0) ** 2
        op = h2 * (2.0 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1))
        if potential is not None:
            v = np.asarray(potential[k], dtype=float)
            if v.shape != (n,) or not np.all(np.isfinite(v)):
                msg = f"{who}: potential[{k}] must be {n} finite values, got shape {v.shape}"
                raise ShapeError(msg)
            op = op + np.diag(v)
        terms.append((1.0, {k: op}))
    return sum_of_products(dims, terms, who=who).round(rtol=1e-15)


def laplace_eigenvalues(shape: int | Sequence[int], k: int) -> np.ndarray:
    """The k smallest eigenvalues of :func:`laplace` without potential (closed form)."""
    who = "models.laplace_eigenvalues"
    dims = _grid(shape, who)
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        msg = f"{who}: k must be a positive integer, got {k!r}"
        raise ArgumentError(msg)
    values = np.zeros(1)
    for n in dims:
        lam = 4.0 * (n + 1.0) ** 2 * np.sin(np.pi * np.arange(1, n + 1) / (2.0 * (n + 1))) ** 2
        values = np.sort((values[:, None] + lam[None, :]).ravel())[:k]
    return values
