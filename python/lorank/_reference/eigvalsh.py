# SPDX-License-Identifier: MIT
"""NumPy twin of ``lorank._core.batched_eigvalsh`` (cpp/src/core/batched_eigvalsh.cpp)."""

from __future__ import annotations

from typing import Any

import numpy as np


def batched_eigvalsh(a: Any) -> np.ndarray:
    """Eigenvalues, descending, of a stack (..., n, n) of Hermitian matrices (lower
    triangle read, as LAPACK's heevd does with UPLO='L')."""
    return np.linalg.eigvalsh(np.asarray(a, dtype=np.complex128), UPLO="L")[..., ::-1]
