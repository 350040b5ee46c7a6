# SPDX-License-Identifier: MIT
"""Convolution singular values and norms against the dense Jacobian's SVD."""

from __future__ import annotations

import numpy as np
import pytest

from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.linalg import Conv2dOperator
from lorank.spectral import conv_norm, conv_norm_bound, conv_singular_values


def _dense(kernel, shape, padding, stride=1):
    op = Conv2dOperator(kernel, (kernel.shape[1], *shape), padding=padding, stride=stride)
    return op.matmat(np.eye(op.shape[1]))


def _circular(kernel, shape, stride=1):
    """The circular cross-correlation with stride s as a dense matrix, entry by entry:
    y[o, i, j] = sum K[o, c, p, q] x[c, (s i + p) mod H, (s j + q) mod W]."""
    c_out, c_in, kh, kw = kernel.shape
    h, w = shape
    ho, wo = h // stride, w // stride
    a = np.zeros((c_out, ho, wo, c_in, h, w))
    for i in range(ho):
        for j in range(wo):
            for p in range(kh):
                for q in range(kw):
                    a[:, i, j, :, (stride * i + p) % h, (stride * j + q) % w] += kernel[:, :, p, q]
    return a.reshape(c_out * ho * wo, c_in * h * w)


@pytest.mark.parametrize(("c_out", "c_in", "ks", "shape"),
                         [(3, 2, 3, 6), (2, 4, 3, 5), (4, 4, 2, 4), (1, 1, 3, 7), (3, 5, 5, 8)])
def test_circular_singular_values_equal_the_dense_jacobians(rng, c_out, c_in, ks, shape):
    kernel = rng.standard_normal((c_out, c_in, ks, ks))
    got = conv_singular_values(kernel, (shape, shape + 1))
    want = np.linalg.svd(_circular(kernel, (shape, shape + 1)), compute_uv=False)
    want = want[: got.size]  # the dense matrix may have extra zero singular values
    np.testing.assert_allclose(got, want, atol=1e-9 * want[0])
    assert got.size == shape * (shape + 1) * min(c_out, c_in)


@pytest.mark.parametrize("kind", ["graded", "rank_deficient"])
def test_atol_is_the_accuracy_of_every_singular_value(rng, kind):
    # The Gram route's weak spot is a nearly singular frequency: 'graded' puts singular
    # values 1e-4, 1e-5 and 1e-7 (relative) at the zero frequency of a square layer, where
    # the Gram eigenvalues alone are off by ~1e-11 to 1e-8; 'rank_deficient' has exactly
    # singular frequencies. Every value must be within atol times its frequency's largest
    # of the SVD per frequency (Sedghi et al.'s formula on the full grid).
    kernel = rng.standard_normal((24, 24, 3, 3))
    if kind == "graded":
        u, s, vh = np.linalg.svd(kernel.sum(axis=(2, 3)))  # the zero frequency's matrix
        s_new = s.copy()
        s_new[-3:] = s[0] * np.array([1e-4, 1e-5, 1e-7])
        kernel[:, :, 1, 1] += (u * (s_new - s)) @ vh
    else:
        kernel = np.einsum("ir,jr,rkl->ijkl", rng.standard_normal((24, 6)),
                           rng.standard_normal((24, 6)), rng.standard_normal((6, 3, 3)))
    n = 8
    mats = np.fft.fft2(kernel, s=(n, n), axes=(2, 3)).transpose(2, 3, 0, 1)
    per_freq = np.linalg.svd(mats, compute_uv=False)
    scale = per_freq[..., 0].max()
    want = np.sort(per_freq.ravel())[::-1]
    for atol in (1e-8, 1e-10, 1e-12):
        got = conv_singular_values(kernel, (n, n), atol=atol)
        # the per-frequency scale is at most the global one: compare against atol * s_max
        assert np.abs(got - want).max() <= atol * scale
    exact = conv_singular_values(kernel, (n, n), atol=0.0)
    assert np.abs(exact - want).max() <= 1e-13 * scale
    with pytest.raises(ArgumentError, match="atol"):
        conv_singular_values(kernel, (n, n), atol=1.5)


