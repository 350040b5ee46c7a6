# SPDX-License-Identifier: MIT
"""Krylov workloads of ``lorank bench``: the largest singular value of 2000 x 1000 matrices
with known spectra (lorank's Lanczos against SciPy's ``svds`` with ARPACK and PROPACK,
products counted for all), and products with a 512 x 512 x 3 x 3 convolution (lorank's
Conv2dOperator against torch's conv2d and conv_transpose2d)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lorank._bench_base import Workload, _have, _torch
from lorank.linalg import Conv2dOperator, lanczos_svd


@dataclass
class TopSingular:
    """A largest singular value and the products (with A and A^T) it took."""

    s: float
    n_evals: int


def known_spectrum(m: int, n: int, s: np.ndarray, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    u = np.linalg.qr(rng.standard_normal((m, len(s))))[0]
    v = np.linalg.qr(rng.standard_normal((n, len(s))))[0]
    return (u * s) @ v.T


def _counting(a: np.ndarray) -> Any:
    from scipy.sparse.linalg import LinearOperator

    class Counting(LinearOperator):
        def __init__(self) -> None:
            super().__init__(a.dtype, a.shape)
            self.count = 0

        def _matvec(self, x: Any) -> Any:
            self.count += 1
            return a @ x

        def _rmatvec(self, x: Any) -> Any:
            self.count += 1
            return a.T @ x

        def _matmat(self, x: Any) -> Any:
            self.count += x.shape[1]
            return a @ x

        def _rmatmat(self, x: Any) -> Any:
            self.count += x.shape[1]
            return a.T @ x

    return Counting()


class TopSingularWorkload(Workload):
    """||A||_2 of a matrix with singular values ``self.spectrum``; error against s_1 = 1."""

    spectrum: np.ndarray
    rtol = 1e-7  # residual tolerance: the value itself comes out to ~1e-15 (measured)
    has_twin = False
    max_error = 1e-12  # what every solver must reach (tests/test_cli.py)
    min_repeat = 3

    def setup(self, quick: bool) -> None:
        self.a = known_spectrum(2000, 1000, self.spectrum)

    def ours(self) -> Any:
        res = lanczos_svd(self.a, 1, rtol=self.rtol, rng=0)
        return TopSingular(float(res.s[0]), res.n_matvecs)

    def peers(self) -> dict[str, Callable[[], Any]]:
        if not _have("scipy"):
            return {}
        from scipy.sparse.linalg import svds

        def run(solver: str) -> Callable[[], Any]:
            def call() -> Any:
                op = _counting(self.a)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    s = svds(op, k=1, solver=solver, tol=0, random_state=0,
                             return_singular_vectors=False)
                return TopSingular(float(s[0]), op.count)

            return call

        return {"arpack": run("arpack"), "propack": run("propack")}

    def error(self, result: Any) -> float:
        return abs(result.s - self.spectrum[0]) / self.spectrum[0]


class TopSingularHarmonic(TopSingularWorkload):
    name = "svd_1/i"
    description = "largest singular value, 2000 x 1000, s_i = 1/i (gap 0.5)"
    spectrum = 1.0 / np.arange(1, 1001)


class TopSingularSlow(TopSingularWorkload):
    name = "svd_slow"
    description = "largest singular value, 2000 x 1000, s_i = exp(-(i-1)/200) (gap 0.995)"
    spectrum = np.exp(-np.arange(1000) / 200)


@dataclass
class ConvProducts:
    """A product with the convolution and one with its adjoint (flattened outputs)."""

    forward: np.ndarray
    backward: np.ndarray


class ConvMatvec(Workload):
    name = "conv_matvec"
    description = "x -> A x and y -> A^T y for a 512 x 512 x 3 x 3 convolution on 32 x 32"
    has_twin = False
    max_error = 1e-12
    min_repeat = 3

    def setup(self, quick: bool) -> None:
        rng = np.random.default_rng(0)
        c = 64 if quick else 512
        self.kernel = rng.standard_normal((c, c, 3, 3)) / (3 * np.sqrt(c))
        self.op = Conv2dOperator(self.kernel, (c, 32, 32))
        self.x = rng.standard_normal(self.op.shape[1])
        self.y = rng.standard_normal(self.op.shape[0])

    def ours(self) -> Any:
        return ConvProducts(self.op.matmat(self.x), self.op.rmatmat(self.y))

    def peers(self) -> dict[str, Callable[[], Any]]:
        if not _have("torch"):
            return {}
        torch = _torch()
        k = torch.from_numpy(self.kernel)
        shape_in, shape_out = self.op.input_shape, self.op.output_shape
        x = torch.from_numpy(self.x.reshape(1, *shape_in))
        y = torch.from_numpy(self.y.reshape(1, *shape_out))

        def run() -> Any:
            f = torch.nn.functional.conv2d(x, k, padding=1)
            b = torch.nn.functional.conv_transpose2d(y, k, padding=1)
            return ConvProducts(f.numpy().ravel(), b.numpy().ravel())

        return {"torch": run}

    def error(self, result: Any) -> float:
        # Against the adjoint identity <y, A x> = <A^T y, x> and lorank's own forward product.
        ref = self.op.matmat(self.x)
        fwd = np.linalg.norm(result.forward - ref) / np.linalg.norm(ref)
        lhs, rhs = float(self.y @ result.forward), float(result.backward @ self.x)
        return max(fwd, abs(lhs - rhs) / abs(lhs))




class ConvSingularValues(Workload):
    name = "conv_sv"
    description = "all singular values of a circular 64 x 64 x 3 x 3 convolution on 32 x 32"
    has_twin = False
    max_error = 1e-12
    min_repeat = 3

    def setup(self, quick: bool) -> None:
        rng = np.random.default_rng(0)
        c = 16 if quick else 64
        self.kernel = rng.standard_normal((c, c, 3, 3))
        self.n = 32
        # The norm of the layer from an independent route: Lanczos on the operator.
        op = Conv2dOperator(self.kernel, (c, self.n, self.n), padding="circular")
        self.norm = float(lanczos_svd(op, 1, rtol=1e-12, rng=0).s[0])

    def ours(self) -> Any:
        from lorank.spectral import conv_singular_values

        return conv_singular_values(self.kernel, (self.n, self.n))

    def peers(self) -> dict[str, Callable[[], Any]]:
        if not _have("torch"):
            return {}
        torch = _torch()
        k = torch.from_numpy(self.kernel)

        def run() -> Any:  # the reference route: full-grid FFT, batched svdvals
            f = torch.fft.fft2(k, s=(self.n, self.n)).permute(2, 3, 0, 1)
            return torch.sort(torch.linalg.svdvals(f).flatten(), descending=True).values.numpy()

        return {"torch": run}

    def error(self, result: Any) -> float:
        return abs(float(result[0]) - self.norm) / self.norm


KRYLOV_WORKLOADS = (TopSingularHarmonic, TopSingularSlow, ConvMatvec, ConvSingularValues)
