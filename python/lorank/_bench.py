# SPDX-License-Identifier: MIT
"""Curated microbenchmarks behind ``lorank bench``: lorank and its peers side by side.

Each workload builds its data once, times lorank and every installed peer (teneva,
tntorch, torchtt, ttpy) in this process, single-threaded, as the median CPU time of
several runs, and reports the relative error of each result against an independent
check. Without an installed peer the pure-NumPy ``_reference`` twin is the comparison.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

import lorank
from lorank._bench_base import Workload, _as_tt, _have, _tntorch_tt, _torch, _ttpy
from lorank._bench_cross import CROSS_WORKLOADS
from lorank._bench_dlr import DLR_WORKLOADS
from lorank._bench_krylov import KRYLOV_WORKLOADS
from lorank._bench_manifold import MANIFOLD_WORKLOADS
from lorank._bench_qtt import QTT_WORKLOADS
from lorank._bench_solve import SOLVE_WORKLOADS
from lorank._reference import tt as ref

__all__ = ["BenchResult", "WORKLOADS", "run"]


@dataclass
class BenchResult:
    """One workload: lorank's time and error, and each peer's (seconds, relative error)."""

    workload: str
    lorank_s: float
    lorank_error: float
    peers: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: function evaluations of cross workloads (lorank's and each peer's), else empty
    evals: dict[str, int] = field(default_factory=dict)

    def best_peer(self) -> tuple[str, float, float] | None:
        """(name, seconds, error) of the fastest peer, or None."""
        if not self.peers:
            return None
        name = min(self.peers, key=lambda k: self.peers[k][0])
        return name, *self.peers[name]


def cpu_times(
    fns: dict[str, Callable[[], Any]], min_repeat: int, budget_s: float = 0.3, max_repeat: int = 51,
    blocks: int = 3,
) -> dict[str, tuple[float, Any] | BaseException]:
    """Median CPU time and last result of each function, or the exception it raised.

    Each function gets about `budget_s` of timed calls (at least `min_repeat`, at most
    `max_repeat`), made in `blocks` runs of consecutive calls that alternate between the
    functions: the caches are warm within a run (as in a timeit loop), and a drift in
    machine load over the measurement hits every function alike. A fast function re-warms
    with one untimed call at the start of each run.
    """
    plan: dict[str, list[Any]] = {}  # name -> [calls wanted, warm-up seconds, times, result]
    out: dict[str, tuple[float, Any] | BaseException] = {}
    for name, fn in fns.items():
        try:
            t0 = time.process_time()
            result = fn()
            warm = time.process_time() - t0
        except Exception as exc:  # noqa: BLE001  (a broken peer must not stop the run)
            out[name] = exc
            continue
        wanted = int(min(max_repeat, max(min_repeat, budget_s // max(warm, 1e-6))))
        plan[name] = [wanted, warm, [], result]
    for block in range(blocks):
        for name in list(plan):
            wanted, warm, times, _ = plan[name]
            calls = wanted * (block + 1) // blocks - len(times)
            try:
                if block > 0 and calls > 0 and warm < 0.05:
                    fns[name]()
                for _ in range(calls):
                    t0 = time.process_time()
                    plan[name][3] = fns[name]()
                    times.append(time.process_time() - t0)
            except Exception as exc:  # noqa: BLE001
                out[name] = exc
                del plan[name]
    for name, (_, _, times, result) in plan.items():
        out[name] = (float(np.median(times)), result)
    return out


def _dot_extended(x: Any, y: Any) -> float:
    """<x, y> of two real trains in NumPy's extended precision (x87 long double where the
    platform has it), scaled by exact powers of two: the yardstick for the dot and norm
    errors, some digits beyond what any double-precision library returns."""
    ld = np.longdouble
    v, exponent = np.ones((1, 1), dtype=ld), 0
    for a, b in zip(x, y):
        t = np.tensordot(v, np.asarray(b, dtype=ld), axes=1)
        v = np.tensordot(np.asarray(a, dtype=ld), t, axes=([0, 1], [0, 1]))
        _, e = np.frexp(np.abs(v).max())
        v, exponent = np.ldexp(v, -int(e)), exponent + int(e)
    return float(np.ldexp(v[0, 0], exponent))


def _rel(x: lorank.TT, y: lorank.TT) -> float:
    # QR-based norm: the Gram recursion would floor a difference's norm at sqrt(eps).
    return (x - y).norm(accurate=True) / x.norm(accurate=True)


class TTSVD(Workload):
    name = "tt_svd"
    description = "TT-SVD of 1/(1+sum x_i^2) on the 4^10 grid in [0,1], rtol 1e-8"

    def setup(self, quick: bool) -> None:
        d = 8 if quick else 10
        g = np.linspace(0.0, 1.0, 4)
        self.a = 1.0 / (1.0 + sum(np.meshgrid(*([g**2] * d), indexing="ij")))
        self.rtol = 1e-8

    def ours(self) -> Any:
        return lorank.TT.from_dense(self.a, rtol=self.rtol)

    def reference(self) -> Any:
        return _as_tt(ref.tt_svd(self.a, self.rtol, [])[0])

    def peers(self) -> dict[str, Callable[[], Any]]:
        p: dict[str, Callable[[], Any]] = {}
        if _have("teneva"):
            import teneva

            p["teneva"] = lambda: _as_tt(teneva.svd(self.a, self.rtol))
        ttpy = _ttpy()
        if ttpy is not None:
            p["ttpy"] = lambda: _as_tt(ttpy.tensor.to_list(ttpy.tensor(self.a, self.rtol)))
        if _have("torchtt"):
            torch = _torch()
            import torchtt

            at = torch.from_numpy(self.a)
            p["torchtt"] = lambda: _as_tt(torchtt.TT(at, eps=self.rtol).cores)
        if _have("tntorch"):
            torch = _torch()
            import tntorch

            at = torch.from_numpy(self.a)
            p["tntorch"] = lambda: _tntorch_tt(tntorch.Tensor(at, eps=self.rtol))
        return p

    def error(self, result: Any) -> float:
        return float(np.linalg.norm(result.full() - self.a) / np.linalg.norm(self.a))


class RoundWorkload(Workload):
    """Shared peers for rounding ``self.x`` with ``self.rtol`` / ``self.max_rank``."""

    x: lorank.TT
    rtol: float
    max_rank: int

    def ours(self) -> Any:
        return self.x.round(rtol=self.rtol, max_rank=self.max_rank)

    def reference(self) -> Any:
        return _as_tt(ref.round(list(self.x.cores), self.rtol, [self.max_rank] * (self.x.ndim - 1))[0])

    def peers(self) -> dict[str, Callable[[], Any]]:
        p: dict[str, Callable[[], Any]] = {}
        cores = [np.array(c) for c in self.x.cores]
        if _have("teneva"):
            import teneva

            p["teneva"] = lambda: _as_tt(teneva.truncate(cores, self.rtol, self.max_rank))
        ttpy = _ttpy()
        if ttpy is not None:
            ptx = ttpy.tensor.from_list(cores)
            p["ttpy"] = lambda: _as_tt(ttpy.tensor.to_list(ptx.round(self.rtol, self.max_rank)))
        if _have("torchtt"):
            torch = _torch()
            import torchtt

            tx = torchtt.TT([torch.from_numpy(c) for c in cores])
            p["torchtt"] = lambda: _as_tt(tx.round(self.rtol, self.max_rank).cores)
        if _have("tntorch"):
            torch = _torch()
            import tntorch

            def run_tntorch() -> Any:
                t = tntorch.Tensor([torch.from_numpy(c.copy()) for c in cores])
                t.round_tt(eps=self.rtol, rmax=self.max_rank)
                return _as_tt(t.cores)

            p["tntorch"] = run_tntorch
        return p

    def error(self, result: Any) -> float:
        return _rel(self.x, result)


class RoundRandom(RoundWorkload):
    name = "round_r60"
    description = "round a random TT d=50, n=4, r=60 to max_rank 30"

    def setup(self, quick: bool) -> None:
        self.x = lorank.tt.random([4] * (20 if quick else 50), 60, rng=0)
        self.rtol, self.max_rank = 1e-14, 30


class RoundSum(RoundWorkload):
    name = "round_sum4"
    description = "round the sum of 4 random TTs (d=50, n=4, r=20), rtol 1e-10, max_rank 40"

    def setup(self, quick: bool) -> None:
        d = 20 if quick else 50
        xs = [lorank.tt.random([4] * d, 20, rng=i) for i in range(4)]
        self.x = xs[0] + xs[1] + xs[2] + xs[3]
        self.rtol, self.max_rank = 1e-10, 40


class RoundRedundant(RoundWorkload):
    name = "round_ax"
    description = "round a*x + b*x + c*x + e*x (true rank 20, d=50, n=4) back to rank 20"

    def setup(self, quick: bool) -> None:
        x = lorank.tt.random([4] * (20 if quick else 50), 20, rng=0)
        self.x = 0.5 * x + 1.5 * x + (-0.75) * x + 2.0 * x
        self.rtol, self.max_rank = 1e-13, 20


class DotNorm(Workload):
    name = "dot"
    description = "dot of two TTs d=100, n=2, r=40"

    def setup(self, quick: bool) -> None:
        d = 40 if quick else 100
        self.x = lorank.tt.random([2] * d, 40, rng=0)
        self.y = lorank.tt.random([2] * d, 40, rng=1)
        self.exact = _dot_extended(self.x.cores, self.y.cores)

    def ours(self) -> Any:
        return self.x.dot(self.y)

    def reference(self) -> Any:
        m, s = ref.dot(list(self.x.cores), list(self.y.cores))
        return m * math.exp(s)

    def peers(self) -> dict[str, Callable[[], Any]]:
        p: dict[str, Callable[[], Any]] = {}
        xc, yc = [np.array(c) for c in self.x.cores], [np.array(c) for c in self.y.cores]
        if _have("teneva"):
            import teneva

            p["teneva"] = lambda: float(teneva.mul_scalar(xc, yc))
        ttpy = _ttpy()
        if ttpy is not None:
            px, py = ttpy.tensor.from_list(xc), ttpy.tensor.from_list(yc)
            p["ttpy"] = lambda: float(ttpy.dot(px, py))
        if _have("torchtt"):
            torch = _torch()
            import torchtt

            ttx = torchtt.TT([torch.from_numpy(c) for c in xc])
            tty = torchtt.TT([torch.from_numpy(c) for c in yc])
            p["torchtt"] = lambda: float(torchtt.dot(ttx, tty))
        if _have("tntorch"):
            torch = _torch()
            import tntorch

            tx = tntorch.Tensor([torch.from_numpy(c) for c in xc])
            ty = tntorch.Tensor([torch.from_numpy(c) for c in yc])
            p["tntorch"] = lambda: float(tntorch.dot(tx, ty))
        return p

    def error(self, result: Any) -> float:
        return abs(result - self.exact) / abs(self.exact)


class Norm(DotNorm):
    name = "norm"
    description = "norm of a TT d=100, n=2, r=40"

    def setup(self, quick: bool) -> None:
        super().setup(quick)
        self.exact = math.sqrt(_dot_extended(self.x.cores, self.x.cores))

    def ours(self) -> Any:
        return self.x.norm()

    def reference(self) -> Any:
        m, s = ref.dot(list(self.x.cores), list(self.x.cores))
        return math.sqrt(abs(m)) * math.exp(s / 2)

    def peers(self) -> dict[str, Callable[[], Any]]:
        p: dict[str, Callable[[], Any]] = {}
        xc = [np.array(c) for c in self.x.cores]
        if _have("teneva"):
            import teneva

            p["teneva"] = lambda: float(teneva.norm(xc))
        ttpy = _ttpy()
        if ttpy is not None:
            px = ttpy.tensor.from_list(xc)
            p["ttpy"] = lambda: float(px.norm())
        if _have("torchtt"):
            torch = _torch()
            import torchtt

            ttx = torchtt.TT([torch.from_numpy(c) for c in xc])
            p["torchtt"] = lambda: float(ttx.norm())
        if _have("tntorch"):
            torch = _torch()
            import tntorch

            tx = tntorch.Tensor([torch.from_numpy(c) for c in xc])
            p["tntorch"] = lambda: float(tx.norm())
        return p


class MatVec(Workload):
    name = "apply"
    description = "TT-matrix (d=20, n=2, rank 5) times TT (rank 20), rounded to max_rank 40"

    def setup(self, quick: bool) -> None:
        d = 10 if quick else 20
        rng = np.random.default_rng(0)
        ranks = [1] + [5] * (d - 1) + [1]
        self.a = lorank.TTMatrix(
            [rng.standard_normal((ranks[k], 2, 2, ranks[k + 1])) / np.sqrt(2 * ranks[k]) for k in range(d)]
        )
        self.x = lorank.tt.random([2] * d, 20, rng=1)
        self.exact = self.a @ self.x
        self.max_rank = 40

    def ours(self) -> Any:
        return self.a.apply(self.x, rtol=1e-14, max_rank=self.max_rank)

    def reference(self) -> Any:
        return _as_tt(ref.matmul(list(self.a.cores), list(self.a.row_shape), list(self.a.col_shape),
                                 list(self.x.cores), [1] * self.x.ndim, 1e-14,
                                 [self.max_rank] * (self.x.ndim - 1), "svd", True)[0])

    def peers(self) -> dict[str, Callable[[], Any]]:
        p: dict[str, Callable[[], Any]] = {}
        ttpy = _ttpy()
        if ttpy is not None:
            pa = ttpy.matrix.from_list([np.array(c) for c in self.a.cores])
            px = ttpy.tensor.from_list([np.array(c) for c in self.x.cores])
            p["ttpy"] = lambda: _as_tt(ttpy.tensor.to_list(ttpy.matvec(pa, px).round(1e-14, self.max_rank)))
        if _have("torchtt"):
            torch = _torch()
            import torchtt

            ta = torchtt.TT([torch.from_numpy(np.array(c)) for c in self.a.cores])
            tx = torchtt.TT([torch.from_numpy(np.array(c)) for c in self.x.cores])
            p["torchtt"] = lambda: _as_tt((ta @ tx).round(1e-14, self.max_rank).cores)
        return p

    def error(self, result: Any) -> float:
        return _rel(self.exact, result)


WORKLOADS: dict[str, type[Workload]] = {
    w.name: w
    for w in (TTSVD, RoundRandom, RoundSum, RoundRedundant, DotNorm, Norm, MatVec, *CROSS_WORKLOADS,
              *KRYLOV_WORKLOADS, *MANIFOLD_WORKLOADS, *QTT_WORKLOADS, *SOLVE_WORKLOADS,
              *DLR_WORKLOADS)
}


def run(
    *, quick: bool = False, filter: str | None = None, progress: bool = True,  # noqa: A002
    device: str = "cpu",
) -> list[BenchResult]:
    """Run the curated workloads and return their results (see :class:`BenchResult`)."""
    from lorank._loader import set_blas_threads

    set_blas_threads(1)
    _limit_peer_threads()
    workloads = WORKLOADS
    if device == "cuda":
        from lorank import _bench_gpu

        _bench_gpu._cupy()  # a clear NotBuiltError without CuPy or a GPU
        workloads = _bench_gpu.GPU_WORKLOADS
    elif device != "cpu":
        from lorank.errors import ArgumentError

        msg = f"bench: device must be 'cpu' or 'cuda', got {device!r}"
        raise ArgumentError(msg)
    parts = None if filter is None else [p for p in filter.split(",") if p]
    names = [n for n in workloads if parts is None or any(p in n for p in parts)]
    bar = _progress(len(names), progress)
    repeat = 3 if quick else 7
    results = []
    for name in names:
        w = workloads[name]()
        w.setup(quick)
        peers = w.peers()
        if not peers and w.has_twin:
            peers = {"_reference": w.reference}
        if device == "cuda":
            timed = _bench_gpu.gpu_times({_OURS: w.ours, **peers}, repeat)
        else:
            timed = cpu_times({_OURS: w.ours, **peers}, getattr(w, "min_repeat", repeat),
                              budget_s=0.1 if quick else 0.3)
        ours = timed.pop(_OURS)
        if isinstance(ours, BaseException):
            raise ours
        res = BenchResult(name, ours[0], w.error(ours[1]))
        if hasattr(ours[1], "n_evals"):
            res.evals["lorank"] = int(ours[1].n_evals)
        for peer, got in timed.items():
            if isinstance(got, BaseException):
                res.peers[peer] = (math.nan, math.nan)
                print(f"  {name}: peer {peer} failed: {type(got).__name__}: {got}")
            else:
                res.peers[peer] = (got[0], w.error(got[1]))
                if hasattr(got[1], "n_evals"):
                    res.evals[peer] = int(got[1].n_evals)
        results.append(res)
        bar(name)
    return results


_OURS = "\0lorank"  # a key no peer name can take


def _limit_peer_threads() -> None:
    if _have("threadpoolctl"):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)


def _progress(total: int, enabled: bool) -> Callable[[str], None]:
    if not enabled:
        return lambda _name: None
    if _have("tqdm"):
        from tqdm import tqdm

        bar = tqdm(total=total, desc="lorank bench", unit="workload")

        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)
            if bar.n == total:
                bar.close()

        return step
    count = [0]

    def step_plain(name: str) -> None:
        count[0] += 1
        print(f"[{count[0]}/{total}] {name}", flush=True)

    return step_plain


def table(results: list[BenchResult]) -> str:
    """Plain-text table: workload, lorank time and error, best peer, its time, ratio, error."""
    w = max([12] + [len(r.workload) for r in results])
    head = f"{'workload':<{w}} {'lorank ms':>10} {'error':>9}  {'peer':<11} {'peer ms':>9} {'error':>9} {'ratio':>7}"
    lines = [head, "-" * len(head)]
    for r in results:
        best = r.best_peer()
        if best is None:
            lines.append(f"{r.workload:<{w}} {r.lorank_s * 1e3:>10.3f} {r.lorank_error:>9.1e}")
            continue
        name, pt, perr = best
        ratio = pt / r.lorank_s if r.lorank_s > 0 else math.inf
        lines.append(
            f"{r.workload:<{w}} {r.lorank_s * 1e3:>10.3f} {r.lorank_error:>9.1e}  {name:<11} "
            f"{pt * 1e3:>9.3f} {perr:>9.1e} {ratio:>6.2f}x"
        )
        for other, (ot, oerr) in sorted(r.peers.items()):
            if other != name:
                lines.append(f"{'':<{w}} {'':>10} {'':>9}  {other:<11} {ot * 1e3:>9.3f} {oerr:>9.1e} "
                             f"{ot / r.lorank_s if r.lorank_s > 0 else math.inf:>6.2f}x")
    return "\n".join(lines)


def evals_table(results: list[BenchResult]) -> str:
    """Evaluations of the cross workloads, lorank first; empty when none ran."""
    rows = [r for r in results if r.evals]
    if not rows:
        return ""
    lines = ["function evaluations (cross), products with A and A^T (svd), iterations (complete):"]
    for r in rows:
        ours = r.evals.get("lorank", 0)
        parts = [f"lorank {ours}"] + [f"{k} {v} ({v / ours:.2f}x)" if ours else f"{k} {v}"
                                      for k, v in sorted(r.evals.items()) if k != "lorank"]
        lines.append(f"  {r.workload:<12} " + ", ".join(parts))
    return "\n".join(lines)


def as_json(results: list[BenchResult]) -> list[dict[str, Any]]:
    """Results as JSON-ready dicts."""
    return [asdict(r) for r in results]