def test_svd_fallback_runs_in_batches(rng, monkeypatch):
    # atol far below the Gram route's reach sends every frequency to the SVD; in batches of
    # one frequency the values are those of the SVD route itself.
    import lorank.spectral._gram_route as gram_route

    kernel = rng.standard_normal((6, 5, 3, 3))
    want = conv_singular_values(kernel, (6, 7), atol=0.0)
    monkeypatch.setattr(gram_route, "_SVD_BATCH_ENTRIES", 1)
    got = conv_singular_values(kernel, (6, 7), atol=1e-17)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14 * want[0])


def test_norms_for_both_paddings(rng):
    kernel = rng.standard_normal((4, 3, 3, 3))
    circ = conv_norm(kernel, (6, 6))
    assert circ.value == pytest.approx(np.linalg.norm(_circular(kernel, (6, 6)), 2), rel=1e-12)
    # Conv2dOperator's circular padding (odd kernels, same size) is the same map up to a shift.
    assert circ.value == pytest.approx(np.linalg.norm(_dense(kernel, (6, 6), "circular"), 2),
                                       rel=1e-12)
    assert circ.upper == circ.value
    for stride in (1, 2):
        zero = conv_norm(kernel, (6, 6), padding="zeros", stride=stride, rng=0)
        want = np.linalg.norm(_dense(kernel, (6, 6), "zeros", stride), 2)
        assert zero.value == pytest.approx(want, rel=1e-10) and zero.converged


def test_delta_orthogonal_kernel_has_norm_one(rng):
    q = np.linalg.qr(rng.standard_normal((6, 6)))[0]
    kernel = np.zeros((6, 6, 3, 3))
    kernel[:, :, 1, 1] = q  # the delta-orthogonal kernel: an orthogonal map per pixel
    values = conv_singular_values(kernel, (8, 8))
    np.testing.assert_allclose(values, 1.0, atol=1e-13)
    assert conv_norm(kernel, (8, 8), padding="zeros", rng=0).value == pytest.approx(1.0, abs=1e-10)


def test_bad_input_names_the_argument(rng):
    k = rng.standard_normal((2, 2, 3, 3))
    with pytest.raises(ShapeError, match="4-d"):
        conv_singular_values(k[0], (5, 5))
    with pytest.raises(ShapeError, match="smaller than the kernel"):
        conv_singular_values(k, (2, 5))
    with pytest.raises(ArgumentError, match="divide"):
        conv_singular_values(k, (6, 7), stride=2)
    with pytest.raises(ArgumentError, match="stride"):
        conv_singular_values(k, (6, 6), stride=0)
    with pytest.raises(ArgumentError, match="padding"):
        conv_singular_values(k, (6, 6), padding="zeros")
    with pytest.raises(NumericalError, match="NaN"):
        conv_norm(np.full((2, 2, 3, 3), np.nan), (5, 5))
    with pytest.raises(ArgumentError, match="padding"):
        conv_norm(k, (5, 5), padding="reflect")
    with pytest.raises(ShapeError, match="channels"):
        conv_norm(k, (3, 5, 5))


def _kernels(rng):
    """Random, orthogonal-center, rank-1, depthwise-Laplacian and low-rank-smooth kernels."""
    random = rng.standard_normal((5, 4, 3, 3))
    center = np.zeros((4, 4, 3, 3))
    center[:, :, 1, 1] = np.linalg.qr(rng.standard_normal((4, 4)))[0]
    center += 0.1 * rng.standard_normal((4, 4, 3, 3))
    rank1 = np.einsum("i,j,k,l->ijkl", *(rng.standard_normal(n) for n in (3, 4, 3, 3)))
    lap = np.zeros((3, 3, 3, 3))
    for c in range(3):
        lap[c, c] = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
    g = np.exp(-np.linspace(-1, 1, 3) ** 2)
    smooth = np.einsum("ir,jr,k,l->ijkl", rng.standard_normal((4, 2)), rng.standard_normal((3, 2)), g, g)
    return [random, center, rank1, lap, smooth]


