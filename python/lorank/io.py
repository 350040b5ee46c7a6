# SPDX-License-Identifier: MIT
"""Saving and loading TT and TTMatrix objects (NumPy ``.npz``, no pickling)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from lorank._device import to_device
from lorank.errors import LorankError
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["load", "save"]

_FORMAT = 1


def save(path: str | os.PathLike[str], x: TT | TTMatrix) -> None:
    """Write `x` to an ``.npz`` file (cores moved to the host first)."""
    if not isinstance(x, (TT, TTMatrix)):
        msg = f"save: expected a TT or TTMatrix, got {type(x).__name__}"
        raise TypeError(msg)
    kind = "TT" if isinstance(x, TT) else "TTMatrix"
    arrays = {f"core_{k}": to_device(c, "cpu") for k, c in enumerate(x.cores)}
    np.savez(path, lorank_kind=np.array(kind), lorank_format=np.array(_FORMAT), **arrays)


def load(path: str | os.PathLike[str]) -> TT | TTMatrix:
    """Read a TT or TTMatrix written by :func:`save` (validated like user input)."""
    with np.load(path, allow_pickle=False) as f:
        if "lorank_kind" not in f.files:
            msg = f"load: {os.fspath(path)!r} is not a lorank file"
            raise LorankError(msg)
        kind = str(f["lorank_kind"])
        n = sum(1 for name in f.files if name.startswith("core_"))
        cores: list[Any] = [f[f"core_{k}"] for k in range(n)]
    return TT(cores) if kind == "TT" else TTMatrix(cores)
