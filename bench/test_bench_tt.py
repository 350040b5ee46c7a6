# SPDX-License-Identifier: MIT
"""pytest-benchmark view of the curated workloads (the same ones ``lorank bench`` runs).

Run: ``OPENBLAS_NUM_THREADS=1 pytest bench/ --benchmark-enable --benchmark-group-by=param:name``.
Each benchmark checks the result it timed against the workload's independent error measure.
"""

from __future__ import annotations

import pytest

from lorank import _bench


def _targets():
    out = []
    for name, cls in _bench.WORKLOADS.items():
        w = cls()
        w.setup(quick=False)
        out.append((name, "lorank", w, w.ours))
        peers = w.peers() or {"_reference": w.reference}
        out.extend((name, peer, w, fn) for peer, fn in peers.items())
    return out


TARGETS = _targets()


@pytest.mark.parametrize(("name", "impl", "work", "fn"), TARGETS,
                         ids=[f"{t[0]}-{t[1]}" for t in TARGETS])
def test_workload(benchmark, name, impl, work, fn):
    benchmark.group = name
    result = benchmark(fn)
    assert work.error(result) < 1.0
