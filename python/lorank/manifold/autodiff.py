# SPDX-License-Identifier: MIT
"""Riemannian gradients of torch loss functions on the fixed-rank matrix and TT manifolds by
one backward pass (Novikov, Rakhuba, Oseledets, "Automatic differentiation for Riemannian
optimization on low-rank matrix and tensor-train manifolds", SIAM J. Sci. Comput. 44(2),
2022).

The point X is written as ``X + dX`` with dX a tangent vector in its factored form whose
free parameters (M, Up, Vp for matrices; the delta-cores for trains) are zero tensors that
require grad. ``f`` evaluates X + dX from those factors, so the gradient with respect to
the parameters at zero is the Euclidean gradient contracted with the tangent space's
interfaces; the gauge projections then give the Riemannian gradient exactly. Cost: one
evaluation of f and one backward pass (plus O((m + n) r^2), resp. O(d n r^3)).

``f`` receives a :class:`TorchLowRank` (``full()``, ``at(rows, cols)``, factors ``A``,
``B`` with X = A B^T) or a :class:`TorchTT` (``full()``, ``at(indices)``, ``dot``,
``norm``, ``cores``) and returns a scalar torch tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, NumericalError
from lorank.manifold._tt_hessian import _delta_train
from lorank.manifold.fixed_rank import FixedRankMatrix, LowRankPoint, LowRankTangent
from lorank.manifold.fixed_rank_tt import FixedRankTT, TTPoint, TTTangent, _gauged

__all__ = ["TorchLowRank", "TorchTT", "riemannian_grad", "riemannian_hvp"]


class TorchLowRank:
    """A low-rank matrix ``A @ B.T`` with torch factors (what ``f`` receives)."""

    def __init__(self, a: Any, b: Any):
        self.A, self.B = a, b

    @property
    def shape(self) -> tuple[int, int]:
        return (self.A.shape[0], self.B.shape[0])

    def full(self) -> Any:
        return self.A @ self.B.T

    def at(self, rows: Any, cols: Any) -> Any:
        return (self.A[rows] * self.B[cols]).sum(dim=1)


class TorchTT:
    """A tensor train with torch cores (what ``f`` receives)."""

    def __init__(self, cores: list[Any]):
        self.cores = cores

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(c.shape[1] for c in self.cores)

    def full(self) -> Any:
        out = self.cores[0]
        for c in self.cores[1:]:
            out = (out.reshape(-1, c.shape[0]) @ c.reshape(c.shape[0], -1))
        return out.reshape(self.shape)

    def at(self, indices: Any) -> Any:
        import torch

        idx = torch.as_tensor(np.asarray(indices), dtype=torch.long)
        v = self.cores[0][0, idx[:, 0], :]
        for k, c in enumerate(self.cores[1:], start=1):
            v = torch.einsum("Na,aNb->Nb", v, c[:, idx[:, k], :])
        return v[:, 0]

    def dot(self, other: TorchTT) -> Any:
        v = None
        for a, b in zip(self.cores, other.cores):
            t = b if v is None else (v @ b.reshape(b.shape[0], -1)).reshape(-1, b.shape[1], b.shape[2])
            v = a.reshape(-1, a.shape[2]).T @ t.reshape(-1, b.shape[2])
        return v[0, 0]

    def norm(self) -> Any:
        return self.dot(self).clamp_min(0).sqrt()


def _scalar(value: Any, who: str) -> Any:
    if getattr(value, "ndim", None) != 0:
        msg = f"{who}: f must return a scalar torch tensor, got {type(value).__name__} " \
              f"of shape {tuple(getattr(value, 'shape', ()))}"
        raise ArgumentError(msg)
    if not bool(value.detach().isfinite()):
        msg = f"{who}: f returned {float(value.detach())}"
        raise NumericalError(msg)
    return value


def riemannian_grad(f: Callable[[Any], Any], manifold: Any, x: Any) -> tuple[float, Any]:
    """``(f(X), grad f(X))``: the value and the Riemannian gradient (a tangent vector at x of
    ``manifold``, a FixedRankMatrix or FixedRankTT) by one backward pass through f."""
    import torch

    who = "riemannian_grad"
    if isinstance(manifold, FixedRankMatrix) and isinstance(x, LowRankPoint):
        return _matrix_grad(torch, f, x, who)
    if isinstance(manifold, FixedRankTT) and isinstance(x, TTPoint):
        return _tt_grad(torch, f, x, who)
    msg = f"{who}: expected (FixedRankMatrix, LowRankPoint) or (FixedRankTT, TTPoint)"
    raise ArgumentError(msg)


def _matrix_grad(torch: Any, f: Callable[[Any], Any], x: LowRankPoint, who: str) -> tuple[float, Any]:
    u, s, v = (torch.as_tensor(np.array(a)) for a in (x.U, x.S, x.V))  # writable copies
    r = s.shape[0]
    m_core = torch.zeros((r, r), dtype=u.dtype, requires_grad=True)
    up = torch.zeros(u.shape, dtype=u.dtype, requires_grad=True)
    vp = torch.zeros(v.shape, dtype=u.dtype, requires_grad=True)
    # X + dX = (U (S + M) + Up) V^T + U Vp^T = [U (S + M) + Up, U] [V, Vp]^T
    a = torch.cat([u @ (s + m_core) + up, u], dim=1)
    b = torch.cat([v, vp], dim=1)
    value = _scalar(f(TorchLowRank(a, b)), who)
    gm, gu, gv = torch.autograd.grad(value, (m_core, up, vp))
    gm, gu, gv = gm.numpy(), gu.numpy(), gv.numpy()
    # d/dM = U^T G V; d/dUp = G V; d/dVp = G^T U: project Up, Vp onto the complements.
    return float(value.detach()), LowRankTangent(gm, gu - x.U @ (x.U.T @ gu), gv - x.V @ (x.V.T @ gv))


def _tt_grad(torch: Any, f: Callable[[Any], Any], x: TTPoint, who: str) -> tuple[float, Any]:
    left = [torch.as_tensor(np.array(c)) for c in x.left]  # writable copies
    right = [torch.as_tensor(np.array(c)) for c in x.right]
    deltas = [torch.zeros(c.shape, dtype=c.dtype, requires_grad=True) for c in left]
    value = _scalar(f(TorchTT(_delta_train(torch, left, right, deltas))), who)
    grads = torch.autograd.grad(value, deltas)
    out = _gauged(x.left, [g.numpy() for g in grads])
    return float(value.detach()), TTTangent(tuple(out))


def riemannian_hvp(f: Callable[[Any], Any], manifold: Any, x: Any, xi: Any) -> Any:
    """The Riemannian Hessian of f at x applied to the tangent vector xi.

    On the fixed-TT-rank manifold: ``P_X(d/dt grad f(c(t)))`` along a curve of fixed ranks
    through X with velocity xi, by one forward-mode pass over the reverse-mode gradient
    (see :mod:`lorank.manifold._tt_hessian`): exact, curvature term included; about twice
    the cost of :func:`riemannian_grad` plus O(d n r^3).

    On the fixed-rank matrix manifold:

    ``Hess f(X)[xi] = P_X(D^2 f(X)[xi]) + (0, P_U^perp G Vp S^-1, P_V^perp G^T Up S^-T)``

    (the second term is the Weingarten map's curvature correction with G = grad f(X);
    Vandereycken 2013, Prop. 2.3; Absil, Mahony, Trumpf 2013). The projected Euclidean
    Hessian comes from forward-over-reverse differentiation of the parametrization that
    :func:`riemannian_grad` uses (a second backward pass through the first one), and the
    products G Vp, G^T Up from zero probe columns in the same first pass: cost about two
    evaluations of f's backward pass.
    """
    import torch

    who = "riemannian_hvp"
    if isinstance(manifold, FixedRankTT) and isinstance(x, TTPoint) and isinstance(xi, TTTangent):
        from lorank.manifold._tt_hessian import tt_hvp

        manifold.check_tangent(x, xi, who)
        return TTTangent(tuple(tt_hvp(f, x, xi, lambda v: _scalar(v, who), TorchTT)))
    if not (isinstance(manifold, FixedRankMatrix) and isinstance(x, LowRankPoint)
            and isinstance(xi, LowRankTangent)):
        msg = f"{who}: expected (FixedRankMatrix, LowRankPoint, LowRankTangent) or " \
              f"(FixedRankTT, TTPoint, TTTangent)"
        raise ArgumentError(msg)
    u, s, v = (torch.as_tensor(np.array(a)) for a in (x.U, x.S, x.V))
    up_xi, vp_xi, m_xi = (torch.as_tensor(np.array(a)) for a in (xi.Up, xi.Vp, xi.M))
    r = s.shape[0]
    m_core = torch.zeros((r, r), dtype=u.dtype, requires_grad=True)
    up = torch.zeros(u.shape, dtype=u.dtype, requires_grad=True)
    vp = torch.zeros(v.shape, dtype=u.dtype, requires_grad=True)
    probe_a = torch.zeros(u.shape, dtype=u.dtype, requires_grad=True)  # d/d probe_a = G Vp_xi
    probe_b = torch.zeros(v.shape, dtype=u.dtype, requires_grad=True)  # d/d probe_b = G^T Up_xi
    a = torch.cat([u @ (s + m_core) + up, u, probe_a, up_xi], dim=1)
    b = torch.cat([v, vp, vp_xi, probe_b], dim=1)
    value = _scalar(f(TorchLowRank(a, b)), who)
    gm, gu, gv, g_vp, g_up = torch.autograd.grad(value, (m_core, up, vp, probe_a, probe_b),
                                                 create_graph=True)
    # <grad phi, xi_params>: its gradient in the parameters is J^T D^2 f J xi.
    pairing = (gm * m_xi).sum() + (gu * up_xi).sum() + (gv * vp_xi).sum()
    hm, hu, hv = torch.autograd.grad(pairing, (m_core, up, vp))
    hm, hu, hv = hm.numpy(), hu.numpy(), hv.numpy()
    s_inv = np.linalg.inv(x.S)
    hu = hu + g_vp.detach().numpy() @ s_inv
    hv = hv + g_up.detach().numpy() @ s_inv.T
    return LowRankTangent(hm, hu - x.U @ (x.U.T @ hu), hv - x.V @ (x.V.T @ hv))
