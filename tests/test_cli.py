# SPDX-License-Identifier: MIT
"""The lorank command: info and bench (smoke runs, results checked)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lorank import _bench, cli


def test_info_prints_config(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert "version" in out and "lapack" in out and "cuda_built" in out


def test_bench_filter_json(tmp_path, capsys):
    path = tmp_path / "b.json"
    assert cli.main(["bench", "--quick", "--filter", "norm", "--no-progress", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "norm" in out and "ratio" in out
    data = json.loads(path.read_text())
    assert data[0]["workload"] == "norm"
    assert data[0]["lorank_s"] > 0
    assert data[0]["lorank_error"] < 1e-12
    assert data[0]["peers"]


def test_bench_unknown_filter(capsys):
    assert cli.main(["bench", "--quick", "--filter", "zzz", "--no-progress"]) == 2
    assert "no workload matches" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(_bench.WORKLOADS))
def test_each_workload_is_accurate_against_reference(name):
    from lorank._bench_cross import CrossWorkload

    w = _bench.WORKLOADS[name]()
    w.setup(quick=True)
    ours = w.error(w.ours())
    if isinstance(w, CrossWorkload):
        # A cross has no twin: its error on the 10^4 test points must meet its rtol.
        assert ours <= 3 * w.rtol
        return
    if not w.has_twin:  # checked against a closed form (a known spectrum, an identity)
        assert ours <= w.max_error
        return
    twin = w.error(w.reference())
    assert ours <= max(2 * twin, 1e-12)


def test_console_script_runs():
    res = subprocess.run([sys.executable, "-m", "lorank.cli", "info"], capture_output=True,
                         text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert "lapack" in res.stdout


def test_bench_cuda_without_a_gpu_says_so(capsys):
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            pytest.skip("a GPU is visible: gpu_check.sh runs the cuda workloads")
    except Exception:  # noqa: BLE001  (no CuPy or no driver: the case under test)
        pass
    assert cli.main(["bench", "--quick", "--device", "cuda", "--no-progress"]) == 1
    assert "needs CuPy and a visible GPU" in capsys.readouterr().err


def test_filter_takes_several_names(capsys):
    from lorank import cli

    assert cli.main(["bench", "--quick", "--filter", "vgf_apply,qtt_fft", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "vgf_apply" in out and "qtt_fft" in out and "vgf_precompute" not in out
