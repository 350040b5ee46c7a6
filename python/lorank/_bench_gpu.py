# SPDX-License-Identifier: MIT
"""``lorank bench --device cuda``: GPU workloads timed by wall clock (device synchronized
around each call), side by side with plain PyTorch on the same GPU, the launch-bound anchor
of the design card, and with lorank's own sequential CuPy sweep where one exists.

Errors are measured on the CPU against the input, as for the CPU workloads.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import lorank
from lorank._bench_base import Workload
from lorank._device import to_device


def _cupy() -> Any:
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # noqa: BLE001  (no CuPy, no driver, no device: all mean "no GPU")
        pass
    from lorank.errors import NotBuiltError

    msg = "bench: device='cuda' needs CuPy and a visible GPU (bench/gpu_check.sh builds for one)"
    raise NotBuiltError(msg)


def _torch_cuda() -> Any | None:
    """torch when it is installed and sees the GPU, else None."""
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    return torch if torch.cuda.is_available() else None


def gpu_times(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, Any]:
    """Median wall time of each function with the GPU synchronized before and after each
    call (one untimed warm-up call first), and its last result; or the exception raised."""
    cp, torch = _cupy(), _torch_cuda()

    def sync() -> None:
        cp.cuda.Device().synchronize()
        if torch is not None:
            torch.cuda.synchronize()

    out: dict[str, Any] = {}
    for name, fn in fns.items():
        try:
            result = fn()
            times = []
            for _ in range(repeat):
                sync()
                t0 = time.perf_counter()
                result = fn()
                sync()
                times.append(time.perf_counter() - t0)
            out[name] = (float(np.median(times)), result)
        except Exception as exc:  # noqa: BLE001  (a broken peer must not stop the run)
            out[name] = exc
    return out


def _torch_cores(torch: Any, cores: list[Any]) -> list[Any]:
    return [torch.from_dlpack(c) for c in cores]


def _host(a: Any) -> np.ndarray:
    """A torch or CuPy array copied to a NumPy array."""
    return a.cpu().numpy() if hasattr(a, "cpu") else to_device(a, "cpu")


def _rel_to(x: lorank.TT, cores: list[Any]) -> float:
    y = lorank.TT([_host(c) for c in cores])
    return (x - y).norm(accurate=True) / x.norm(accurate=True)


def torch_round(torch: Any, cores: list[Any], max_rank: int) -> list[Any]:
    """Plain rounding in PyTorch: QR sweep left to right, truncated SVDs right to left."""
    cores = list(cores)
    for k in range(len(cores) - 1):
        r0, n, r1 = cores[k].shape
        q, r = torch.linalg.qr(cores[k].reshape(r0 * n, r1))
        cores[k] = q.reshape(r0, n, -1)
        cores[k + 1] = torch.tensordot(r, cores[k + 1], dims=1)
    for k in range(len(cores) - 1, 0, -1):
        r0, n, r1 = cores[k].shape
        u, s, vh = torch.linalg.svd(cores[k].reshape(r0, n * r1), full_matrices=False)
        rank = min(max_rank, s.shape[0])
        cores[k] = vh[:rank].reshape(rank, n, r1)
        cores[k - 1] = torch.tensordot(cores[k - 1], u[:, :rank] * s[:rank], dims=1)
    return cores


class GpuRound(Workload):
    name = "gpu_round"
    description = "round a random TT d=50, n=4, r=60 to max_rank 30 on the GPU"
    has_twin = False

    def setup(self, quick: bool) -> None:
        self.x = lorank.tt.random([4] * (20 if quick else 50), 60, rng=0)
        self.g = self.x.to("cuda")

    def ours(self) -> Any:
        return self.g.round(max_rank=30).cores

    def peers(self) -> dict[str, Callable[[], Any]]:
        runs = {"sequential": lambda: self.g.round(max_rank=30, method="orth-gram").cores}
        torch = _torch_cuda()
        if torch is not None:
            cores = _torch_cores(torch, list(self.g.cores))
            runs["torch"] = lambda: torch_round(torch, cores, 30)
        return runs

    def error(self, result: Any) -> float:
        return _rel_to(self.x, result)


class GpuNorm(Workload):
    name = "gpu_norm"
    description = "norm of a random TT d=100, n=2, r=40 on the GPU"
    has_twin = False

    def setup(self, quick: bool) -> None:
        self.x = lorank.tt.random([2] * 100, 40, rng=1)
        self.g = self.x.to("cuda")
        self.exact = self.x.norm(accurate=True)

    def ours(self) -> Any:
        return self.g.norm()

    def peers(self) -> dict[str, Callable[[], Any]]:
        torch = _torch_cuda()
        if torch is None:
            return {}
        cores = _torch_cores(torch, list(self.g.cores))

        def gram_norm() -> float:  # the plain Gram recursion, rescaled as it goes
            v, log_scale = torch.ones((1, 1), dtype=cores[0].dtype, device=cores[0].device), 0.0
            scales = []
            for c in cores:
                v = torch.einsum("ab,aic,bid->cd", v, c, c)
                m = v.abs().max()
                scales.append(m)
                v = v / m
            log_scale = float(torch.log(torch.stack(scales)).sum())
            return float(np.sqrt(float(v[0, 0]) * np.exp(log_scale)))

        return {"torch": gram_norm}

    def error(self, result: Any) -> float:
        return abs(float(result) - self.exact) / self.exact


class GpuAt(Workload):
    name = "gpu_at"
    description = "1e5 entries of a random TT d=50, n=4, r=60 on the GPU"
    has_twin = False

    def setup(self, quick: bool) -> None:
        cp = _cupy()
        self.x = lorank.tt.random([4] * 50, 60, rng=2)
        self.g = self.x.to("cuda")
        count = 10_000 if quick else 100_000
        self.idx = np.random.default_rng(0).integers(0, 4, size=(count, 50))
        self.gidx = cp.asarray(self.idx)
        self.exact = self.x.at(self.idx)

    def ours(self) -> Any:
        return self.g.at(self.gidx)

    def peers(self) -> dict[str, Callable[[], Any]]:
        torch = _torch_cuda()
        if torch is None:
            return {}
        cores = _torch_cores(torch, list(self.g.cores))
        idx = torch.from_dlpack(self.gidx)

        def gather_chain() -> Any:
            v = cores[0][0, idx[:, 0], :]
            for k in range(1, len(cores)):
                v = torch.einsum("ba,abc->bc", v, cores[k][:, idx[:, k], :])
            return v[:, 0]

        return {"torch": gather_chain}

    def error(self, result: Any) -> float:
        got = _host(result)
        return float(np.max(np.abs(got - self.exact)) / np.max(np.abs(self.exact)))


class GpuVGF(Workload):
    """The Vico-Greengard-Ferrando Newton potential of a Gaussian applied on the GPU
    (precomputed on the CPU): lorank's pruned real cuFFT path against a plain torch.fft
    apply (complex (2n)^3 FFTs) with the same kernel spectrum."""

    name = "gpu_vgf_256"
    description = "VGF Newton potential apply on a 256^3 grid on the GPU"
    has_twin = False
    size = 256

    def setup(self, quick: bool) -> None:
        from lorank._bench_qtt import _SIGMA
        from lorank.qtt import newton_potential

        cp = _cupy()
        n = self.size // 4 if quick else self.size
        self.op = newton_potential(n, workers=-1)  # precompute on all host cores
        x = self.op.grid()
        r = np.sqrt(sum(np.meshgrid(x**2, x**2, x**2, indexing="ij")))
        self.f = cp.asarray(np.exp(-(r**2) / _SIGMA**2))
        from scipy import special

        rs = np.where(r == 0, 1.0, r)
        self.exact = np.where(r == 0, _SIGMA**2 / 2, np.pi**1.5 * _SIGMA**3 / (4 * np.pi)
                              * special.erf(rs / _SIGMA) / rs)

    def ours(self) -> Any:
        return self.op(self.f)

    def peers(self) -> dict[str, Callable[[], Any]]:
        torch = _torch_cuda()
        if torch is None:
            return {}
        n = self.op.n
        half = self.op.spectrum  # (2n, 2n, n + 1): mirror the last axis for the full grid
        full = np.concatenate([half, half[:, :, 1:n][:, :, ::-1]], axis=2)
        spec = torch.from_numpy(full).to("cuda")
        f = torch.from_dlpack(self.f)

        def plain() -> Any:
            big = torch.fft.fftn(f, s=(2 * n,) * 3)
            return torch.fft.ifftn(big * spec)[:n, :n, :n].real

        return {"torch": plain}

    def error(self, result: Any) -> float:
        got = result.cpu().numpy() if hasattr(result, "cpu") else _host(result)
        return float(np.abs(got - self.exact).max() / np.abs(self.exact).max())


class GpuVGF512(GpuVGF):
    name = "gpu_vgf_512"
    description = "VGF Newton potential apply on a 512^3 grid on the GPU"
    size = 512


class GpuKron(Workload):
    """DyKAF's factor update of 8 float32 layers on the GPU: lorank's batched kernel (4 or 6
    batched GEMMs and 3-4 launches for the whole group, no host synchronization) against the
    same step written in torch, layer by layer (what a PyTorch optimizer runs; its norms
    are read on the host). Scored against the float64 CPU twin."""

    name = "gpu_kron"
    description = "DyKAF factor update (KSL step), 8 layers 2048 x 1024 (quick: 512 x 256), float32, GPU"
    has_twin = False
    scheme = "ksl"

    def setup(self, quick: bool) -> None:
        from lorank._bench_dlr import kron_problem
        from lorank._reference.kron_ksl import kron_ksl_update

        torch = _torch_cuda()
        if torch is None:
            from lorank.errors import NotBuiltError

            raise NotBuiltError("bench: gpu_kron needs torch with CUDA")
        gs, lefts, rights = kron_problem(*((512, 256) if quick else (2048, 1024)))

        def cuda(arrays: list[np.ndarray]) -> list[Any]:
            return [torch.from_numpy(a.astype(np.float32)).to("cuda") for a in arrays]

        self.gs, self.left0, self.right0 = cuda(gs), cuda(lefts), cuda(rights)
        kron_ksl_update(gs, lefts, rights, 0.95, self.scheme)  # the float64 truth
        self.expected = lefts + rights

    def _fresh(self) -> tuple[list[Any], list[Any]]:
        return [x.clone() for x in self.left0], [x.clone() for x in self.right0]

    def ours(self) -> Any:
        from lorank._kernels import cuda_kron_update

        lefts, rights = self._fresh()
        if not all(cuda_kron_update(self.gs, lefts, rights, 0.95, self.scheme)):
            from lorank.errors import NotBuiltError

            raise NotBuiltError("bench: gpu_kron needs lorank._cuda (bench/gpu_check.sh builds it)")
        return lefts + rights

    def peers(self) -> dict[str, Callable[[], Any]]:
        from lorank._reference.kron_ksl import bug_step, ksl_step

        step = bug_step if self.scheme == "bug" else ksl_step

        def run() -> Any:
            lefts, rights = self._fresh()
            for g, left, right in zip(self.gs, lefts, rights):
                step(g, left, right, 0.95)
            return lefts + rights

        return {"torch": run}

    def error(self, result: Any) -> float:
        return max(float(np.abs(a.cpu().numpy() - b).max() / np.abs(b).max())
                   for a, b in zip(result, self.expected))


class GpuKronGalerkin(GpuKron):
    name = "gpu_kron_bug"
    description = "DyKAF factor update (public code's Galerkin step), 8 layers 2048 x 1024, float32, GPU"
    scheme = "bug"


GPU_WORKLOADS: dict[str, type[Workload]] = {
    w.name: w for w in (GpuRound, GpuNorm, GpuAt, GpuVGF, GpuVGF512, GpuKron, GpuKronGalerkin)}
