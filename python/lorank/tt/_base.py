# SPDX-License-Identifier: MIT
"""Properties shared by TT and TTMatrix: both are immutable tuples of cores whose first
and last axes are the ranks."""

from __future__ import annotations

from typing import Any

import numpy as np

from lorank._device import device_of


class TrainBase:
    """Read-only views of a train of cores ``(r_{k-1}, ..., r_k)``."""

    __slots__ = ("_cores",)
    _cores: tuple[Any, ...]

    @classmethod
    def _trusted(cls, cores: Any) -> Any:
        """Wrap already validated cores (kernel output) without copying; NumPy cores are
        made read-only, since the object is immutable."""
        obj = cls.__new__(cls)
        cs = tuple(cores)
        for c in cs:
            if isinstance(c, np.ndarray):
                c.flags.writeable = False
        obj._cores = cs
        return obj

    @property
    def cores(self) -> tuple[Any, ...]:
        """The cores (read-only arrays for NumPy data)."""
        return self._cores

    @property
    def ndim(self) -> int:
        """Number of modes d."""
        return len(self._cores)

    @property
    def ranks(self) -> tuple[int, ...]:
        """TT ranks ``(1, r_1, ..., r_{d-1}, 1)``, length d+1."""
        return (1, *(int(c.shape[-1]) for c in self._cores))

    @property
    def dtype(self) -> np.dtype:
        """Scalar type of the cores."""
        return np.dtype(self._cores[0].dtype)

    @property
    def device(self) -> str:
        """``'cpu'`` (NumPy cores) or ``'cuda'`` (CuPy cores)."""
        return device_of(self._cores[0])

    @property
    def n_params(self) -> int:
        """Number of stored entries."""
        return int(sum(c.size for c in self._cores))
