# SPDX-License-Identifier: MIT
"""examples/conv_norms_digits.py: bounds above the exact norms, lower with the penalty."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("sklearn")


def test_digits_example(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    script = Path(__file__).resolve().parents[2] / "examples" / "conv_norms_digits.py"
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    blocks = out.split("with the TN-bound penalty")
    assert len(blocks) == 2

    def rows(text):
        """(circular, zeros, TN, Gram, reshape, torus) per layer, bounds in absolute terms."""
        table = [line.split() for line in text.splitlines() if line.strip().startswith("conv")]
        out = []
        for r in table:
            circ, zero = float(r[1]), float(r[2])
            exact = max(circ, zero)
            out.append((circ, zero, *(float(v) * exact for v in r[3:7])))
        return out

    plain, reg = rows(blocks[0]), rows(blocks[1])
    for circ, zero, tn, gram, reshape, torus in plain + reg:
        exact = max(circ, zero)
        assert min(tn, reshape, torus) >= exact * (1 - 1e-3)  # printed to 3 digits
        assert gram >= circ * (1 - 1e-3)
    assert all(r[2] < p[2] for p, r in zip(plain, reg))  # the penalty lowers the TN bounds
    acc = [float(b.split("test accuracy")[1].split()[0]) for b in blocks]
    assert min(acc) > 0.9
