# SPDX-License-Identifier: MIT
"""A 2-d convolution layer as a linear operator, with its exact adjoint."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from lorank._device import array_module
from lorank.errors import ArgumentError, NumericalError, ShapeError

__all__ = ["Conv2dOperator"]


def _pair(value: Any, name: str, low: int) -> tuple[int, int]:
    vals = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    if len(vals) != 2 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral)
                             or v < low for v in vals):
        msg = f"Conv2dOperator: {name} must be an int >= {low} or a pair of them, got {value!r}"
        raise ArgumentError(msg)
    return int(vals[0]), int(vals[1])


class Conv2dOperator:
    """The map x -> conv2d(x, kernel) of a convolution layer (cross-correlation, as
    ``torch.nn.functional.conv2d``), on inputs of shape ``input_shape = (C_in, H, W)``
    flattened in C order; outputs ``(C_out, H_out, W_out)`` flattened the same way.

    Parameters
    ----------
    kernel : array (C_out, C_in, kh, kw), NumPy or CuPy
    input_shape : (C_in, H, W)
    padding : {'zeros', 'circular'}
        How the input is extended beyond its border.
    stride : int or (int, int)
    pad : int or (int, int), optional
        Width of the extension; default ``(kh - 1) // 2, (kw - 1) // 2`` (same size at
        stride 1 for odd kernels). 'circular' needs ``pad <= H, W``.

    Products with a block of k vectors cost kh * kw GEMMs of (C_out x C_in) by
    (C_in x H_out W_out k); the adjoint (:meth:`rmatmat`, the transposed convolution) the
    same. Shape of the operator: ``(C_out H_out W_out, C_in H W)``.
    """

    def __init__(self, kernel: Any, input_shape: Any, padding: str = "zeros", stride: Any = 1,
                 pad: Any = None):
        xp = array_module(kernel)
        kernel = xp.asarray(kernel)
        if kernel.ndim != 4:
            msg = f"Conv2dOperator: kernel must be (C_out, C_in, kh, kw), got shape {kernel.shape}"
            raise ShapeError(msg)
        if kernel.dtype.kind not in "fc":
            kernel = kernel.astype(np.float64)
        if not bool(xp.isfinite(kernel).all()):
            msg = "Conv2dOperator: kernel contains NaN or Inf"
            raise NumericalError(msg)
        c_out, c_in, kh, kw = (int(s) for s in kernel.shape)
        shape = tuple(int(s) for s in input_shape)
        if len(shape) != 3 or shape[0] != c_in or min(shape) < 1:
            msg = (f"Conv2dOperator: input_shape must be (C_in={c_in}, H, W) with H, W >= 1, "
                   f"got {tuple(input_shape)}")
            raise ShapeError(msg)
        if padding not in ("zeros", "circular"):
            msg = f"Conv2dOperator: padding must be 'zeros' or 'circular', got {padding!r}"
            raise ArgumentError(msg)
        self.stride = _pair(stride, "stride", 1)
        self.pad = _pair(((kh - 1) // 2, (kw - 1) // 2) if pad is None else pad, "pad", 0)
        _, h, w = shape
        if padding == "circular" and (self.pad[0] > h or self.pad[1] > w):
            msg = f"Conv2dOperator: circular padding needs pad <= (H, W) = {(h, w)}, got {self.pad}"
            raise ArgumentError(msg)
        h_out = (h + 2 * self.pad[0] - kh) // self.stride[0] + 1
        w_out = (w + 2 * self.pad[1] - kw) // self.stride[1] + 1
        if h_out < 1 or w_out < 1:
            msg = f"Conv2dOperator: the kernel {kh} x {kw} does not fit the padded input {(h, w)}"
            raise ShapeError(msg)
        self.kernel, self.xp, self.padding = kernel, xp, padding
        # One contiguous (C_out x C_in) matrix per tap, and its adjoint: BLAS-ready operands
        # (a strided kernel[:, :, p, q] sends older NumPy to a loop hundreds of times slower).
        self._taps = [xp.ascontiguousarray(kernel[:, :, p, q]) for p in range(kh) for q in range(kw)]
        self._taps_h = [xp.ascontiguousarray(t.conj().T) for t in self._taps]
        self.input_shape, self.output_shape = shape, (c_out, h_out, w_out)
        self.shape = (c_out * h_out * w_out, c_in * h * w)
        self.dtype = kernel.dtype

    # ------------------------------------------------------------------ products
    def _windows(self) -> list[tuple[int, int, slice, slice]]:
        """(p, q, rows, cols): the padded-input positions that kernel tap (p, q) reads, in the
        order of ``self._taps``."""
        _, kh, kw = self.kernel.shape[1:]
        _, h_out, w_out = self.output_shape
        sh, sw = self.stride
        return [(p, q, slice(p, p + sh * (h_out - 1) + 1, sh), slice(q, q + sw * (w_out - 1) + 1, sw))
                for p in range(kh) for q in range(kw)]

    def matmat(self, x: Any) -> Any:
        """``A @ x`` for x of shape (C_in H W,) or (C_in H W, k)."""
        xp = self.xp
        vec = x.ndim == 1
        c_in, h, w = self.input_shape
        block = xp.asarray(x).reshape(c_in, h, w, -1)
        k = block.shape[3]
        ph, pw = self.pad
        mode = "wrap" if self.padding == "circular" else "constant"
        padded = xp.pad(block, ((0, 0), (ph, ph), (pw, pw), (0, 0)), mode=mode)
        c_out, h_out, w_out = self.output_shape
        dt = np.result_type(self.dtype, block.dtype)
        out = xp.zeros((c_out, h_out * w_out * k), dtype=dt)
        for tap, (_, _, rows, cols) in zip(self._taps, self._windows()):
            out += tap @ padded[:, rows, cols, :].reshape(c_in, -1)
        out = out.reshape(self.shape[0], k)
        return out[:, 0] if vec else out

    def rmatmat(self, y: Any) -> Any:
        """``A^H @ y`` (the transposed convolution) for y of shape (C_out H_out W_out[, k])."""
        xp = self.xp
        vec = y.ndim == 1
        c_out, h_out, w_out = self.output_shape
        block = xp.asarray(y).reshape(c_out, -1)
        k = block.shape[1] // (h_out * w_out)
        c_in, h, w = self.input_shape
        ph, pw = self.pad
        dt = np.result_type(self.dtype, block.dtype)
        grad = xp.zeros((c_in, h + 2 * ph, w + 2 * pw, k), dtype=dt)
        for tap_h, (_, _, rows, cols) in zip(self._taps_h, self._windows()):
            grad[:, rows, cols, :] += (tap_h @ block).reshape(c_in, h_out, w_out, k)
        if self.padding == "circular":
            grad = _fold(_fold(grad, ph, 1), pw, 2)
        else:
            grad = grad[:, ph : ph + h, pw : pw + w, :]
        out = grad.reshape(self.shape[1], k)
        return out[:, 0] if vec else out

    def __matmul__(self, x: Any) -> Any:
        return self.matmat(x)


def _fold(a: Any, p: int, axis: int) -> Any:
    """Adjoint of wrap padding by p along `axis`: the pads are added back where they came from."""
    if p == 0:
        return a
    n = a.shape[axis] - 2 * p
    take = lambda s: a[(slice(None),) * axis + (s,)]  # noqa: E731
    core = take(slice(p, p + n)).copy()
    front = (slice(None),) * axis
    core[front + (slice(0, p),)] += take(slice(p + n, 2 * p + n))
    core[front + (slice(n - p, n),)] += take(slice(0, p))
    return core
