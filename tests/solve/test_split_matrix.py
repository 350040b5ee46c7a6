# SPDX-License-Identifier: MIT
"""The truncated splitting of the sweeps' bonds (solve._local.split_matrix) against NumPy's
SVD: the Gram path must choose the SVD's rank, reach the SVD's error and keep its factor
orthonormal, in both orientations, for real and complex matrices."""

from __future__ import annotations

import numpy as np
import pytest

from lorank.solve import _local


def _decaying(rng, m, n, dtype):
    """An m x n matrix with singular values 10^0 ... 10^-9 and random singular vectors."""
    k = min(m, n)
    def basis(size):
        z = rng.standard_normal((size, k))
        if np.issubdtype(dtype, np.complexfloating):
            z = z + 1j * rng.standard_normal((size, k))
        return np.linalg.qr(z)[0]
    return (basis(m) * np.logspace(0, -9, k)) @ basis(n).conj().T


@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
@pytest.mark.parametrize("shape", [(300, 120), (120, 300), (40, 30)])
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("rtol", [1e-3, 1e-6, 1e-10])
def test_split_matches_the_svd_truncation(rng, dtype, shape, side, rtol):
    a = _decaying(rng, *shape, dtype)
    first, second, cut = _local.split_matrix(a, rtol, 1000, side)
    s = np.linalg.svd(a, compute_uv=False)
    want, want_cut = _local.truncation_rank(s, rtol, 1000)
    q = first if side == "left" else second.conj().T
    assert q.shape[1] == want
    np.testing.assert_allclose(q.conj().T @ q, np.eye(want), atol=1e-12)
    err = np.linalg.norm(a - first @ second) / np.linalg.norm(a)
    assert err == pytest.approx(want_cut, rel=1e-3, abs=1e-9)
    assert cut == pytest.approx(want_cut, rel=1e-3, abs=1e-9)
    assert err <= rtol


def test_split_respects_the_rank_cap_and_zero_matrix(rng):
    a = _decaying(rng, 200, 150, np.float64)
    first, second, cut = _local.split_matrix(a, 1e-6, 7, "left")
    assert first.shape == (200, 7) and second.shape == (7, 150)
    best = np.linalg.svd(a, compute_uv=False)
    assert cut == pytest.approx(np.linalg.norm(best[7:]) / np.linalg.norm(best), rel=1e-6)
    first, second, cut = _local.split_matrix(np.zeros((100, 90)), 1e-4, 10, "right")
    assert cut == 0.0 and not (first @ second).any()
