# SPDX-License-Identifier: MIT
"""Dynamical low-rank workloads of ``lorank bench``: DyKAF's fused Kronecker-factor update
for every matrix of a model in one compiled call, against the same step written in torch
(what a PyTorch optimizer would run) and the NumPy twin; a quench of an XXZ chain by the
two-site TT projector-splitting integrator against TeNPy's two-site TDVP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lorank import _core
from lorank._bench_base import Workload, _have, _torch
from lorank._reference.kron_ksl import bug_step, ksl_step
from lorank._reference.kron_ksl import kron_ksl_update as twin


def kron_problem(m: int, n: int, count: int = 8) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """`count` float64 gradients (m x n) with positive semidefinite factors L (m x m) and R
    (n x n, unit Frobenius norm), seed 0: the factor-update workloads' data (CPU and GPU)."""
    rng = np.random.default_rng(0)
    gs = [rng.standard_normal((m, n)) for _ in range(count)]
    lefts = [(lambda a: a @ a.T / m)(rng.standard_normal((m, m))) for _ in range(count)]
    rights = [(lambda a: a @ a.T)(rng.standard_normal((n, n))) for _ in range(count)]
    return gs, lefts, [r / np.linalg.norm(r) for r in rights]


class KronFactorUpdate(Workload):
    name = "kron_ksl"
    description = "DyKAF factor update (KSL step), 8 layers 512 x 256 (quick: 128 x 64), float32"
    min_repeat = 3
    scheme = "ksl"

    def setup(self, quick: bool) -> None:
        gs, lefts, rights = kron_problem(*((128, 64) if quick else (512, 256)))
        self.gs, self.left0, self.right0 = ([x.astype(np.float32) for x in xs] for xs in (gs, lefts, rights))
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


class TdvpQuench(Workload):
    """Neel state of the XXZ chain (Delta = 0.5) evolved to t = 1, dt = 0.05, ranks up to 32,
    by ``dlr.integrate_tt(method='tdvp2')`` and by TeNPy's TwoSiteTDVPEngine (no symmetry:
    its U(1) version was slower here at these ranks); the error is the distance to the
    exact state (sparse Hamiltonian, Krylov exponential of the full vector)."""

    name = "tdvp_quench"
    description = "Neel quench of the XXZ chain L = 20 (quick: 10) to t = 1, two-site TDVP, rank <= 32"
    has_twin = False
    min_repeat = 1
    max_error = 1e-4
    delta, chi, dt, t1 = 0.5, 32, 0.05, 1.0

    def setup(self, quick: bool) -> None:
        import scipy.sparse as sp
        from scipy.sparse.linalg import expm_multiply

        import lorank
        from lorank import models

        self.L = length = 10 if quick else 20
        h = models.heisenberg(length, delta=self.delta)
        cores = [np.asarray(c, dtype=complex) for c in h.cores]
        cores[0] = -1j * cores[0]
        self.a = lorank.TTMatrix.from_cores(cores)
        self.x = lorank.tt.rank1([np.eye(2)[i % 2] for i in range(length)])
        sz, up = sp.csr_matrix(np.diag([0.5, -0.5])), sp.csr_matrix(np.array([[0.0, 1.0], [0.0, 0.0]]))
        bond = 0.5 * (sp.kron(up, up.T) + sp.kron(up.T, up)) + self.delta * sp.kron(sz, sz)
        ham = sum(sp.kron(sp.kron(sp.identity(2**i), bond), sp.identity(2 ** (length - i - 2)))
                  for i in range(length - 1))
        self.exact = expm_multiply(-1j * self.t1 * ham.tocsr(), self.x.full().ravel().astype(complex))

    def ours(self) -> Any:
        from lorank import dlr

        res = dlr.integrate_tt(self.a, self.x, (0.0, self.t1), dt=self.dt, method="tdvp2", rtol=1e-10,
                               max_rank=self.chi)
        return res.y.full().ravel()

    def peers(self) -> dict[str, Callable[[], Any]]:
        return {"tenpy": self._tenpy} if _have("tenpy") else {}

    def _tenpy(self) -> Any:
        import logging
        import warnings

        from tenpy.algorithms.tdvp import TwoSiteTDVPEngine
        from tenpy.models.xxz_chain import XXZChain
        from tenpy.networks.mps import MPS

        logging.disable(logging.CRITICAL)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = XXZChain({"L": self.L, "Jxx": 1.0, "Jz": self.delta, "hz": 0.0, "bc_MPS": "finite",
                              "conserve": None})
            psi = MPS.from_product_state(model.lat.mps_sites(), ["up", "down"] * (self.L // 2), bc="finite")
            TwoSiteTDVPEngine(psi, model, {"dt": self.dt, "N_steps": round(self.t1 / self.dt),
                                           "trunc_params": {"chi_max": self.chi, "svd_min": 1e-10}}).run()
        return psi.get_theta(0, self.L).to_ndarray().reshape(-1)

    def error(self, result: Any) -> float:
        return float(np.linalg.norm(np.asarray(result) - self.exact))


DLR_WORKLOADS = (KronFactorUpdate, KronFactorUpdateGalerkin, TdvpQuench)
