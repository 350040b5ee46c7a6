# SPDX-License-Identifier: MIT
"""Type stub of the compiled module lorank._core (private; see the lorank package)."""

from collections.abc import Sequence
from typing import Any

import numpy as np

version: str
compiler: str
lapack: str

Cores = Sequence[np.ndarray]
Rounded = tuple[list[np.ndarray], float, float, float]  # cores, error, norm, rel_error

def tt_svd(a: np.ndarray, rtol: float, max_rank: Sequence[int]) -> Rounded: ...
def round(
    cores: Cores, rtol: float, max_rank: Sequence[int], method: str, seed: int = 0,
    oversample: int = 10,
) -> Rounded: ...
def round_sum(
    terms: Sequence[Cores], rtol: float, max_rank: Sequence[int], method: str, seed: int = 0,
    oversample: int = 10,
) -> Rounded: ...
def orthogonalize(cores: Cores, side: str) -> list[np.ndarray]: ...
def dot(x: Cores, y: Cores) -> tuple[Any, float]: ...
def sum(x: Cores) -> tuple[Any, float]: ...
def at(x: Cores, indices: np.ndarray) -> np.ndarray: ...
def matmul(
    a: Cores, rows: Sequence[int], inner: Sequence[int], b: Cores, cols: Sequence[int],
    rtol: float = 0.0, max_rank: Sequence[int] = ..., method: str = "svd", round: bool = False,
) -> Rounded: ...
def maxvol(a: np.ndarray, tol: float, maxiter: int) -> tuple[np.ndarray, np.ndarray, int]: ...
def lanczos_svd_dense(
    a: np.ndarray, v0: np.ndarray, k: int, rtol: float, maxiter: int, ncv: int, seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool, np.ndarray, np.ndarray]: ...
def sampled_entries(rows: np.ndarray, cols: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray: ...
def sparse_products(
    rows: np.ndarray, cols: np.ndarray, values: np.ndarray, v: np.ndarray, u: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]: ...
def tt_sampled_project(
    left: list[np.ndarray], right: list[np.ndarray], idx: np.ndarray, values: np.ndarray,
) -> list[np.ndarray]: ...
def tt_sampled_tangent(
    left: list[np.ndarray], right: list[np.ndarray], deltas: list[np.ndarray], idx: np.ndarray,
) -> np.ndarray: ...
def lanczos_eigsh_dense(
    a: np.ndarray, v0: np.ndarray, k: int, which: str, rtol: float, maxiter: int, ncv: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, int, bool, np.ndarray, np.ndarray]: ...
def lanczos_eigsh_csr(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, rows: int, cols: int,
    v0: np.ndarray, k: int, which: str, rtol: float, maxiter: int, ncv: int, seed: int,
) -> tuple[np.ndarray, np.ndarray, int, bool, np.ndarray, np.ndarray]: ...
def lanczos_svd_csr(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, rows: int, cols: int,
    v0: np.ndarray, k: int, rtol: float, maxiter: int, ncv: int, seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool, np.ndarray, np.ndarray]: ...
def rect_maxvol(
    a: np.ndarray, tol: float, min_rows: int, max_rows: int, maxvol_iter: int,
) -> tuple[np.ndarray, np.ndarray, int]: ...
def qtt_fft(
    cores: Cores, axes: Sequence[Sequence[int]], sign: float, rtol: float,
    max_rank: Sequence[int], method: str,
) -> list[np.ndarray]: ...
