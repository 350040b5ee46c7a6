# SPDX-License-Identifier: MIT
"""The orthonormal-factor conv layer: its singular values are the core's."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lorank.spectral import conv_norm, conv_singular_values  # noqa: E402


def _layer(padding_mode="circular"):
    from lorank.nn import OrthoCoreConv2d

    torch.manual_seed(0)
    return OrthoCoreConv2d(12, 10, 4, 3, padding_mode=padding_mode, dtype=torch.float64)


def test_forward_is_the_full_kernel_convolution():
    layer = _layer("zeros")
    x = torch.randn(2, 12, 7, 7, dtype=torch.float64)
    want = torch.nn.functional.conv2d(x, layer.full_kernel(), padding=1)
    torch.testing.assert_close(layer(x), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("padding", ["circular", "zeros"])
def test_layer_singular_values_are_the_cores(padding):
    layer = _layer(padding)
    full = layer.full_kernel().detach().numpy()
    core = layer.core.weight.detach().numpy()
    assert conv_norm(full, (8, 8), padding=padding, rng=0).value == pytest.approx(
        conv_norm(core, (8, 8), padding=padding, rng=0).value, rel=1e-9)
    if padding == "circular":
        sv_full = conv_singular_values(full, (8, 8))
        np.testing.assert_allclose(sv_full[: 64 * 4], layer.singular_values((8, 8)), atol=1e-10)
        assert np.abs(sv_full[64 * 4 :]).max() < 1e-10  # rank 4 per frequency


def test_clipping_the_core_clips_the_layer():
    layer = _layer()
    top = layer.singular_values((8, 8))[0]
    layer.clip_singular_values_((8, 8), 0.5 * top)
    full = layer.full_kernel().detach().numpy()
    assert conv_norm(full, (8, 8)).value == pytest.approx(layer.singular_values((8, 8))[0], rel=1e-9)
    assert layer.singular_values((8, 8))[0] < top


def test_rank_out_of_range():
    from lorank.errors import RankError
    from lorank.nn import OrthoCoreConv2d

    with pytest.raises(RankError, match="rank"):
        OrthoCoreConv2d(4, 3, 5)
