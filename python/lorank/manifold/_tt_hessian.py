# SPDX-License-Identifier: MIT
"""The Riemannian Hessian-by-vector product on the fixed-TT-rank manifold, exactly.

On an embedded manifold with the induced metric, Hess f(X)[xi] = P_X(d/dt grad f(c(t))) at
t = 0 for any curve c on the manifold with c(0) = X, c'(0) = xi, where grad f(Y) = P_Y
grad_E f(Y) is the Riemannian gradient as an ambient tensor (Absil, Mahony, Trumpf, "An
extrinsic look at the Riemannian Hessian", 2013). This holds the curvature (Weingarten) term
as well as the projected Euclidean Hessian, unlike P_X D^2 f(X) P_X alone.

The curve: with X = U_1 .. U_{d-1} C_d (left-orthogonal) and xi = sum_k U_<k dC_k V_>k,
each term is U_<k (dC_k S_k^-1) W_>k where W_>k = U_{k+1} .. C_d = S_k V_>k, so
c(t) = (U_1 + t D_1) .. (C_d + t D_d) with D_k = dC_k S_k^-1 has c'(0) = xi and keeps the
ranks. Along it, torch orthogonalizes c(t) by QR sweeps, takes the Euclidean gradient in the
delta-core parametrization at c(t) by a reverse pass (as riemannian_grad does), assembles
grad f(c(t)) as a rank-2r train, projects it on the fixed tangent space at X (linear in t's
data), and one forward-mode pass (torch.func.jvp) differentiates the whole chain at t = 0:
forward-over-reverse, about the cost of two gradients plus O(d n r^3).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from lorank.manifold.fixed_rank_tt import _gauged, _project_cores

__all__ = ["tt_hvp"]


def _orthogonal_forms(torch: Any, cores: list[Any]) -> tuple[list[Any], list[Any]]:
    """(left-orthogonal U_1..U_{d-1} with the last core, right-orthogonal V_2..V_d with the
    first core) of the train, by QR sweeps (differentiable)."""
    d = len(cores)
    left = list(cores)
    for k in range(d - 1):
        r0, n, r1 = left[k].shape
        q, r = torch.linalg.qr(left[k].reshape(r0 * n, r1))
        left[k] = q.reshape(r0, n, q.shape[1])
        left[k + 1] = torch.einsum("ab,bic->aic", r, left[k + 1])
    right = list(left)
    for k in range(d - 1, 0, -1):
        r0, n, r1 = right[k].shape
        q, r = torch.linalg.qr(right[k].reshape(r0, n * r1).T)
        right[k] = q.T.reshape(q.shape[1], n, r1)
        right[k - 1] = torch.einsum("aib,cb->aic", right[k - 1], r)
    return left, right


def _delta_train(torch: Any, left: list[Any], right: list[Any], deltas: list[Any],
                 with_point: bool = True) -> list[Any]:
    """Cores of X + sum_k U_<k deltas_k V_>k (ranks 2r): [[V_k, 0], [delta_k, U_k]] (without
    X when ``with_point`` is False: the last core's U_d part is dropped)."""
    d = len(left)
    if d == 1:
        return [left[0] + deltas[0] if with_point else deltas[0]]
    cores = [torch.cat([deltas[0], left[0]], dim=2)]
    for k in range(1, d - 1):
        zero = left[k].new_zeros((right[k].shape[0], right[k].shape[1], left[k].shape[2]))
        top = torch.cat([right[k], zero], dim=2)
        cores.append(torch.cat([top, torch.cat([deltas[k], left[k]], dim=2)], dim=0))
    cores.append(torch.cat([right[-1], left[-1] + deltas[-1] if with_point else deltas[-1]], dim=0))
    return cores


def tt_hvp(f: Callable[[Any], Any], x: Any, xi: Any, scalar: Callable[[Any], Any],
           wrap: Callable[[list[Any]], Any]) -> list[np.ndarray]:
    """Delta-cores of Hess f(x)[xi] (see the module) for real float64 points. ``scalar``
    checks f's value, ``wrap`` turns torch cores into what f receives."""
    import torch
    from torch.func import grad, jvp

    u = [torch.as_tensor(np.array(c)) for c in x.left]
    v = [torch.as_tensor(np.array(c)) for c in x.right]
    dc = [torch.as_tensor(np.array(c)) for c in xi.cores]
    d = len(u)
    # S_k = W_>k V_>k^T, from the right: S_{k-1} = sum_i U_k[:, i] S_k V_k[:, i]^T.
    s = [None] * d
    if d > 1:
        s[d - 2] = torch.einsum("aib,cib->ac", u[d - 1], v[d - 1])
        for k in range(d - 2, 0, -1):
            s[k - 1] = torch.einsum("aib,bc,dic->ad", u[k], s[k], v[k])
    direction = [torch.einsum("aib,bc->aic", dc[k], torch.linalg.inv(s[k])) for k in range(d - 1)]
    direction.append(dc[d - 1])

    def projected_gradient(t: Any) -> tuple[Any, ...]:
        cores = [c + t * e for c, e in zip(u, direction)]
        left, right = _orthogonal_forms(torch, cores) if d > 1 else (cores, cores)

        def value(deltas: list[Any]) -> Any:
            return scalar(f(wrap(_delta_train(torch, left, right, deltas))))

        g = _gauged(left, grad(value)([torch.zeros_like(c) for c in left]))
        if d == 1:
            return tuple(g)
        ambient = _delta_train(torch, left, right, g, with_point=False)  # grad f(c(t))
        return tuple(_project_cores(u, v, ambient, u[0].new_ones((1, 1))))

    zero = torch.zeros((), dtype=u[0].dtype)
    with warnings.catch_warnings():  # torch's first jvp scripts its decompositions
        warnings.filterwarnings("ignore", message=".*torch.jit.script.*", category=DeprecationWarning)
        _, tangent = jvp(projected_gradient, (zero,), (torch.ones_like(zero),))
    return [c.detach().numpy() for c in tangent]
