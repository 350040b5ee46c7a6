# SPDX-License-Identifier: MIT
"""Dense kernels of the C++ core against NumPy: the top-eigenpair solver, the buffer cache."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import _core, errors
from tests.core._baseline import run_without_avx2


def _sym_with_spectrum(values: np.ndarray, rng: np.random.Generator, dtype=np.float64):
    q, _ = np.linalg.qr(rng.standard_normal((len(values), len(values))))
    return ((q * values) @ q.T).astype(dtype)


def _check_pairs(a: np.ndarray, k: int, rtol: float) -> None:
    w, v = _core._eigh_top(a, k)
    ref = np.linalg.eigvalsh(a.astype(np.float64))
    scale = max(np.abs(ref).max(), 1e-300)
    np.testing.assert_allclose(w, ref, rtol=0, atol=rtol * scale)
    assert v.shape == (a.shape[0], k)
    top = w[len(w) - k :]
    # residual of each pair and orthonormality of the vectors
    res = np.linalg.norm(a @ v - v * top, axis=0) if k else np.zeros(0)
    assert np.all(res <= rtol * scale * 10)
    np.testing.assert_allclose(v.T @ v, np.eye(k), atol=rtol * 100)


@pytest.mark.parametrize("n,k", [(5, 3), (30, 15), (60, 30), (64, 64), (100, 40), (80, 0)])
def test_random_gram(n: int, k: int, rng: np.random.Generator) -> None:
    b = rng.standard_normal((2 * n, n))
    _check_pairs(b.T @ b, k, 1e-13)


def test_float32(rng: np.random.Generator) -> None:
    b = rng.standard_normal((80, 40)).astype(np.float32)
    _check_pairs(b.T @ b, 20, 2e-5)


@pytest.mark.parametrize(
    "spectrum",
    [
        "repeated",  # an exactly repeated top eigenvalue (identical singular values)
        "close",  # gaps of 1e-7 relative: one cluster, vectors orthogonalized in it
        "zeros",  # rank-deficient Gram of a sum: many zero eigenvalues
        "graded",  # eigenvalues spread over 12 orders of magnitude
    ],
)
def test_hard_spectra(spectrum: str, rng: np.random.Generator) -> None:
    n = 60
    if spectrum == "repeated":
        vals = np.concatenate([np.full(5, 3.0), np.linspace(0.1, 2.0, n - 5)])
    elif spectrum == "close":
        vals = np.concatenate([1.0 + 1e-7 * np.arange(6), np.linspace(0.1, 0.5, n - 6)])
    elif spectrum == "zeros":
        vals = np.concatenate([rng.uniform(1, 2, 20), np.zeros(n - 20)])
    else:
        vals = np.logspace(-12, 0, n)
    _check_pairs(_sym_with_spectrum(vals, rng), 30, 1e-13)


@pytest.mark.parametrize("scale", [2.0**500, 2.0**-500])
def test_extreme_scales(scale: float, rng: np.random.Generator) -> None:
    # Entries out of the range the vectorized reduction takes go through LAPACK's sytrd.
    b = rng.standard_normal((120, 60))
    _check_pairs((b.T @ b) * scale, 30, 1e-13)


def test_baseline_instruction_set() -> None:
    # The same checks with the AVX2 loops switched off, in a fresh interpreter (the choice
    # is made once per process).
    code = (
        "import numpy as np; from lorank import _core; "
        "from tests.core.test_kernels import _check_pairs; "
        "assert _core._simd_level() == 'baseline', _core._simd_level(); "
        "rng = np.random.default_rng(3); "
        "[_check_pairs((b.T @ b), n // 2, 1e-13) "
        " for n in (30, 60, 100) for b in [rng.standard_normal((2 * n, n))]]; "
        "b = rng.standard_normal((80, 40)).astype(np.float32); "
        "_check_pairs(b.T @ b, 20, 2e-5)"
    )
    run_without_avx2(code)
    assert _core._simd_level() in ("avx2+fma", "baseline")


def test_bad_arguments() -> None:
    with pytest.raises(errors.LorankError, match="k must be"):
        _core._eigh_top(np.eye(4), 5)
    with pytest.raises(errors.ShapeError, match="square"):
        _core._eigh_top(np.ones((3, 4)), 1)


def test_buffer_cache_release() -> None:
    from lorank import tt

    x = tt.random([4] * 10, 30, rng=np.random.default_rng(0))
    x.round(max_rank=10)  # leaves freed core buffers in this thread's cache
    if _core._buffer_cache_enabled:
        assert _core._release_cached_memory() > 0
    assert _core._release_cached_memory() == 0
