# SPDX-License-Identifier: MIT
"""Cross-approximation workloads of ``lorank bench``: evaluations, time and error of
lorank's ``tt.cross`` and of the peers' crosses (ttpy ``rect_cross``, tntorch ``cross``,
teneva ``cross``) on one function, n = 16 points per mode, error on 10^4 random points.

Every library calls the same counted oracle, so ``n_evals`` includes whatever each spends
on validation."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import lorank
from lorank._bench_base import Workload, _as_tt, _have, _torch, _ttpy


@dataclass
class Counted:
    """A cross result: the train and the evaluations it took."""

    tt: lorank.TT
    n_evals: int


class _Oracle:
    """f on int64 multi-indices, counting rows."""

    def __init__(self, f: Callable[[np.ndarray], np.ndarray]) -> None:
        self.f, self.count = f, 0

    def __call__(self, idx: Any) -> np.ndarray:
        idx = np.asarray(idx, dtype=np.int64)
        self.count += len(idx)
        return self.f(idx)


class CrossWorkload(Workload):
    """Shared runners: ``self.f`` (indices -> values), ``self.shape``, ``self.rtol``."""

    f: Callable[[np.ndarray], np.ndarray]
    shape: tuple[int, ...]
    rtol = 1e-6
    min_repeat = 1  # a cross takes 0.05-10 s: one timed call after the warm one
    # ttpy's eps bounds a change between sweeps, not the error: each workload uses the
    # fastest of eps in {1e-3, 1e-4, 1e-5, 1e-6} x kickrank in {1, 2} whose error on the
    # test points meets rtol (measured 2026-11-27; bench/README.md).
    ttpy_options: dict[str, Any] = {"eps": 1e-3, "kickrank": 2}
    has_twin = False  # without peers the table shows lorank alone

    def _points(self) -> None:
        rng = np.random.default_rng(12345)
        self.test = np.column_stack([rng.integers(0, n, 10_000) for n in self.shape])
        self.exact = self.f(self.test)

    def ours(self) -> Any:
        oracle = _Oracle(self.f)
        res = lorank.tt.cross(oracle, self.shape, rtol=self.rtol, rng=0)
        return Counted(res.tt, oracle.count)

    def peers(self) -> dict[str, Callable[[], Any]]:
        p: dict[str, Callable[[], Any]] = {}
        d, n = len(self.shape), self.shape[0]
        ttpy = _ttpy()
        if ttpy is not None:
            from tt.cross.rectcross import rect_cross

            def run_ttpy() -> Counted:
                oracle = _Oracle(self.f)
                np.random.seed(0)
                x0 = ttpy.rand(n, d, 2)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    y = rect_cross.cross(oracle, x0, nswp=20, verbose=False, **self.ttpy_options)
                return Counted(_as_tt(ttpy.tensor.to_list(y)), oracle.count)

            p["ttpy"] = run_ttpy
        if _have("tntorch"):
            torch = _torch()
            import tntorch

            def run_tntorch() -> Counted:
                oracle = _Oracle(self.f)
                torch.manual_seed(0)
                np.random.seed(0)

                def fun(*xs: Any) -> Any:
                    idx = torch.stack(xs, dim=1).numpy().astype(np.int64)
                    return torch.from_numpy(oracle(idx))

                domain = [torch.arange(m) for m in self.shape]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # its note about the optional maxvolpy
                    t = tntorch.cross(function=fun, domain=domain, eps=self.rtol, verbose=False,
                                      suppress_warnings=True)
                return Counted(_as_tt([c.numpy() for c in t.cores]), oracle.count)

            p["tntorch"] = run_tntorch
        if _have("teneva"):
            import teneva

            def run_teneva() -> Counted:
                oracle = _Oracle(self.f)
                rng = np.random.default_rng(0)
                vld = np.column_stack([rng.integers(0, m, 1000) for m in self.shape])
                y = teneva.cross(oracle, teneva.rand(list(self.shape), 1, seed=0), e=self.rtol,
                                 nswp=40, dr_max=2, I_vld=vld, y_vld=oracle(vld),
                                 e_vld=self.rtol)
                return Counted(_as_tt(y), oracle.count)

            p["teneva"] = run_teneva
        return p

    def error(self, result: Any) -> float:
        got = result.tt.at(self.test)
        return float(np.linalg.norm(got - self.exact) / np.linalg.norm(self.exact))


def _inverse_norm(d: int) -> Callable[[np.ndarray], np.ndarray]:
    grid = np.linspace(0.0, 1.0, 16)

    def f(idx: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.sqrt((grid[idx] ** 2).sum(axis=1)))

    return f


class CrossInverseNorm(CrossWorkload):
    name = "cross_d10"
    description = "cross of 1/(1+|x|) on [0,1]^10, 16 points per mode, rtol 1e-6"
    d = 10

    def setup(self, quick: bool) -> None:
        self.shape = (16,) * (self.d if not quick else min(self.d, 8))
        self.f = _inverse_norm(len(self.shape))
        self._points()


class CrossInverseNorm50(CrossInverseNorm):
    name = "cross_d50"
    description = "cross of 1/(1+|x|) on [0,1]^50, 16 points per mode, rtol 1e-6"
    d = 50

    def setup(self, quick: bool) -> None:
        self.shape = (16,) * (20 if quick else 50)
        self.f = _inverse_norm(len(self.shape))
        self._points()


class CrossRosenbrock(CrossWorkload):
    name = "cross_rosen"
    description = "cross of Rosenbrock on [-2,2]^50 (TT rank 3), 16 points per mode, rtol 1e-6"
    ttpy_options = {"eps": 1e-6, "kickrank": 1}

    def setup(self, quick: bool) -> None:
        self.shape = (16,) * (20 if quick else 50)
        grid = np.linspace(-2.0, 2.0, 16)

        def f(idx: np.ndarray) -> np.ndarray:
            x = grid[idx]
            return (100.0 * (x[:, 1:] - x[:, :-1] ** 2) ** 2 + (1.0 - x[:, :-1]) ** 2).sum(axis=1)

        self.f = f
        self._points()


CROSS_WORKLOADS = (CrossInverseNorm, CrossInverseNorm50, CrossRosenbrock)
