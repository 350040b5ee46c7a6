# SPDX-License-Identifier: MIT
"""Build and runtime configuration (``lorank.show_config()``, ``lorank info``)."""

from __future__ import annotations

import platform
from typing import Any


def config() -> dict[str, Any]:
    """Version, compiler, LAPACK provider, CUDA build and visible GPUs, as a dict."""
    from lorank import __version__, _core

    info: dict[str, Any] = {
        "version": __version__,
        "python": platform.python_version(),
        "compiler": _core.compiler,
        "lapack": _core.lapack,
        # lorank's own small dense loops; LORANK_DISABLE_AVX2=1 selects the baseline
        "simd": _core._simd_level(),
        # freed core buffers kept per thread for reuse (page faults cost ~10% of a rounding)
        "core_cache": f"{_core._buffer_cache_bytes >> 20} MiB per thread"
        if _core._buffer_cache_bytes
        else "off",
        "cuda_built": False,
        "gpu_count": 0,
        "cupy": None,
    }
    try:
        from lorank import _cuda  # type: ignore[attr-defined]

        info["cuda_built"] = True
        info["gpu_count"] = int(_cuda.device_count())
    except ImportError:
        pass
    import importlib.util

    if importlib.util.find_spec("cupy") is not None:
        import importlib.metadata as md

        for dist in ("cupy-cuda13x", "cupy-cuda12x", "cupy"):
            try:
                info["cupy"] = md.version(dist)
                break
            except md.PackageNotFoundError:
                continue
    return info


def show_config() -> None:
    """Print the build and runtime configuration."""
    for key, value in config().items():
        print(f"{key:>11}: {value}")
