# SPDX-License-Identifier: MIT
"""Kernel dispatch: compiled C++ kernels for NumPy data, the array twins for CuPy data."""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from lorank._device import is_cupy


def tt_kernels(*arrays: Any) -> ModuleType:
    """``lorank._core`` for host arrays, ``lorank._reference.tt`` (run by CuPy) for GPU arrays."""
    if arrays and is_cupy(arrays[0]):
        from lorank._reference import tt as ref

        return ref
    from lorank import _core

    return _core


def cuda_at(cores: list[Any], indices: Any) -> Any | None:
    """Entries of a float64 CuPy TT through the ``lorank._cuda`` kernel, or None where that
    kernel does not apply (no CUDA build, other dtype, a rank above 256)."""
    try:
        from lorank import _cuda  # type: ignore[attr-defined]
    except ImportError:
        return None
    import cupy

    if cores[0].dtype != cupy.float64 or max(c.shape[2] for c in cores) > 256 \
            or max(c.shape[0] for c in cores) > 256:
        return None
    ptrs = cupy.asarray([c.data.ptr for c in cores], dtype=cupy.uint64)
    ranks = cupy.asarray([1] + [c.shape[2] for c in cores], dtype=cupy.int64)
    modes = cupy.asarray([c.shape[1] for c in cores], dtype=cupy.int64)
    out = cupy.empty(indices.shape[0], dtype=cupy.float64)
    stream = cupy.cuda.get_current_stream().ptr
    _cuda.tt_at_f64(ptrs, ranks, modes, len(cores), indices, indices.shape[0], out, stream)
    return out


def cuda_maxvol(a: Any, tol: float, maxiter: int) -> tuple[Any, Any, int] | None:
    """Square maxvol of a float64 CuPy matrix through the ``lorank._cuda`` kernel, as
    (rows, coef, swaps); None where that kernel does not apply (no CUDA build, another
    dtype, more than 1024 columns). Raises RankError as the compiled CPU kernel does."""
    try:
        from lorank import _cuda  # type: ignore[attr-defined]
    except ImportError:
        return None
    import cupy

    n, r = a.shape
    if a.dtype != cupy.float64 or r > 1024:
        return None
    rows = cupy.empty(r, dtype=cupy.int64)
    coef = cupy.empty((n, r), dtype=cupy.float64)
    work = cupy.empty(_cuda.maxvol_workspace_bytes(n, r), dtype=cupy.uint8)
    status = cupy.zeros(1, dtype=cupy.int64)
    stream = cupy.cuda.get_current_stream().ptr
    _cuda.maxvol_f64(a, n, r, float(tol), int(maxiter), rows, coef, work, status, stream)
    done = int(status.get()[0])
    if done < 0:
        from lorank.errors import RankError

        msg = (f"maxvol: the matrix must have full column rank; column {-1 - done} depends on "
               "the previous ones")
        raise RankError(msg)
    return rows, coef, done


def _cuda_f64_module(cores: list[Any]) -> Any | None:
    """``lorank._cuda`` when built and the cores are float64 CuPy arrays, else None."""
    if not is_cupy(cores[0]) or cores[0].dtype != np.float64:
        return None
    try:
        from lorank import _cuda  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _cuda


def _shapes(cores: list[Any]) -> tuple[list[int], list[int], list[int]]:
    return ([c.data.ptr for c in cores], [1] + [int(c.shape[2]) for c in cores],
            [int(c.shape[1]) for c in cores])


def cuda_gram_stacks(cores: list[Any], size: int) -> tuple[Any, Any, Any] | None:
    """Zero-padded stacks (d-1, size, size) of the left and right Gram matrices of every bond
    and ||x||^2 (a 1-element array) through cuBLAS calls issued from C++; None where that
    path does not apply (no CUDA build, not float64 CuPy). ``cores`` must be C-contiguous."""
    cuda = _cuda_f64_module(cores)
    if cuda is None:
        return None
    import cupy

    ptrs, ranks, modes = _shapes(cores)
    d = len(cores)
    gl = cupy.empty((d - 1, size, size), dtype=cupy.float64)
    gr = cupy.empty_like(gl)
    norm2 = cupy.empty(1, dtype=cupy.float64)
    work = cupy.empty(cuda.gram_workspace_doubles(ranks, modes), dtype=cupy.float64)
    stream = cupy.cuda.get_current_stream().ptr
    cuda.gram_stacks_f64(ptrs, ranks, modes, gl, gr, size, norm2, work, stream)
    return gl, gr, norm2


