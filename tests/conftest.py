# SPDX-License-Identifier: MIT
"""Shared fixtures: seeded generators, the dtype grid, dense helpers."""

from __future__ import annotations

import os

# One BLAS thread before numpy and lorank load their OpenBLAS copies: on 2-core machines
# oversubscribed threads make small problems 10-100x slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

DTYPES = [np.float64, np.float32, np.complex128]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture(params=DTYPES, ids=lambda d: np.dtype(d).name)
def dtype(request: pytest.FixtureRequest) -> np.dtype:
    return np.dtype(request.param)


def tol(dtype: np.dtype) -> float:
    """Comparison tolerance for results computed in `dtype`."""
    return 2e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10


def random_dense(rng: np.random.Generator, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def low_rank_dense(rng: np.random.Generator, shape: tuple[int, ...], rank: int,
                   dtype: np.dtype) -> np.ndarray:
    """A dense tensor with exact TT ranks <= rank."""
    import lorank

    x = lorank.tt.random(shape, rank, rng=rng, dtype=dtype)
    return x.full()


def _gpu_available() -> bool:
    try:
        import cupy

        return bool(cupy.cuda.is_available())
    except Exception:  # noqa: BLE001  (no CuPy, no driver, no device)
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _gpu_available():
        return
    skip = pytest.mark.skip(reason="needs CuPy and a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