def test_tn_bound_holds_for_every_padding_and_size(rng):
    for kernel in _kernels(rng):
        bound = conv_norm_bound(kernel, rng=0)
        assert bound.upper == bound.value and not bound.guaranteed
        for n in (5, 8, 16):
            assert conv_norm(kernel, (n, n)).value <= bound.value * (1 + 1e-10)
            assert conv_norm(kernel, (n, n), padding="zeros", rng=0).value <= bound.value * (1 + 1e-10)


def test_tn_bound_is_exact_for_separable_constant_taps(rng):
    a, b = rng.standard_normal(4), rng.standard_normal(3)
    kernel = np.einsum("i,j,kl->ijkl", a, b, np.ones((3, 3)))
    exact = conv_norm(kernel, (12, 12)).value  # = 9 |a| |b|, at the zero frequency
    assert conv_norm_bound(kernel, rng=1).value == pytest.approx(exact, rel=1e-9)
    assert exact == pytest.approx(9 * np.linalg.norm(a) * np.linalg.norm(b), rel=1e-12)


def test_gram_iteration_bound_is_certain_and_converges(rng):
    for kernel in _kernels(rng)[:3]:
        exact = conv_norm(kernel, (8, 8)).value
        est = conv_norm_bound(kernel, method="gram", input_shape=(8, 8), n_iter=8)
        assert est.guaranteed and est.value >= exact * (1 - 1e-12)
        assert est.value <= exact * (1 + 1e-3)  # 2^8-th root: close after 8 steps
        h = est.history
        assert all(b <= a * (1 + 1e-12) for a, b in zip(h, h[1:]))  # decreasing bounds
        assert h[0] == pytest.approx(max(np.linalg.norm(  # t = 0: the Frobenius norm
            np.fft.fft2(kernel, s=(8, 8), axes=(2, 3))[:, :, u, v]) for u in range(8) for v in range(8)))
    with pytest.raises(ArgumentError, match="input_shape"):
        conv_norm_bound(_kernels(rng)[0], method="gram")
    with pytest.raises(ArgumentError, match="padding"):
        conv_norm_bound(_kernels(rng)[0], method="gram", input_shape=(8, 8), padding="reflect")


def test_gram_bound_for_zero_padding_holds_and_is_tight(rng):
    # Certified for the zero-padded layer (dense Jacobian norm below it, for every test
    # kernel and several sizes and strides), and within a few percent of it at n = 16.
    from lorank.linalg import Conv2dOperator

    for kernel in _kernels(rng):
        for n, stride in ((5, 1), (8, 1), (8, 2), (16, 1)):
            op = Conv2dOperator(kernel, (kernel.shape[1], n, n), padding="zeros", stride=stride)
            dense = op.matmat(np.eye(op.shape[1]))
            exact = np.linalg.norm(dense, 2)
            est = conv_norm_bound(kernel, method="gram", input_shape=(n, n), n_iter=10,
                                  padding="zeros")
            assert est.guaranteed and est.value >= exact * (1 - 1e-12)
            if n == 16 and stride == 1:
                assert est.value <= exact * 1.05
    # The Laplacian's symbol vanishes at the zero frequency: that matrix stays zero (no NaN)
    # and the bound is the circular norm, 8 at n = 8.
    est = conv_norm_bound(_kernels(rng)[3], method="gram", input_shape=(8, 8), n_iter=12)
    assert est.value == pytest.approx(8.0, rel=1e-3) and est.value >= 8.0 * (1 - 1e-12)


@pytest.mark.parametrize(("stride", "ks", "shape", "c_in"), [(2, 3, (6, 8), 2), (2, 4, (8, 4), 3),
                                                             (3, 3, (6, 9), 1)])
def test_strided_circular_singular_values_by_the_polyphase_reshape(rng, stride, ks, shape, c_in):
    kernel = rng.standard_normal((3, c_in, ks, ks))
    got = conv_singular_values(kernel, shape, stride=stride)
    want = np.linalg.svd(_circular(kernel, shape, stride), compute_uv=False)[: got.size]
    np.testing.assert_allclose(got, want, atol=1e-10 * want[0])
    assert conv_norm(kernel, shape, stride=stride).value == pytest.approx(want[0], rel=1e-12)


