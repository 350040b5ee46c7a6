# SPDX-License-Identifier: MIT
"""Randomized sweeps near the ends of the exponent range, against dense NumPy in scaled
units (bugs of session 3 were found this way; each also has a targeted test)."""

from __future__ import annotations

import numpy as np
import pytest

import lorank
from lorank import TT


def _rel(a: np.ndarray, ref: np.ndarray) -> float:
    """||a - ref|| / ||ref|| computed in units of max|ref| (no overflow, no underflow)."""
    unit = np.abs(ref).max()
    return float(np.linalg.norm((a - ref) / unit) / np.linalg.norm(ref / unit))


def _badly_scaled(rng: np.random.Generator, dtype, exponents) -> TT | None:
    d = int(rng.integers(2, 6))
    shape = [int(rng.integers(1, 4)) for _ in range(d)]
    cores = list(lorank.tt.random(shape, int(rng.integers(1, 6)), rng=rng, dtype=dtype).cores)
    for _ in range(int(rng.integers(1, 3))):
        k = int(rng.integers(0, d))
        with np.errstate(all="ignore"):
            cores[k] = cores[k] * 10.0 ** float(rng.choice(exponents))
    if not all(np.isfinite(c).all() for c in cores):
        return None
    return TT(cores)


def _promoted(x: TT) -> TT:
    """The same tensor with float64/complex128 cores (exact)."""
    return TT([c.astype(np.result_type(c.dtype, np.float64)) for c in x.cores])


def _dense(x: TT) -> np.ndarray | None:
    with np.errstate(all="ignore"):
        full = x.full()
    lim = np.finfo(full.dtype).max ** 0.9
    if not lim ** -1 < np.abs(full).max() < lim:
        return None  # the dense reference is out of range or subnormal
    return full


def _cases(seed: int, dtypes: list, exponents: list, promote: bool = False) -> list:
    """(train, dense tensor) for 150 badly scaled random trains, those whose dense tensor is
    representable (in double from exactly promoted cores with `promote`: a float32 product
    of a subnormal core would itself be off by 1e-3). More than 50 of them, or the sweep
    would test little."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(150):
        dtype = rng.choice(dtypes) if len(dtypes) > 1 else dtypes[0]
        x = _badly_scaled(rng, dtype, exponents)
        full = None if x is None else _dense(_promoted(x) if promote else x)
        if full is not None:
            cases.append((x, full))
    assert len(cases) > 50
    return cases


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_rounding_sweep(dtype):
    for x, full in _cases(11, [dtype], [-300, -250, -150, 150, 250, 300]):
        for method in ("svd", "orth-gram", "gram"):
            y, info = x.round(rtol=1e-8, method=method, return_info=True)
            assert _rel(y.full(), full) <= (1e-6 if method == "gram" else 1e-8)
            assert np.isfinite(info.rel_error)
            capped, cinfo = x.round(max_rank=2, method=method, return_info=True)
            err = _rel(capped.full(), full)
            assert cinfo.rel_error == pytest.approx(err, rel=1e-2, abs=1e-6)
        sketch, sinfo = x.round(max_rank=2, method="randomized", return_info=True)
        err = _rel(sketch.full(), full)
        assert sinfo.rel_error == pytest.approx(err, rel=1e-2, abs=1e-6)


def test_operations_sweep():
    for x, full in _cases(5, [np.float64, np.complex128], [-300, -200, 200, 300]):
        assert _rel(x.orthogonalize("right").full(), full) <= 1e-11
        assert _rel(x.orthogonalize("left").full(), full) <= 1e-11
        unit = np.abs(full).max()
        assert x.norm(log=True) == pytest.approx(
            np.log(np.linalg.norm(full / unit)) + np.log(unit), abs=1e-10)
        assert _rel(TT.from_dense(full, rtol=1e-12).full(), full) <= 1e-11
        assert _rel((x + x * 0.5).round(rtol=1e-12).full(), 1.5 * full) <= 1e-10


def test_float32_sweep():
    cases = _cases(13, [np.float32, np.complex64], [-40, -35, -25, -15, 15, 25, 35], promote=True)
    for x, full in cases:
        for method in ("svd", "auto"):
            y, info = x.round(rtol=1e-5, method=method, return_info=True)
            assert all(np.isfinite(c).all() for c in y.cores)
            assert _rel(_promoted(y).full(), full) <= 1e-4
            assert np.isfinite(info.rel_error)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("scales, factor", [((1e200, 1e200, 1e-300, 1.0), 1e100),
                                            ((1e-200, 1e-200, 1e300, 1.0), 1e-100),
                                            ((1e250, 1.0, 1.0, 1.0), 1e250)])
def test_reference_twin_at_the_ends_of_the_range(rng, dtype, scales, factor):
    # The pure-array twin is also the CuPy path: it balances cores by powers of two like the
    # compiled kernels (it used to overflow or flush to zero, or fail in its rank choice).
    from lorank._reference import tt as twin

    x = lorank.tt.random((3, 3, 2, 2), 2, rng=rng, dtype=dtype)
    cores = [c * s for c, s in zip(x.cores, scales)]
    full = x.full() * factor
    unit = np.abs(full).max()
    assert _rel(TT(twin.round(cores, 1e-12, [])[0]).full(), full) <= 1e-11
    for side in ("left", "right"):
        assert _rel(TT(twin.orthogonalize(cores, side)).full(), full) <= 1e-11
    m, log_scale = twin.dot(cores, cores)
    assert 0.5 * (np.log(abs(m)) + log_scale) == pytest.approx(
        np.log(np.linalg.norm(full / unit)) + np.log(unit), abs=1e-10)
    idx = np.array([[0, 1, 1, 0], [2, 0, 1, 1]])
    assert _rel(twin.at(cores, idx), full[tuple(idx.T)]) <= 1e-12
    assert _rel(TT(twin.tt_svd(full, 1e-12, [])[0]).full(), full) <= 1e-11


def test_reference_twin_reports_a_norm_beyond_the_double_range(rng):
    # Cores of 1e300 and 1e300: the rounded train is fine, its norm (~1e600) is not a
    # double. The twin reports inf as the compiled kernel does (math.ldexp raised).
    from lorank import _core
    from lorank._reference import tt as twin

    x = lorank.tt.random((3, 3, 2), 2, rng=rng)
    cores = [x.cores[0] * 1e300, x.cores[1] * 1e300, x.cores[2]]
    out, err, norm, rel = twin.round(cores, 1e-12, [])
    ref_norm = _core.round(cores, 1e-12, [], "svd")[2]
    assert norm == ref_norm == np.inf
    assert np.isfinite(rel) and rel < 1e-12
    assert all(np.isfinite(c).all() for c in out)
