# SPDX-License-Identifier: MIT
"""Locate scipy-openblas32 for the compiled core without importing it.

The extension carries a RUNPATH to the wheel's ``lib`` folder; this preload (RTLD_LOCAL)
is a safety net for other site-packages layouts. ``import scipy_openblas32`` would load the
library RTLD_GLOBAL and rebind SciPy's own LAPACK calls, so it is never imported.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os


def preload_blas() -> str | None:
    """Load ``libscipy_openblas.so`` with RTLD_LOCAL; return its path, or None if absent."""
    spec = importlib.util.find_spec("scipy_openblas32")
    if spec is None or not spec.submodule_search_locations:
        return None
    lib = os.path.join(spec.submodule_search_locations[0], "lib", "libscipy_openblas.so")
    if not os.path.exists(lib):
        return None
    ctypes.CDLL(lib, mode=os.RTLD_LOCAL)
    return lib


def set_blas_threads(n: int) -> bool:
    """Set the thread count of lorank's own OpenBLAS copy; False if it cannot be reached."""
    lib = preload_blas()
    if lib is None:
        return False
    handle = ctypes.CDLL(lib, mode=os.RTLD_LOCAL)
    setter = getattr(handle, "scipy_openblas_set_num_threads", None)
    if setter is None:
        return False
    setter(int(n))
    return True
