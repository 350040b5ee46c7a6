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
        table = [line.split() for line in text.splitlines() if line.strip().startswith("conv")]
        return [(float(r[1]), float(r[2]), float(r[3]), float(r[5])) for r in table]

    plain, reg = rows(blocks[0]), rows(blocks[1])
    for circ, zero, tn, gram in plain + reg:
        assert tn >= max(circ, zero) and gram >= circ * (1 - 1e-9)
    assert all(r[2] < p[2] for p, r in zip(plain, reg))  # the penalty lowers the TN bounds
    acc = [float(b.split("test accuracy")[1].split()[0]) for b in blocks]
    assert min(acc) > 0.9
