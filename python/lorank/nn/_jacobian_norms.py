# SPDX-License-Identifier: MIT
"""Two-to-infinity and one-to-two norms of a network's Jacobian as differentiable torch
regularizers (the Jacobian regularization of Tsyganov, Frolov, Samsonov, Rakhuba, 2025).

The Jacobian J = d f(x) / d x (outputs x inputs, both flattened) is never formed: the row
(or column) with the largest norm is searched by :func:`lorank.linalg.norm_2inf` from
Jacobian-vector and vector-Jacobian products without gradients, and only that row's
(column's) norm is then recomputed with autograd on, so the penalty costs one extra
backward (forward) pass through the graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lorank.linalg import norm_2inf
from lorank.linalg.operators import Operator

__all__ = ["jacobian_norm_12", "jacobian_norm_2inf"]


def _jacobian_operator(torch: Any, f: Callable[[Any], Any], x: Any) -> tuple[Operator, int]:
    x0 = x.detach()
    out_size = f(x0).numel()
    dtype = np.dtype(str(x0.dtype).replace("torch.", ""))

    def as_tensor(v: Any, shape: Any) -> Any:
        return torch.as_tensor(np.ascontiguousarray(v), dtype=x0.dtype, device=x0.device).reshape(shape)

    def matmat(v: Any) -> Any:  # J V: one jvp per column (double-backward, no forward AD)
        cols = []
        for j in range(v.shape[1]):
            _, t = torch.autograd.functional.jvp(f, x0, as_tensor(v[:, j], x0.shape))
            cols.append(t.detach().reshape(-1).cpu().numpy())
        return np.stack(cols, axis=1)

    def rmatmat(u: Any) -> Any:  # J^T U: one vjp per column
        y, pullback = torch.func.vjp(f, x0)
        cols = [pullback(as_tensor(u[:, j], y.shape))[0].detach().reshape(-1).cpu().numpy()
                for j in range(u.shape[1])]
        return np.stack(cols, axis=1)

    return Operator((out_size, x0.numel()), dtype, matmat, rmatmat, np, "Jacobian"), out_size


def jacobian_norm_2inf(f: Callable[[Any], Any], x: Any, *, n_matvecs: int = 30,
                       method: str = "hutchinson", rng: Any = None) -> Any:
    """``||J||_{2->inf}`` (largest row norm of the Jacobian of f at x), differentiable in the
    parameters of f (and in x): the row is found by :func:`lorank.linalg.norm_2inf` with
    ``n_matvecs`` products, its norm ``||grad f_i(x)||`` recomputed with ``create_graph``.
    A lower bound of the true norm, equal to it when the search found the largest row.
    ``method``: 'hutchinson', 'hutch++' or 'factored++' (the last for Jacobians with
    decaying spectra; see :func:`lorank.linalg.norm_2inf`).
    """
    import torch

    op, _ = _jacobian_operator(torch, f, x)
    row = norm_2inf(op, n_matvecs=n_matvecs, method=method, rng=rng).index
    x_req = x if x.requires_grad else x.detach().requires_grad_(True)
    y = f(x_req).reshape(-1)
    (grad,) = torch.autograd.grad(y[row], x_req, create_graph=True)
    return grad.reshape(-1).norm()


def jacobian_norm_12(f: Callable[[Any], Any], x: Any, *, n_matvecs: int = 30,
                     method: str = "hutchinson", rng: Any = None) -> Any:
    """``||J||_{1->2}`` (largest column norm of the Jacobian: the input coordinate that
    moves the output most), differentiable like :func:`jacobian_norm_2inf`."""
    import torch

    op, _ = _jacobian_operator(torch, f, x)
    adjoint = Operator((op.shape[1], op.shape[0]), op.dtype, op.rmatmat, op.matmat, np, "J^T")
    col = norm_2inf(adjoint, n_matvecs=n_matvecs, method=method, rng=rng).index
    x0 = x.detach()
    e = torch.zeros(x0.numel(), dtype=x0.dtype, device=x0.device)
    e[col] = 1.0
    _, t = torch.autograd.functional.jvp(f, x, e.reshape(x0.shape), create_graph=True)
    return t.reshape(-1).norm()
