# SPDX-License-Identifier: MIT
"""Residual norms of a block train against dense NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import TT, TTMatrix
from lorank.solve._block_residuals import block_residual_norms


@pytest.mark.parametrize(("d", "center"), [(1, 0), (2, 0), (2, 1), (4, 0), (4, 2), (4, 3)])
@pytest.mark.parametrize("complex_", [False, True])
def test_block_residuals_match_dense(rng, d, center, complex_):
    def rand(*shape):
        a = rng.standard_normal(shape)
        return a + 1j * rng.standard_normal(shape) if complex_ else a

    n, k = [3, 4, 2, 3][:d], 3
    x_ranks = [1] + [2, 3, 2][: d - 1] + [1]
    a_ranks = [1] + [2, 3, 2][: d - 1] + [1]
    op = [rand(a_ranks[i], n[i], n[i], a_ranks[i + 1]) for i in range(d)]
    cores = [rand(x_ranks[i], n[i], x_ranks[i + 1]) for i in range(d)]
    cores[center] = rand(x_ranks[center], n[center], x_ranks[center + 1], k)
    values = rand(k)
    a = TTMatrix(op).full()
    want = []
    for j in range(k):
        x = TT(cores[:center] + [cores[center][..., j]] + cores[center + 1:]).full().reshape(-1)
        want.append(np.linalg.norm(a @ x - values[j] * x))
    got = block_residual_norms(op, cores, center, values)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_block_residuals_keep_small_residuals(rng):
    # exact eigenvectors of a separable operator: the residuals are rounding noise, not the
    # sqrt(eps) floor of a Gram-matrix (norm squared) formula
    mats = [np.diag(rng.standard_normal(4)) + 0.0 for _ in range(3)]
    op = [m.reshape(1, 4, 4, 1) for m in mats]
    e = np.eye(4)
    cores = [e[:, [0]].reshape(1, 4, 1), e[:, [1]].reshape(1, 4, 1), np.zeros((1, 4, 1, 2))]
    cores[2][0, 2, 0, 0] = cores[2][0, 3, 0, 1] = 1.0
    values = [mats[0][0, 0] * mats[1][1, 1] * mats[2][2, 2], mats[0][0, 0] * mats[1][1, 1] * mats[2][3, 3]]
    got = block_residual_norms(op, cores, 2, values)
    assert np.all(got < 1e-14)
    assert block_residual_norms(op, cores, 2, [values[0] + 1e-6, values[1]])[0] == pytest.approx(1e-6, rel=1e-6)
