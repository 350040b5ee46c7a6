# SPDX-License-Identifier: MIT
"""The projected local operator of the TT sweeps against a direct einsum; the Davidson
basis orthonormalization against dense linear algebra."""

from __future__ import annotations

import numpy as np
import pytest

from lorank.solve._local import LocalOperator, _orthonormal_rows


def _core(rng, alpha, m, n, beta, complex_):
    """An operator core with zero, diagonal and dense (alpha, beta) blocks."""
    op = np.zeros((alpha, m, n, beta), dtype=complex if complex_ else float)
    for x in range(alpha):
        for y in range(beta):
            kind = (x + 2 * y) % 3
            if kind == 1 and m == n:
                op[x, :, :, y] = np.diag(rng.standard_normal(n))
            elif kind == 2 or (kind == 1 and m != n):
                op[x, :, :, y] = rng.standard_normal((m, n))
                if complex_:
                    op[x, :, :, y] += 1j * rng.standard_normal((m, n))
    return op


@pytest.mark.parametrize(("m", "n", "complex_"), [(5, 5, False), (5, 5, True), (4, 6, False)])
def test_apply_rows_matches_einsum(rng, m, n, complex_):
    a, a2, b, b2, alpha, beta = 3, 4, 5, 2, 3, 4
    left = rng.standard_normal((a, alpha, a2))
    right = rng.standard_normal((b, beta, b2))
    op = _core(rng, alpha, m, n, beta, complex_)
    h = LocalOperator(left, op, right)
    v = rng.standard_normal((3, a2 * n * b2))
    got = h.apply_rows(v)
    want = np.einsum("xza,zijy,wyb,pajb->pxiw", left, op, right, v.reshape(3, a2, n, b2))
    np.testing.assert_allclose(got, want.reshape(3, -1), atol=1e-12)
    assert h.n_matvecs == 3


@pytest.mark.parametrize("complex_", [False, True])
def test_orthonormal_rows_drops_dependent_directions(rng, complex_):
    size = 200
    basis = np.linalg.qr(rng.standard_normal((size, 3)))[0].T
    fresh = rng.standard_normal((3, size)) + (1j * rng.standard_normal((3, size)) if complex_ else 0)
    scale = np.diag([1.0, 1e-4, 1e-9])  # one row barely independent: a second pass is needed
    t = np.vstack([
        scale @ fresh,
        fresh[0] + fresh[1],  # in the span of the fresh rows
        rng.standard_normal(3) @ basis,  # inside the basis
    ])
    got = _orthonormal_rows(t, basis, 1e-12)
    # the span left after projecting out the basis: dense SVD of the projected rows
    projected = t - (t @ basis.conj().T) @ basis
    s = np.linalg.svd(projected, compute_uv=False)
    rank = int(np.sum(s > 1e-7 * s[0]))
    assert got.shape == (rank, size) and rank == 2  # the 1e-9 row is below the Gram floor
    np.testing.assert_allclose(got @ got.conj().T, np.eye(rank), atol=1e-12)
    assert np.abs(got @ basis.conj().T).max() < 1e-12
    inside = got.conj().T @ (got @ projected.conj().T)  # projected rows' part in span(got)
    assert np.linalg.norm(inside - projected.conj().T) < 1e-6 * np.linalg.norm(projected)
