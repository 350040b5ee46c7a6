# SPDX-License-Identifier: MIT
"""Error and warning classes of lorank.

Each error also derives from the builtin that fits it, so ``except ValueError`` catches a
:class:`ShapeError`. The compiled core raises the same classes (see ``cpp/bindings/errors.cpp``).
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "ConvergenceWarning",
    "DTypeError",
    "DeviceMismatchError",
    "LorankError",
    "NotBuiltError",
    "NumericalError",
    "RankError",
    "ShapeError",
]


class LorankError(Exception):
    """Base class of every lorank error."""


class ShapeError(LorankError, ValueError):
    """Operands or arguments with incompatible shapes (mode sizes, numbers of modes)."""


class RankError(LorankError, ValueError):
    """Invalid ranks: zero or negative, boundary ranks other than 1, or neighbours that differ."""


class ArgumentError(LorankError, ValueError):
    """An option outside its documented range (``rtol`` not in [0, 1), unknown ``method``)."""


class DTypeError(LorankError, TypeError):
    """A dtype lorank cannot compute in (object, string, ...). Integers are promoted instead."""


class DeviceMismatchError(LorankError, ValueError):
    """Operands on different devices (NumPy and CuPy arrays mixed in one call)."""


class NotBuiltError(LorankError, RuntimeError):
    """A feature that this build of lorank does not contain (e.g. the CUDA module)."""


class NumericalError(LorankError, ArithmeticError):
    """NaN or Inf in the input, a result beyond the dtype's range (a scalar product that
    overflows even spread over the cores), or a LAPACK routine that failed."""


class ConvergenceWarning(UserWarning):
    """An iterative method stopped before reaching its tolerance (``converged=False``)."""