def test_spectral_normalize_conv(rng):
    from lorank.nn import spectral_normalize_conv

    kernel = rng.standard_normal((4, 3, 3, 3))
    exact = spectral_normalize_conv(kernel, target=0.5, input_shape=(8, 8))
    assert conv_norm(exact, (8, 8)).value == pytest.approx(0.5, rel=1e-12)
    tn = spectral_normalize_conv(kernel, target=0.5, rng=0)
    for n in (6, 16):  # the TN bound caps every size and padding
        assert conv_norm(tn, (n, n)).value <= 0.5 * (1 + 1e-9)
        assert conv_norm(tn, (n, n), padding="zeros", rng=0).value <= 0.5 * (1 + 1e-9)
    small = kernel * 1e-3
    np.testing.assert_array_equal(spectral_normalize_conv(small, target=1.0, input_shape=(8, 8)),
                                  small)  # never scaled up
    with pytest.raises(ArgumentError, match="target"):
        spectral_normalize_conv(kernel, target=0.0)


def _test_kernels(rng):
    """Random, orthogonal-center, rank-1, depthwise Laplacian and low-rank smooth kernels."""
    q = np.linalg.qr(rng.standard_normal((4, 4)))[0]
    ortho = rng.standard_normal((4, 4, 3, 3)) * 0.1
    ortho[:, :, 1, 1] = q
    lap = np.zeros((3, 3, 3, 3))
    for c in range(3):
        lap[c, c] = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
    t = np.linspace(-1, 1, 5)
    smooth = np.einsum("o,i,p,q->oipq", rng.standard_normal(3), rng.standard_normal(2),
                       np.exp(-t**2), np.cos(t)) + 1e-3 * rng.standard_normal((3, 2, 5, 5))
    return {
        "random": rng.standard_normal((3, 4, 3, 3)),
        "ortho": ortho,
        "rank1": np.einsum("o,i,p,q->oipq", *(rng.standard_normal(n) for n in (3, 2, 3, 3))),
        "laplacian": lap,
        "smooth": smooth,
    }


@pytest.mark.parametrize("method", ["reshape", "torus"])
def test_certified_bounds_hold_for_every_padding_size_and_stride(rng, method):
    for name, kernel in _test_kernels(rng).items():
        bound = conv_norm_bound(kernel, method=method, n_grid=96)
        assert bound.guaranteed and bound.upper == bound.value
        for n in (5, 8, 11):
            for padding in ("circular", "zeros"):
                for stride in (1, 2):
                    if padding == "circular" and n % stride:
                        continue
                    exact = np.linalg.norm(_dense(kernel, (n, n), padding, stride), 2)
                    assert bound.value >= exact * (1 - 1e-12), (name, n, padding, stride)


def test_reshape_bound_reports_its_four_reshapes(rng):
    kernel = rng.standard_normal((2, 3, 3, 5))
    est = conv_norm_bound(kernel, method="reshape")
    want = [np.linalg.norm(kernel.transpose(2, 0, 3, 1).reshape(6, 15), 2),
            np.linalg.norm(kernel.transpose(3, 0, 2, 1).reshape(10, 9), 2),
            np.linalg.norm(kernel.reshape(2, 3, 15).transpose(0, 2, 1).reshape(2, 45), 2),
            np.linalg.norm(kernel.transpose(2, 3, 0, 1).reshape(30, 3), 2)]
    np.testing.assert_allclose(est.history, np.sqrt(15) * np.array(want), rtol=1e-12)
    assert est.value == min(est.history)


def test_torus_bound_tightens_towards_the_circular_supremum(rng):
    kernel = rng.standard_normal((3, 3, 3, 3))
    fine = conv_norm(kernel, (256, 256)).value  # a dense sample of the torus
    bounds = [conv_norm_bound(kernel, method="torus", n_grid=g).value for g in (16, 64, 256)]
    assert bounds[0] > bounds[1] > bounds[2] >= fine
    # on the same grid the bound is the circular norm times the Bernstein factor
    assert bounds[2] == pytest.approx(fine / (1 - np.pi * 4 / (2 * 256)), rel=1e-12)
    with pytest.raises(ArgumentError, match="n_grid"):
        conv_norm_bound(kernel, method="torus", n_grid=3)
