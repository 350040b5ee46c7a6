# SPDX-License-Identifier: MIT
"""A convolution layer with controlled singular values: 1x1 convolutions with orthonormal
factors around a small core convolution (after Senderovich, Bulatova, Obukhov, Rakhuba,
"Towards practical control of singular values of convolutional layers", NeurIPS 2022).

The layer is ``U o conv(core) o V^T``: V^T (r x c_in, orthonormal rows) and U (c_out x r,
orthonormal columns) act on the channels of every pixel, so as linear maps of the whole
image they are orthonormal too, and the layer's nonzero singular values are exactly the
core's (for circular and zero padding alike). Checking, normalizing or clipping them costs
the core's size, r x r x k x k, instead of c_out x c_in x k x k.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch  # this module is loaded lazily by lorank.nn, only when the class is asked for

__all__ = ["OrthoCoreConv2d"]


class OrthoCoreConv2d(torch.nn.Module):
    """``y = U conv(core, V^T x)`` with orthonormal U (c_out x r), V (c_in x r).

    Parameters
    ----------
    in_channels, out_channels : int
    rank : int, <= min(in_channels, out_channels)
    kernel_size : int (odd: 'same' output size with padding kernel_size // 2)
    padding_mode : 'zeros' or 'circular'

    U and V stay orthonormal through training (``torch.nn.utils.parametrizations.orthogonal``);
    :meth:`singular_values` and :meth:`clip_singular_values_` work on the core only.
    """

    def __init__(self, in_channels: int, out_channels: int, rank: int, kernel_size: int = 3,
                 padding_mode: str = "zeros", dtype: Any = None):
        from torch.nn.utils.parametrizations import orthogonal

        super().__init__()
        if not 1 <= rank <= min(in_channels, out_channels):
            from lorank.errors import RankError

            msg = (f"OrthoCoreConv2d: rank must be in [1, min(in, out) = "
                   f"{min(in_channels, out_channels)}], got {rank}")
            raise RankError(msg)
        dtype = dtype or torch.get_default_dtype()
        self.down = orthogonal(torch.nn.Linear(in_channels, rank, bias=False, dtype=dtype))
        self.up = orthogonal(torch.nn.Linear(rank, out_channels, bias=False, dtype=dtype))
        self.core = torch.nn.Conv2d(rank, rank, kernel_size, padding=kernel_size // 2,
                                    padding_mode=padding_mode, bias=False, dtype=dtype)
        self.padding_mode = padding_mode

    def forward(self, x: Any) -> Any:
        z = torch.einsum("rc,bchw->brhw", self.down.weight, x)
        z = self.core(z)
        return torch.einsum("or,brhw->bohw", self.up.weight, z)

    def full_kernel(self) -> Any:
        """The equivalent c_out x c_in x k x k kernel (for checks; the layer never forms it)."""
        return torch.einsum("or,rsij,sc->ocij", self.up.weight, self.core.weight, self.down.weight)

    def singular_values(self, input_shape: Any) -> np.ndarray:
        """The layer's nonzero singular values for circular padding on (H, W): the core's."""
        from lorank.spectral import conv_singular_values

        return conv_singular_values(self.core.weight.detach().cpu().numpy(), input_shape)

    def clip_singular_values_(self, input_shape: Any, max_sv: float) -> None:
        """Clip the core's (hence the layer's) circular singular values to max_sv in place
        (Sedghi's projection on the core, truncated to its taps)."""
        from lorank.nn._conv_bounds import clip_conv_singular_values

        clipped = clip_conv_singular_values(self.core.weight.detach().cpu().numpy(),
                                            input_shape, max_sv)
        with torch.no_grad():
            self.core.weight.copy_(torch.as_tensor(clipped, dtype=self.core.weight.dtype))
