# SPDX-License-Identifier: MIT
"""Block Golub-Kahan-Lanczos against dense SVDs, on repeated singular values in particular."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from lorank.errors import ArgumentError
from lorank.linalg import block_lanczos_svd, lanczos_svd


def _known(rng, m, n, s):
    u = np.linalg.qr(rng.standard_normal((m, len(s))))[0]
    v = np.linalg.qr(rng.standard_normal((n, len(s))))[0]
    return (u * s) @ v.T


def test_repeated_singular_values_are_found_with_their_multiplicity(rng):
    s = np.concatenate([[3.0, 3.0, 3.0], np.linspace(2.0, 0.1, 77)])
    a = _known(rng, 150, 80, s)
    res = block_lanczos_svd(a, 4, block_size=3, rtol=1e-10, rng=0)
    assert res.converged
    np.testing.assert_allclose(res.s, s[:4], rtol=1e-10)
    # the three copies span the top singular subspace
    u_top = np.linalg.svd(a)[0][:, :3]
    cos = np.linalg.svd(u_top.T @ res.u[:, :3], compute_uv=False)
    assert cos.min() > 1 - 1e-9
    np.testing.assert_allclose(res.u.T @ res.u, np.eye(4), atol=1e-10)
    np.testing.assert_allclose(a @ res.vh.T, res.u * res.s, atol=1e-8)


def test_generic_spectrum_agrees_with_lanczos_and_dense(rng):
    a = rng.standard_normal((300, 200)) @ np.diag(0.97 ** np.arange(200)) @ rng.standard_normal((200, 200))
    want = np.linalg.svd(a, compute_uv=False)[:5]
    blk = block_lanczos_svd(sp.csr_matrix(a), 5, rtol=1e-9, rng=1)
    one = lanczos_svd(a, 5, rtol=1e-9, rng=1)
    np.testing.assert_allclose(blk.s, want, rtol=1e-9)
    np.testing.assert_allclose(one.s, want, rtol=1e-9)
    assert blk.n_matvecs > 0 and blk.converged and len(blk.history) >= 1


def test_tiny_operators_and_bad_input(rng):
    a = rng.standard_normal((6, 5))
    res = block_lanczos_svd(a, 4, block_size=3, rtol=1e-12, rng=0)  # hands over to lanczos_svd
    np.testing.assert_allclose(res.s, np.linalg.svd(a, compute_uv=False)[:4], rtol=1e-10)
    with pytest.raises(ArgumentError, match="block_size"):
        block_lanczos_svd(a, 1, block_size=0)
    with pytest.raises(ArgumentError, match="k"):
        block_lanczos_svd(a, 6)


def test_thick_restarts_converge_on_a_slowly_decaying_spectrum(rng):
    s = np.exp(-np.arange(300) / 60.0)
    a = _known(rng, 600, 300, s)
    res = block_lanczos_svd(a, 3, block_size=3, ncv=12, rtol=1e-10, rng=0)
    assert res.converged and len(res.history) > 1  # it did restart
    np.testing.assert_allclose(res.s, s[:3], rtol=1e-10)
    assert np.all(res.residuals <= 1e-10 * res.s[0])
