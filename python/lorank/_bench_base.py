# SPDX-License-Identifier: MIT
"""What every ``lorank bench`` workload builds on: the Workload base class and the helpers
that find the peers (teneva, tntorch, torchtt, ttpy) and convert their trains."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np

import lorank


def _tntorch_tt(t: Any) -> Any:
    """A tntorch tensor as a lorank TT: its Tucker factors (kept apart by default when it
    compresses a full tensor) multiplied into the cores."""
    torch = _torch()
    cores = [c if u is None else torch.einsum("asb,ns->anb", c, u) for c, u in zip(t.cores, t.Us)]
    return _as_tt(cores)


def _have(mod: str) -> bool:
    return importlib.util.find_spec(mod) is not None


def _ttpy() -> Any | None:
    """ttpy (imported as ``tt``) when installed and working, else None."""
    if not _have("tt"):
        return None
    try:
        import tt

        return tt if hasattr(tt, "tensor") and hasattr(tt.tensor, "from_list") else None
    except Exception:  # noqa: BLE001  (ttpy builds are fragile; skip it if broken)
        return None


def _torch() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


def _as_tt(cores: list[Any]) -> lorank.TT:
    return lorank.TT([np.asarray(c.detach().numpy() if hasattr(c, "detach") else c) for c in cores])



class Workload:
    """Base: ``setup`` builds data, ``ours`` runs lorank, ``peers`` maps names to runners,
    ``error`` scores a result (as a lorank TT or a number) against the input."""

    name = ""
    description = ""
    has_twin = True  # ``reference`` runs the pure-NumPy twin

    def setup(self, quick: bool) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def ours(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def reference(self) -> Any:
        """The pure-NumPy twin, used when no peer is installed."""
        raise NotImplementedError

    def peers(self) -> dict[str, Callable[[], Any]]:
        return {}

    def error(self, result: Any) -> float:  # pragma: no cover - overridden
        raise NotImplementedError
