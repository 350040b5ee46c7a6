# SPDX-License-Identifier: MIT
"""Dynamical low-rank workloads of ``lorank bench``: DyKAF's fused Kronecker-factor update
for every matrix of a model in one compiled call, against the same step written in torch
(what a PyTorch optimizer would run) and the NumPy twin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lorank import _core
from lorank._bench_base import Workload, _have, _torch
from lorank._reference.kron_ksl import bug_step, ksl_step
from lorank._reference.kron_ksl import kron_ksl_update as twin


class KronFactorUpdate(Workload):
    name = "kron_ksl"
    description = "DyKAF factor update (KSL step), 8 layers 512 x 256 (quick: 128 x 64), float32"
    min_repeat = 3
    scheme = "ksl"

    def setup(self, quick: bool) -> None:
        rng = np.random.default_rng(0)
        m, n = (128, 64) if quick else (512, 256)
        self.gs = [rng.standard_normal((m, n)).astype(np.float32) for _ in range(8)]
        self.left0 = [(lambda a: a @ a.T / m)(rng.standard_normal((m, m))).astype(np.float32) for _ in range(8)]
        self.right0 = []
        for _ in range(8):
            r = (lambda a: a @ a.T)(rng.standard_normal((n, n)))
            self.right0.append((r / np.linalg.norm(r)).astype(np.float32))
        # the truth in float64; every float32 implementation is scored against it
        ref_l = [x.astype(np.float64) for x in self.left0]
        ref_r = [x.astype(np.float64) for x in self.right0]
        twin([g.astype(np.float64) for g in self.gs], ref_l, ref_r, 0.95, self.scheme)
        self.expected = ref_l + ref_r

    def _fresh(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        return [x.copy() for x in self.left0], [x.copy() for x in self.right0]

    def ours(self) -> Any:
        lefts, rights = self._fresh()
        _core.kron_ksl_update(self.gs, lefts, rights, 0.95, self.scheme)
        return lefts + rights

    def reference(self) -> Any:
        lefts, rights = self._fresh()
        twin(self.gs, lefts, rights, 0.95, self.scheme)
        return lefts + rights

    def peers(self) -> dict[str, Callable[[], Any]]:
        if not _have("torch"):
            return {}
        torch = _torch()
        step = bug_step if self.scheme == "bug" else ksl_step

        gs = [torch.from_numpy(g) for g in self.gs]

        def run() -> Any:
            lefts, rights = self._fresh()
            tl, tr = [torch.from_numpy(x) for x in lefts], [torch.from_numpy(x) for x in rights]
            for g, left, right in zip(gs, tl, tr):
                step(g, left, right, 0.95)
            return lefts + rights

        return {"torch": run}

    def error(self, result: Any) -> float:
        return max(float(np.abs(a - b).max() / np.abs(b).max()) for a, b in zip(result, self.expected))


class KronFactorUpdateGalerkin(KronFactorUpdate):
    name = "kron_bug"
    description = "DyKAF factor update (public code's Galerkin step), 8 layers 512 x 256 (quick: 128 x 64)"
    scheme = "bug"


DLR_WORKLOADS = (KronFactorUpdate, KronFactorUpdateGalerkin)