def cuda_bond_apply(cores: list[Any], new_ranks: list[int], a: Any, b: Any) -> list[Any] | None:
    """Cores B_{k-1} C_k A_k of the bond-parallel rounding (stacks a: (d-1, size, top), b:
    (d-1, top, size), C-contiguous float64) through C++-issued cuBLAS calls, or None where
    that path does not apply."""
    cuda = _cuda_f64_module(cores)
    if cuda is None:
        return None
    import cupy

    ptrs, ranks, modes = _shapes(cores)
    full = [1, *new_ranks, 1]
    out = [cupy.empty((full[k], modes[k], full[k + 1]), dtype=cupy.float64)
           for k in range(len(cores))]
    work = cupy.empty(cuda.gram_workspace_doubles(ranks, modes), dtype=cupy.float64)
    stream = cupy.cuda.get_current_stream().ptr
    cuda.bond_apply_f64(ptrs, ranks, modes, [o.data.ptr for o in out], full, a, b,
                        a.shape[1], a.shape[2], work, stream)
    return out


def cuda_dot(x: list[Any], y: list[Any]) -> tuple[float, float] | None:
    """<x, y> of two float64 CuPy trains as (mantissa, natural-log scale) through the C++
    sweep (cuBLAS products, rescaled on the device: one transfer), or None where that path
    does not apply. The cores must be C-contiguous."""
    cuda = _cuda_f64_module(x)
    if cuda is None or y[0].dtype != np.float64:
        return None
    import cupy

    xp, xr, modes = _shapes(x)
    yp, yr, _ = _shapes(y)
    out = cupy.empty(2, dtype=cupy.float64)
    work = cupy.empty(cuda.dot_workspace_doubles(xr, yr, modes), dtype=cupy.float64)
    cuda.dot_f64(xp, xr, yp, yr, modes, out, work, cupy.cuda.get_current_stream().ptr)
    mantissa, exponent = out.get().tolist()  # the one transfer
    return mantissa, exponent * math.log(2.0)


_KRON_WORK_CAP = 1 << 30  # bytes of GPU scratch per kron_update call; larger groups are split


def cuda_kron_update(gs: list[Any], lefts: list[Any], rights: list[Any], beta: float,
                     scheme: str) -> list[bool]:
    """DyKAF's factor step for torch CUDA tensors through ``lorank._cuda.kron_update_*``:
    the pairs grouped by (device, dtype, shape), each group one batched launch sequence
    (split where its scratch would pass 1 GiB). Returns which pairs it updated; the others
    (no CUDA build, CPU or half-precision tensors, non-contiguous factors) are left to the
    caller. Asynchronous on the current torch stream."""
    done = [False] * len(gs)
    try:
        from lorank import _cuda  # type: ignore[attr-defined]
    except ImportError:
        return done
    import torch

    groups: dict[tuple[Any, Any, tuple[int, int]], list[int]] = {}
    for i, (g, left, right) in enumerate(zip(gs, lefts, rights)):
        if (g.is_cuda and g.dtype in (torch.float32, torch.float64) and g.ndim == 2
                and all(f.device == g.device and f.dtype == g.dtype and f.is_contiguous()
                        for f in (left, right))):
            groups.setdefault((g.device, g.dtype, (int(g.shape[0]), int(g.shape[1]))), []).append(i)
    for (device, dtype, (m, n)), members in groups.items():
        size = 4 if dtype == torch.float32 else 8
        step = _cuda.kron_update_f32 if dtype == torch.float32 else _cuda.kron_update_f64
        per_pair = _cuda.kron_update_workspace_bytes(1, m, n, size)
        chunk = max(1, min(65535, _KRON_WORK_CAP // per_pair))
        with torch.cuda.device(device):
            stream = torch.cuda.current_stream(device).cuda_stream
            for start in range(0, len(members), chunk):
                part = members[start:start + chunk]
                grads = [gs[i].contiguous() for i in part]  # alive until the call has queued
                nbytes = _cuda.kron_update_workspace_bytes(len(part), m, n, size)
                work = torch.empty(nbytes, dtype=torch.uint8, device=device)
                step(scheme == "bug", len(part), m, n, [g.data_ptr() for g in grads],
                     [lefts[i].data_ptr() for i in part], [rights[i].data_ptr() for i in part],
                     float(beta), work.data_ptr(), nbytes, stream)
                for i in part:
                    done[i] = True
    return done
