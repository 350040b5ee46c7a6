# SPDX-License-Identifier: MIT
"""The compiled convolution map (the C++ Lanczos loop's operator) against Conv2dOperator's
NumPy products, and Lanczos through it against the dense Jacobian's SVD."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import _core
from lorank.linalg import Conv2dOperator, lanczos_svd

CASES = [  # (c_out, c_in, kh, kw, h, w, stride, pad, padding)
    (3, 2, 3, 3, 6, 7, 1, None, "zeros"),
    (2, 3, 3, 3, 6, 7, 1, None, "circular"),
    (4, 2, 3, 2, 8, 6, 2, None, "zeros"),
    (2, 2, 5, 3, 9, 8, (2, 1), (1, 2), "circular"),
    (3, 3, 2, 4, 5, 9, 1, (0, 1), "zeros"),
]


def _compiled(op, x, adjoint):
    (sh, sw), (ph, pw) = op.stride, op.pad
    _, h, w = op.input_shape
    return _core.conv2d_apply(op.kernel, h, w, sh, sw, ph, pw, op.padding == "circular", x, adjoint)


@pytest.mark.parametrize("case", CASES)
def test_compiled_products_match_the_numpy_operator(rng, case):
    c_out, c_in, kh, kw, h, w, stride, pad, padding = case
    kernel = rng.standard_normal((c_out, c_in, kh, kw))
    op = Conv2dOperator(kernel, (c_in, h, w), padding=padding, stride=stride, pad=pad)
    x = rng.standard_normal(op.shape[1])
    y = rng.standard_normal(op.shape[0])
    np.testing.assert_allclose(_compiled(op, x, False), op.matmat(x), atol=1e-12)
    np.testing.assert_allclose(_compiled(op, y, True), op.rmatmat(y), atol=1e-12)
    # the adjoint identity, on the compiled side alone
    assert np.dot(_compiled(op, x, False), y) == pytest.approx(np.dot(x, _compiled(op, y, True)),
                                                               rel=1e-12)


@pytest.mark.parametrize("case", CASES[:3])
def test_lanczos_on_a_convolution_runs_compiled_and_matches_the_dense_svd(rng, case):
    c_out, c_in, kh, kw, h, w, stride, pad, padding = case
    kernel = rng.standard_normal((c_out, c_in, kh, kw))
    op = Conv2dOperator(kernel, (c_in, h, w), padding=padding, stride=stride, pad=pad)
    dense = op.matmat(np.eye(op.shape[1]))
    # convolutions repeat singular values (conjugate frequencies, mirror symmetries): one
    # copy per value is all a one-vector Lanczos sees, so compare the largest
    want = np.linalg.svd(dense, compute_uv=False)[0]
    res = lanczos_svd(op, 1, rtol=1e-10, rng=0)
    assert res.converged
    assert res.s[0] == pytest.approx(want, rel=1e-10)
    np.testing.assert_allclose(dense @ res.vh[0], res.s[0] * res.u[:, 0], atol=1e-8 * want)


def test_bad_maps_are_refused():
    kernel = np.ones((1, 1, 5, 5))
    with pytest.raises(Exception, match="does not fit"):
        _core.conv2d_apply(kernel, 2, 2, 1, 1, 0, 0, False, np.ones(4), False)
    with pytest.raises(Exception, match="entries"):
        _core.conv2d_apply(np.ones((1, 1, 3, 3)), 4, 4, 1, 1, 1, 1, False, np.ones(3), False)
