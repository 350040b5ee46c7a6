# SPDX-License-Identifier: MIT
"""The spectral norm of the softmax Jacobian as a differentiable torch function, and a
penalty on attention maps built from it.

For p = softmax(z) the Jacobian is J = diag(p) - p p^T; its largest eigenvalue lam lies in
[p_(2), p_(1)] and solves 1 = sum_i p_i^2 / (p_i - lam) (see
:mod:`lorank.spectral.attention`). Its eigenvector is v ~ p / (p - lam), and
d lam / d p_i = v^T (dJ / dp_i) v = v_i^2 - 2 (p . v) v_i (first-order perturbation of a
simple eigenvalue), so the backward pass is closed form, O(n) per row. With a tie
p_(1) = p_(2) the eigenvalue is p_(1), double, and the gradient of the eigenvector
e_1 - e_2 is used (a subgradient).
"""

from __future__ import annotations

from typing import Any

__all__ = ["softmax_jacobian_penalty", "softmax_jacobian_spectral_norm"]


def _norm_and_vector(p: Any) -> tuple[Any, Any]:
    """(lam, v) along the last axis of p >= 0, by 60 bisection steps on (p_(2), p_(1))."""
    import torch

    top = torch.topk(p, 2, dim=-1)
    hi, lo = top.values[..., :1], top.values[..., 1:2]
    left, right = lo.clone(), hi.clone()
    sq = p * p
    for _ in range(60):
        mid = 0.5 * (left + right)
        f = 1.0 - (sq / (p - mid)).sum(dim=-1, keepdim=True)
        go_right = f > 0
        left = torch.where(go_right, mid, left)
        right = torch.where(go_right, right, mid)
    lam = 0.5 * (left + right)
    tie = (hi - lo) <= 1e-15 * hi
    gap = torch.where(tie, torch.ones_like(p), p - lam)
    v = p / gap
    # a tie: the eigenvector e_1 - e_2 of the double eigenvalue p_(1)
    pair = torch.zeros_like(p).scatter(-1, top.indices[..., :1], 1.0).scatter(
        -1, top.indices[..., 1:2], -1.0)
    v = torch.where(tie, pair, v)
    v = v / v.norm(dim=-1, keepdim=True).clamp_min(1e-300)
    return torch.where(tie, hi, lam)[..., 0], v


def softmax_jacobian_spectral_norm(p: Any) -> Any:
    """||diag(p) - p p^T||_2 along the last axis of the torch tensor p (probabilities, e.g.
    an attention map (batch, heads, queries, keys)), differentiable in p."""
    import torch

    class _Norm(torch.autograd.Function):
        @staticmethod
        def forward(ctx: Any, probs: Any) -> Any:
            lam, v = _norm_and_vector(probs.detach())
            ctx.save_for_backward(probs.detach(), v)
            return lam

        @staticmethod
        def backward(ctx: Any, grad: Any) -> Any:
            probs, v = ctx.saved_tensors
            pv = (probs * v).sum(dim=-1, keepdim=True)
            return grad[..., None] * (v * v - 2.0 * pv * v)

    return _Norm.apply(p)


def softmax_jacobian_penalty(attention: Any) -> Any:
    """Mean over rows of the softmax Jacobian's spectral norm of an attention map (rows on
    the last axis): a Jacobian-softmax-norm penalty in the spirit of JaSMin (Yudin, Gaponov,
    Kudriashov, Rakhuba, 2025), with the exact norm; add it to a loss to flatten or sharpen
    the attention rows that dominate the local Lipschitz bound."""
    return softmax_jacobian_spectral_norm(attention).mean()
