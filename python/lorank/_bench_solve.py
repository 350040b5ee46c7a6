# SPDX-License-Identifier: MIT
"""Solver workloads of ``lorank bench``: the Heisenberg ground state by two-site DMRG
(against quimb's DMRG2 and TeNPy's DMRG with U(1) symmetry), ten Henon-Heiles levels by the
block TT eigensolver (against ttpy's ``eigb``), and a 10-D Laplace system by AMEn (against
ttpy's ``amen_solve``). Errors are against published or exact values."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from lorank import models, solve
from lorank._bench_base import Workload, _have, _ttpy

HEISENBERG_E0 = {10: -4.258035207282886, 20: -8.682473334398974, 50: -21.97211028124}
HH4_LEVELS = np.array([
    1.9957253378751, 2.9726016923967, 2.9809904441421, 2.9871812546158, 2.9892544667787,
    3.8453108901830, 3.9029557002384, 3.9310258624284, 3.9620504953455, 3.9626708429767])
HH10_LEVELS = np.array([
    5.00148804793, 5.98264655011, 5.98391621493, 5.98591273994, 5.98845433129,
    5.99129025238, 5.99411774473, 5.99627269822, 5.99661277022, 5.99847138536])


class DMRGHeisenberg(Workload):
    name = "dmrg_heisenberg"
    description = "ground state of the open XXX chain, L = 50 (quick: 20), to 1e-9 absolute"
    has_twin = False
    max_error = 1e-9
    min_repeat = 1

    def setup(self, quick: bool) -> None:
        self.L = 20 if quick else 50
        self.chi = 64 if quick else 100
        self.rtol = 1e-6 if quick else 3e-7
        self.h = models.heisenberg(self.L)

    def ours(self) -> Any:
        res = solve.eigsh(self.h, max_rank=self.chi, rtol=self.rtol, residuals=False, rng=0)
        return float(res.values[0])

    def peers(self) -> dict[str, Callable[[], Any]]:
        out: dict[str, Callable[[], Any]] = {}
        if _have("quimb"):
            out["quimb"] = self._quimb
        if _have("tenpy"):
            out["tenpy-U1"] = self._tenpy
        return out

    def _quimb(self) -> float:
        import quimb.tensor as qtn

        dmrg = qtn.DMRG2(qtn.MPO_ham_heis(self.L, cyclic=False), bond_dims=[self.chi],
                         cutoffs=1e-10)
        dmrg.solve(tol=1e-10, verbosity=0)
        return float(np.real(dmrg.energy))

    def _tenpy(self) -> float:
        from tenpy.algorithms import dmrg
        from tenpy.models.xxz_chain import XXZChain
        from tenpy.networks.mps import MPS

        logging.disable(logging.CRITICAL)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = XXZChain({"L": self.L, "Jxx": 1.0, "Jz": 1.0, "hz": 0.0,
                              "bc_MPS": "finite", "conserve": "Sz"})
            psi = MPS.from_product_state(model.lat.mps_sites(), ["up", "down"] * (self.L // 2),
                                         bc="finite")
            # the loosest of (1e-11, 1e-10), (1e-10, 1e-9), (1e-9, 1e-8) measured: all three reach
            # 1.2e-10 at L = 50 (session 12), this one fastest
            info = dmrg.run(psi, model, {"mixer": True, "max_E_err": 1e-10, "max_sweeps": 40,
                                         "trunc_params": {"chi_max": self.chi, "svd_min": 1e-9}})
        return float(info["E"])

    def error(self, result: Any) -> float:
        return abs(result - HEISENBERG_E0[self.L])


class BlockHenonHeiles(Workload):
    """Ten lowest Henon-Heiles levels; the error is the largest deviation from the list.

    Ours starts from the mean-field product states (``start='auto'``, deterministic); ttpy
    from random trains, whose sweeps' path (when a state enters the block, how many sweeps
    it takes) depends on the start: run times vary by 2x from one start to the next. So
    every timed call uses a new start (ttpy's NumPy global state advancing) and the median of
    ``min_repeat`` calls is reported; a second peer column runs ttpy from our product
    states (the start's share of the ratio). Each side runs at the
    tolerance about 3x below the loosest that failed the accuracy target from some start
    (measured, bench/README.md): ours rtol 1e-5 (d = 4: 4.9e-9; 3e-5: 2.0e-8, 2e-5: 1.5e-8;
    the product start holds the valley state) and 3e-5 (d = 10; 1e-4: 7.8e-7); ttpy's eigb
    tol 3e-5 (1e-4 missed the valley state from one of four starts) and 1e-4 (3e-4:
    1.2e-7)."""

    has_twin = False
    max_error = 1e-7
    min_repeat = 4
    d = n = 0
    quartic = False
    rtol = 1e-6
    peer_tol = 3e-5
    levels = HH4_LEVELS
    method = "auto"

    def setup(self, quick: bool) -> None:
        self.h = models.henon_heiles(self.d, self.n, quartic=self.quartic)
        self.seed = 0
        if quick:  # a grid small enough for a dense reference
            self.h = models.henon_heiles(3, 10, quartic=self.quartic)
            self.levels = np.linalg.eigvalsh(self.h.full())[:10]

    def ours(self) -> Any:
        self.seed += 1
        # residuals=True: the issue asks for residual-certified levels (the TT residual of
        # every level, computed for the block at the cost of one train's residual)
        res = solve.eigsh(self.h, 10, max_rank=60, rtol=self.rtol, residuals=True, rng=self.seed,
                          method=self.method)
        return np.asarray(res.values)

    def peers(self) -> dict[str, Callable[[], Any]]:
        tt = _ttpy()
        if tt is None:
            return {}
        from tt.eigb import eigb

        a = tt.matrix.from_list([np.asarray(c) for c in self.h.cores])
        d, n = self.h.ndim, self.h.row_shape[0]

        def run(y0: Any = None) -> Any:
            if y0 is None:
                y0 = tt.rand(np.array([n] * d), d, np.array([1] + [5] * (d - 1) + [10]))
            # (eigb's Fortran runtime buffers its sweep log and prints it at exit, verb=0 or not)
            _, lam = eigb(a, y0, self.peer_tol, rmax=60, nswp=30, verb=0)
            return np.sort(lam)

        def product_run() -> Any:  # ttpy started from our product states: the start's share
            states = solve.product_states(self.h, 10)[0]
            return run(tt.vector.from_list(_ttpy_block(states)))

        return {"ttpy-eigb": run, "ttpy-eigb+our-start": product_run}

    def error(self, result: Any) -> float:
        return float(np.max(np.abs(np.asarray(result) - self.levels)))


def _ttpy_block(states: list[Any]) -> list[np.ndarray]:
    """k rank-1 trains as the cores of one block train in ttpy's eigb layout (the last
    rank is the block index): block-diagonal cores of rank k."""
    k, d = len(states), states[0].ndim
    cores = []
    for j in range(d):
        n = states[0].shape[j]
        core = np.zeros((1 if j == 0 else k, n, k))
        for p, x in enumerate(states):
            core[0 if j == 0 else p, :, p] = np.asarray(x.cores[j]).reshape(n).real
        cores.append(core)
    return cores


class BlockHenonHeiles4(BlockHenonHeiles):
    name = "block_hh4"
    description = "10 lowest Henon-Heiles levels, d = 4, 28-point DVR (quick: d = 3, n = 10)"
    d, n, quartic, rtol = 4, 28, False, 1e-5
    max_error = 1e-8  # the target at d = 4
    levels = HH4_LEVELS


class BlockHenonHeiles10(BlockHenonHeiles):
    name = "block_hh10"
    description = "10 lowest Henon-Heiles levels, d = 10, 16-point DVR, quartic (quick: d = 3)"
    d, n, quartic, rtol, peer_tol = 10, 16, True, 3e-5, 1e-4
    levels = HH10_LEVELS


class AmenLaplace(Workload):
    name = "amen_laplace"
    description = "-Laplace x = 1 on 16^10 (quick: 8^6) grid points by AMEn, rtol 1e-8"
    has_twin = False
    max_error = 1e-7
    min_repeat = 1

    def setup(self, quick: bool) -> None:
        shape = (8,) * 6 if quick else (16,) * 10
        self.a = models.laplace(shape)
        import lorank

        self.b = lorank.tt.ones(shape)

    def ours(self) -> Any:
        return solve.amen(self.a, self.b, rtol=1e-8, rng=0).x

    def peers(self) -> dict[str, Callable[[], Any]]:
        # ttpy's amen_solve fails on current numpy (as its amen_mv does); torchtt's runs
        if not _have("torchtt"):
            return {}
        import torchtt

        from lorank._bench_base import _torch

        torch = _torch()
        a = torchtt.TT([torch.from_numpy(np.array(c)) for c in self.a.cores])
        b = torchtt.TT([torch.from_numpy(np.array(c)) for c in self.b.cores])

        def run() -> Any:
            import lorank

            x = torchtt.solvers.amen_solve(a, b, eps=1e-8, verbose=False)
            return lorank.TT([c.numpy() for c in x.cores])

        return {"torchtt-amen": run}

    def error(self, result: Any) -> float:
        r = self.b - self.a @ result
        return float(r.norm(accurate=True) / self.b.norm())


class AlsLaplace(AmenLaplace):
    name = "als_laplace"
    description = "amen_laplace by two-site ALS (solve.als)"

    def ours(self) -> Any:
        return solve.als(self.a, self.b, rtol=1e-8, rng=0).x


class RiemannianHenonHeiles4(BlockHenonHeiles4):
    name = "riemannian_hh4"
    description = "block_hh4 by the Riemannian block eigensolver (eigsh method='riemannian')"
    method, rtol = "riemannian", 1e-6
    min_repeat = 2  # 7-8 s a call


class RiemannianHenonHeiles10(BlockHenonHeiles10):
    name = "riemannian_hh10"
    description = "block_hh10 by the Riemannian block eigensolver (eigsh method='riemannian')"
    method, rtol = "riemannian", 3e-6
    min_repeat = 2  # 7-8 s a call


SOLVE_WORKLOADS = (DMRGHeisenberg, BlockHenonHeiles4, BlockHenonHeiles10, RiemannianHenonHeiles4,
                   RiemannianHenonHeiles10, AmenLaplace, AlsLaplace)
