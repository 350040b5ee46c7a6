# SPDX-License-Identifier: MIT
"""Kronecker-factored optimizers for matrix parameters: DyKAF (factors tracked by the
projector-splitting integrator), SOAP (Adam in the eigenbasis of Shampoo's factors) and
Shampoo. Parameters that are not matrices fall back to Adam in all three."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from lorank._reference.kron_ksl import bug_step, ksl_step
from lorank.errors import ArgumentError

__all__ = ["SOAP", "DyKAF", "Shampoo"]


def _check(lr: float, betas: Any, eps: float, weight_decay: float, frequency: int, cap: int,
           who: str) -> None:
    if not (isinstance(lr, (int, float)) and lr > 0 and math.isfinite(lr)):
        raise ArgumentError(f"{who}: lr must be a positive number, got {lr!r}")
    if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
        raise ArgumentError(f"{who}: betas must be two numbers in [0, 1), got {betas!r}")
    if not eps > 0:
        raise ArgumentError(f"{who}: eps must be positive, got {eps!r}")
    if weight_decay < 0:
        raise ArgumentError(f"{who}: weight_decay must be >= 0, got {weight_decay!r}")
    if not (isinstance(frequency, int) and frequency >= 1):
        raise ArgumentError(f"{who}: precondition_frequency must be an integer >= 1, got {frequency!r}")
    if not (isinstance(cap, int) and cap >= 1):
        raise ArgumentError(f"{who}: max_precond_dim must be an integer >= 1, got {cap!r}")


def _eigenbasis(factor: torch.Tensor | None) -> torch.Tensor | None:
    """Eigenvectors of a symmetric factor, largest eigenvalue first (None: one-sided)."""
    if factor is None:
        return None
    _, vecs = torch.linalg.eigh(factor.double())
    return vecs.flip(-1).to(factor.dtype)


def _rotate(g: torch.Tensor, ql: torch.Tensor | None, qr: torch.Tensor | None, back: bool = False) -> torch.Tensor:
    """Q_L^T G Q_R (or Q_L G Q_R^T when back), skipping a side without a basis."""
    if ql is not None:
        g = ql @ g if back else ql.T @ g
    if qr is not None:
        g = g @ qr.T if back else g @ qr
    return g


class _Base(torch.optim.Optimizer):
    """Shared machinery: NaN skipping, weight decay, the Adam fallback for non-matrices."""

    name = "optimizer"

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        super().__init__(params, defaults)

    def _finite(self) -> bool:
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None and not torch.isfinite(p.grad).all():
                    warnings.warn(f"{self.name}: a gradient has NaN or Inf entries; the step is "
                                  "skipped and no state changes", RuntimeWarning, stacklevel=3)
                    return False
        return True

    @staticmethod
    def _adam(p: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        g = p.grad
        b1, b2 = group["betas"]
        if "exp_avg" not in state:
            state["exp_avg"] = torch.zeros_like(p)
            state["exp_avg_sq"] = torch.zeros_like(p)
            state["step"] = 0
        state["step"] += 1
        state["exp_avg"].mul_(b1).add_(g, alpha=1 - b1)
        state["exp_avg_sq"].mul_(b2).addcmul_(g, g, value=1 - b2)
        t = state["step"]
        denom = (state["exp_avg_sq"] / (1 - b2**t)).sqrt_().add_(group["eps"])
        p.addcdiv_(state["exp_avg"], denom, value=-group["lr"] / (1 - b1**t))

    def _decay(self, p: torch.Tensor, group: dict[str, Any]) -> None:
        if group["weight_decay"]:
            p.mul_(1 - group["lr"] * group["weight_decay"])

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:
        """One step for every parameter with a gradient; none at all (and a RuntimeWarning)
        when some gradient has NaN or Inf entries."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        if not self._finite():
            return loss
        for group in self.param_groups:
            pending = []
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                self._decay(p, group)
                if p.ndim != 2:
                    self._adam(p, state, group)
                elif self._matrix_step(p, state, group):
                    pending.append((p.grad, state))
            if pending:
                self._after_group(pending, group)
        return loss

    def _matrix_step(self, p: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> bool:
        """Update a matrix parameter; True when its factors are to be updated afterwards."""
        raise NotImplementedError

    def _after_group(self, pending: list[tuple[torch.Tensor, dict[str, Any]]], group: dict[str, Any]) -> None:
        """Work done once per group on the parameters `_matrix_step` returned True for."""


class SOAP(_Base):
    """SOAP (Vyas et al., "SOAP: Improving and Stabilizing Shampoo using Adam", 2024): Adam
    run in the eigenbasis of Shampoo's factors ``L = EMA(G G^T)``, ``R = EMA(G^T G)``, the
    basis refreshed every ``precondition_frequency`` steps (by ``eigh``); sides larger than
    ``max_precond_dim`` are not rotated (one-sided mode). The first step only initializes
    the factors, as in the paper. Non-matrix parameters use Adam. Decoupled weight decay.
    """

    name = "SOAP"

    def __init__(self, params: Iterable[Any], lr: float = 3e-3, betas: tuple[float, float] = (0.95, 0.95),
                 shampoo_beta: float = 0.95, eps: float = 1e-8, weight_decay: float = 0.0,
                 precondition_frequency: int = 10, max_precond_dim: int = 4096) -> None:
        _check(lr, betas, eps, weight_decay, precondition_frequency, max_precond_dim, self.name)
        if not 0 <= shampoo_beta < 1:
            raise ArgumentError(f"{self.name}: shampoo_beta must be in [0, 1), got {shampoo_beta!r}")
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "shampoo_beta": shampoo_beta,
                                  "eps": eps, "weight_decay": weight_decay,
                                  "precondition_frequency": precondition_frequency,
                                  "max_precond_dim": max_precond_dim})

    # the factor update is what DyKAF replaces
    def _init_factors(self, g: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        cap = group["max_precond_dim"]
        state["L"] = g @ g.T if g.shape[0] <= cap else None
        state["R"] = g.T @ g if g.shape[1] <= cap else None

    def _update_factors(self, items: list[tuple[torch.Tensor, dict[str, Any]]], group: dict[str, Any]) -> None:
        b = group["shampoo_beta"]
        for g, state in items:
            if state["L"] is not None:
                state["L"].mul_(b).add_(g @ g.T, alpha=1 - b)
            if state["R"] is not None:
                state["R"].mul_(b).add_(g.T @ g, alpha=1 - b)

    def _matrix_step(self, p: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> bool:
        g = p.grad
        if "step" not in state:  # first step: factors and bases only
            state["step"] = 0
            state["exp_avg"] = torch.zeros_like(p)
            state["exp_avg_sq"] = torch.zeros_like(p)
            self._init_factors(g, state, group)
            state["QL"], state["QR"] = _eigenbasis(state["L"]), _eigenbasis(state["R"])
            return False
        state["step"] += 1
        t = state["step"]
        b1, b2 = group["betas"]
        rot = _rotate(g, state["QL"], state["QR"])
        state["exp_avg"].mul_(b1).add_(g, alpha=1 - b1)
        self._second_moment(state, rot, b2)
        direction = _rotate(state["exp_avg"], state["QL"], state["QR"]) / (1 - b1**t)
        denom = (self._moment(state) / (1 - b2**t)).sqrt_().add_(group["eps"])
        p.add_(_rotate(direction / denom, state["QL"], state["QR"], back=True), alpha=-group["lr"])
        return True

    def _after_group(self, pending: list[tuple[torch.Tensor, dict[str, Any]]], group: dict[str, Any]) -> None:
        self._update_factors(pending, group)
        for _, state in pending:
            if state["step"] % group["precondition_frequency"] == 0:
                state["QL"], state["QR"] = _eigenbasis(state["L"]), _eigenbasis(state["R"])

    def _second_moment(self, state: dict[str, Any], rot: torch.Tensor, b2: float) -> None:
        state["exp_avg_sq"].mul_(b2).addcmul_(rot, rot, value=1 - b2)

    def _moment(self, state: dict[str, Any]) -> torch.Tensor:
        return state["exp_avg_sq"]


class DyKAF(SOAP):
    """DyKAF (Yudin, Grishina, Veprikov, Beznosikov, Rakhuba, "DyKAF: Dynamical Kronecker
    Approximation of the Fisher Information Matrix for Gradient Preconditioning", 2025;
    public code: github.com/Vepricov/LIB, ``src/optimizers/dykaf.py``).

    SOAP's preconditioning (Adam in the eigenbasis of the Kronecker factors, refreshed every
    ``precondition_frequency`` steps, one-sided above ``max_precond_dim``, the first step
    only initializing), with the factors of each matrix parameter following the empirical
    Fisher ``F_t = beta F_{t-1} + (1 - beta) vec(G) vec(G)^T ~ L_t (x) R_t`` by one step of a
    rank-one dynamical low-rank integrator on its Van Loan rearrangement per update
    (:class:`lorank.dlr.KroneckerFactors`), started from the top singular pair of the first
    gradient. ``update='bug'`` (default, the public code's step): K- and L-steps from the
    same old factors, then the Galerkin S-step (the fixed-rank "unconventional" integrator
    of Ceruti and Lubich 2022); ``update='ksl'``: the Lubich-Oseledets projector-splitting
    step (K, backward S, L). The factor updates of all parameters of a group run in one
    compiled call for CPU tensors, and in one batched CUDA launch sequence per shape for
    float32/float64 GPU tensors when ``lorank._cuda`` is built (no host synchronization).

    ``factored_second_moment=True`` (default, as the public code's ``adam_rank_one``) keeps
    Adam's second moment of the rotated gradient as a rank-one ``l r^T``, itself followed by
    the same basis-update-and-Galerkin step on ``beta2 l r^T + (1 - beta2) G'^2`` (l, r start
    at eps times ones); False keeps the full elementwise moment as in SOAP.

    Where this differs from the public code (our choices, kept on purpose): bases are
    refreshed by ``eigh`` (the code: one power step and QR, SOAP's shortcut); ``eps`` is added
    to the square-rooted moment in rank-one mode too; a side above the cap keeps SOAP's
    exponential average of ``G G^T`` (the code sums ``G G^T`` onto a large multiple of the
    identity, without decay); no weight decay by default (the code: 0.01).
    """

    name = "DyKAF"

    def __init__(self, params: Iterable[Any], lr: float = 3e-3, betas: tuple[float, float] = (0.95, 0.95),
                 shampoo_beta: float = 0.95, eps: float = 1e-8, weight_decay: float = 0.0,
                 precondition_frequency: int = 10, max_precond_dim: int = 4096,
                 factored_second_moment: bool = True, update: str = "bug") -> None:
        if update not in ("bug", "ksl"):
            raise ArgumentError(f"{self.name}: update must be 'bug' or 'ksl', got {update!r}")
        super().__init__(params, lr, betas, shampoo_beta, eps, weight_decay, precondition_frequency,
                         max_precond_dim)
        for group in self.param_groups:
            group.setdefault("factored_second_moment", bool(factored_second_moment))
            group.setdefault("update", update)

    def _init_factors(self, g: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["factored"] = group["factored_second_moment"]  # this parameter's group decides
        state["moment_eps"] = group["eps"]
        cap = group["max_precond_dim"]
        if g.shape[0] > cap or g.shape[1] > cap:  # one-sided: SOAP's average on the small side
            super()._init_factors(g, state, group)
            state["ksl"] = False
            return
        u, s, vh = torch.linalg.svd(g.double(), full_matrices=False)
        w = 1 - group["shampoo_beta"]
        state["L"] = (w * s[0] ** 2 * torch.outer(u[:, 0], u[:, 0])).to(g.dtype).contiguous()
        state["R"] = torch.outer(vh[0], vh[0]).to(g.dtype).contiguous()
        state["ksl"] = True

    def _update_factors(self, items: list[tuple[torch.Tensor, dict[str, Any]]], group: dict[str, Any]) -> None:
        ksl = [(g, s) for g, s in items if s["ksl"]]
        rest = [(g, s) for g, s in items if not s["ksl"]]
        if rest:
            super()._update_factors(rest, group)
        if not ksl:
            return
        beta, scheme = group["shampoo_beta"], group["update"]
        def host(g: torch.Tensor) -> bool:
            return g.device.type == "cpu" and g.dtype in (torch.float32, torch.float64)

        on_cpu = [(g, s) for g, s in ksl if host(g)]
        if on_cpu:
            from lorank import _core

            _core.kron_ksl_update([np.ascontiguousarray(g.numpy()) for g, _ in on_cpu],
                                  [s["L"].numpy() for _, s in on_cpu],
                                  [s["R"].numpy() for _, s in on_cpu], beta, scheme)
        elsewhere = [(g, s) for g, s in ksl if not host(g)]
        if not elsewhere:
            return
        from lorank._kernels import cuda_kron_update

        done = cuda_kron_update([g for g, _ in elsewhere], [s["L"] for _, s in elsewhere],
                                [s["R"] for _, s in elsewhere], beta, scheme)
        for (g, s), on_gpu in zip(elsewhere, done):
            if not on_gpu:  # the array-generic step (no CUDA build, half precision)
                (bug_step if scheme == "bug" else ksl_step)(g, s["L"], s["R"], beta)

    def _second_moment(self, state: dict[str, Any], rot: torch.Tensor, b2: float) -> None:
        if not state["factored"]:
            super()._second_moment(state, rot, b2)
            return
        if "l" not in state:  # eps times ones, as the public code starts them
            state["l"] = torch.full((rot.shape[0],), state["moment_eps"], dtype=rot.dtype, device=rot.device)
            state["r"] = torch.full((rot.shape[1],), state["moment_eps"], dtype=rot.dtype, device=rot.device)
        _rank_one_moment(state["l"], state["r"], rot * rot, b2)

    def _moment(self, state: dict[str, Any]) -> torch.Tensor:
        if "l" not in state:
            return state["exp_avg_sq"]
        return torch.outer(state["l"], state["r"])


def _rank_one_moment(rows: torch.Tensor, cols: torch.Tensor, sq: torch.Tensor, b2: float) -> None:
    """In place: ``rows cols^T`` follows ``b2 rows cols^T + (1 - b2) sq`` by one
    basis-update-and-Galerkin step (both vectors updated from the old ones, then the
    Galerkin scale)."""
    nl, nr = torch.linalg.norm(rows), torch.linalg.norm(cols)
    if not (nl > 0 and nr > 0):
        return
    lh, rh = rows / nl, cols / nr
    ln = b2 * nl * nr * lh + (1 - b2) * (sq @ rh)
    rn = b2 * nl * nr * rh + (1 - b2) * (sq.T @ lh)
    if not (torch.linalg.norm(ln) > 0 and torch.linalg.norm(rn) > 0):
        return
    ln, rn = ln / torch.linalg.norm(ln), rn / torch.linalg.norm(rn)
    c = b2 * (ln @ lh) * (rn @ rh) * nl * nr + (1 - b2) * (ln @ sq @ rn)
    scale = torch.sqrt(torch.clamp(c, min=0.0))
    rows.copy_(ln * scale)
    cols.copy_(rn * scale)


class Shampoo(_Base):
    """Shampoo (Gupta, Koren, Singer, "Shampoo: Preconditioned Stochastic Tensor
    Optimization", ICML 2018) for matrix parameters: ``L = EMA(G G^T)``,
    ``R = EMA(G^T G)`` (``beta=1`` would be the paper's sums; we average), the direction
    ``(L + eps I)^{-1/4} M (R + eps I)^{-1/4}`` of the momentum M with the inverse roots
    refreshed every ``precondition_frequency`` steps, grafted to the norm of Adam's step
    for the same parameter (layer-wise grafting, as distributed Shampoo does) so that
    learning rates transfer from Adam. Sides above ``max_precond_dim`` are not
    preconditioned. Non-matrix parameters use Adam.
    """

    name = "Shampoo"

    def __init__(self, params: Iterable[Any], lr: float = 3e-3, betas: tuple[float, float] = (0.9, 0.95),
                 shampoo_beta: float = 0.95, eps: float = 1e-8, matrix_eps: float = 1e-6,
                 weight_decay: float = 0.0, precondition_frequency: int = 10,
                 max_precond_dim: int = 4096) -> None:
        _check(lr, betas, eps, weight_decay, precondition_frequency, max_precond_dim, self.name)
        if not 0 <= shampoo_beta < 1:
            raise ArgumentError(f"{self.name}: shampoo_beta must be in [0, 1), got {shampoo_beta!r}")
        if not matrix_eps > 0:
            raise ArgumentError(f"{self.name}: matrix_eps must be positive, got {matrix_eps!r}")
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "shampoo_beta": shampoo_beta,
                                  "eps": eps, "matrix_eps": matrix_eps, "weight_decay": weight_decay,
                                  "precondition_frequency": precondition_frequency,
                                  "max_precond_dim": max_precond_dim})

    @staticmethod
    def _inv_root(factor: torch.Tensor | None, eps: float) -> torch.Tensor | None:
        if factor is None:
            return None
        vals, vecs = torch.linalg.eigh(factor.double())
        scale = float(vals.max().clamp_min(0))
        roots = (vals.clamp_min(0) + eps * max(scale, 1e-30)) ** -0.25
        return ((vecs * roots) @ vecs.T).to(factor.dtype)

    def _matrix_step(self, p: torch.Tensor, state: dict[str, Any], group: dict[str, Any]) -> bool:
        g = p.grad
        b, cap = group["shampoo_beta"], group["max_precond_dim"]
        b1, b2 = group["betas"]
        if "step" not in state:
            state["step"] = 0
            state["L"] = torch.zeros(g.shape[0], g.shape[0], dtype=g.dtype) if g.shape[0] <= cap else None
            state["R"] = torch.zeros(g.shape[1], g.shape[1], dtype=g.dtype) if g.shape[1] <= cap else None
            state["exp_avg"] = torch.zeros_like(p)
            state["exp_avg_sq"] = torch.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        if state["L"] is not None:
            state["L"].mul_(b).add_(g @ g.T, alpha=1 - b)
        if state["R"] is not None:
            state["R"].mul_(b).add_(g.T @ g, alpha=1 - b)
        if t == 1 or t % group["precondition_frequency"] == 0:
            state["PL"] = self._inv_root(state["L"], group["matrix_eps"])
            state["PR"] = self._inv_root(state["R"], group["matrix_eps"])
        state["exp_avg"].mul_(b1).add_(g, alpha=1 - b1)
        state["exp_avg_sq"].mul_(b2).addcmul_(g, g, value=1 - b2)
        m = state["exp_avg"] / (1 - b1**t)
        adam = m / (state["exp_avg_sq"] / (1 - b2**t)).sqrt().add_(group["eps"])
        d = m
        if state["PL"] is not None:
            d = state["PL"] @ d
        if state["PR"] is not None:
            d = d @ state["PR"]
        p.add_(d * (adam.norm() / d.norm().clamp_min(1e-30)), alpha=-group["lr"])
        return False
