# SPDX-License-Identifier: MIT
"""examples/tt_completion.py runs and recovers its tensor."""

from __future__ import annotations

import runpy
from pathlib import Path


def test_tt_completion_example(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the plot, if matplotlib is there, lands here
    script = Path(__file__).resolve().parents[2] / "examples" / "tt_completion.py"
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "tolerance reached" in out
    err = float(out.rsplit("relative error of the whole tensor:", 1)[1].split()[0])
    assert err < 1e-8
