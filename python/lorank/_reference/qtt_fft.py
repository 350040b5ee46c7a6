# SPDX-License-Identifier: MIT
"""NumPy twin of the compiled QTT FFT (``lorank._core.qtt_fft``, cpp/src/qtt/fft.cpp): the
same stages and window roundings, for tests and for reading."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lorank.tt.tensor import TT


def qtt_fft(cores: Sequence[np.ndarray], axes: Sequence[Sequence[int]], sign: float, rtol: float,
            max_rank: Sequence[int], method: str) -> list[np.ndarray]:
    """Same contract as ``lorank._core.qtt_fft`` (cores complex, result read backwards)."""
    caps = list(max_rank)
    cores = [np.asarray(c) for c in TT._trusted(list(cores)).round(rtol=0.0, method=method).cores]
    for digits in axes:
        for t in range(len(digits)):
            _stage(cores, digits, t, sign)
            _round_window(cores, digits[t] + 2, rtol, caps, method)
    return _reverse(cores)


def _stage(cores: list[np.ndarray], digits: Sequence[int], t: int, sign: float) -> None:
    """Apply butterfly stage t of the transform over the digit positions ``digits`` (in
    place): core digits[t] gets the butterfly, cores digits[0]..digits[t]-1 the twiddles
    (identity on cores of other axes in between)."""
    last = digits[t]
    g = cores[last]
    if t == 0:
        cores[last] = np.stack([g[:, 0] + g[:, 1], g[:, 0] - g[:, 1]], axis=1)
        return
    phase_of = {p: np.exp(sign * 1j * np.pi * np.arange(2) * 2.0 ** (s - t))
                for s, p in enumerate(digits[:t])}
    first = digits[0]
    for p in range(first, last):
        c = cores[p]
        twisted = c * phase_of[p][None, :, None] if p in phase_of else c
        if p == first:
            cores[p] = np.concatenate([c, twisted], axis=2)
        else:
            r0, n, r1 = c.shape
            block = np.zeros((2 * r0, n, 2 * r1), dtype=np.complex128)
            block[:r0, :, :r1], block[r0:, :, r1:] = c, twisted
            cores[p] = block
    top = np.stack([g[:, 0], g[:, 0]], axis=1)  # state j_t = 0: (+1, +1)
    bottom = np.stack([g[:, 1], -g[:, 1]], axis=1)  # state j_t = 1: (+1, -1)
    cores[last] = np.concatenate([top, bottom], axis=0)


def _round_window(cores: list[np.ndarray], end: int, rtol: float, caps: list[int],
                  method: str) -> None:
    """Round cores[:end] in place, given that cores[end:] are right-orthonormal (so the
    window's norm is the train's): the window is a train whose last core also carries the
    open bond, (r, n * R, 1). Rounding leaves cores 1..end-1 right-orthonormal, so the
    invariant holds for the next stage."""
    end = min(end, len(cores))
    window = cores[:end]
    last = window[-1]
    r0, n, r1 = last.shape
    window[-1] = last.reshape(r0, n * r1, 1)
    cap = caps[: end - 1]
    rounded = TT._trusted(window).round(
        rtol=rtol, method=method, max_rank=[c if c > 0 else 2**31 - 1 for c in cap] if any(cap) else None)
    out = list(rounded.cores)
    out[-1] = out[-1].reshape(out[-1].shape[0], n, r1)
    cores[:end] = out


def _reverse(cores: list[np.ndarray]) -> list[np.ndarray]:
    return [np.ascontiguousarray(c.transpose(2, 1, 0)) for c in reversed(cores)]


