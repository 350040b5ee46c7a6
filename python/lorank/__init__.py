# SPDX-License-Identifier: MIT
"""lorank: low-rank and tensor methods with a C++ core.

The tensor-train format (:class:`TT`, :class:`TTMatrix`), its rounding and arithmetic,
cross approximation (:func:`cross`, also ``lorank.tt.cross``; ``lorank.linalg.maxvol``,
``skeleton``), and in later releases Krylov norm estimation, Riemannian optimization and
low-rank solvers. See ``lorank.show_config()`` for the build.
"""

from __future__ import annotations

from lorank._loader import preload_blas

preload_blas()

from lorank import dlr, errors, linalg, manifold, models, qtt, solve, spectral, tt  # noqa: E402
from lorank._config import show_config  # noqa: E402
from lorank._results import CrossResult, CrossSweep, RoundInfo  # noqa: E402
from lorank.io import load, save  # noqa: E402
from lorank.tt import TT, TTMatrix, cross  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "TT", "TTMatrix", "CrossResult", "CrossSweep", "RoundInfo", "cross", "dlr", "errors", "linalg", "load",
    "manifold", "models", "qtt", "solve", "spectral",
    "save", "show_config", "tt",
]
