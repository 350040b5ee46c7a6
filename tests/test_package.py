# SPDX-License-Identifier: MIT
"""Package structure: public names, lazy optional imports, README quickstart."""

from __future__ import annotations

import builtins
import re
import subprocess
import sys
from pathlib import Path

import lorank

ROOT = Path(__file__).resolve().parents[1]


def test_all_names_exist_and_shadow_no_builtin():
    for name in lorank.__all__:
        assert hasattr(lorank, name), name
        assert not hasattr(builtins, name), name
    for name in lorank.tt.__all__:
        assert hasattr(lorank.tt, name), name
        assert not hasattr(builtins, name), name


def test_import_pulls_no_torch_or_cupy():
    code = "import sys, lorank; print('torch' in sys.modules, 'cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_import_does_not_load_scipy_openblas_globally():
    code = "import sys, lorank; print('scipy_openblas32' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_readme_python_blocks_run():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_readme_quickstart_has_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quickstart", 1)[1].split("```", 2)[1]
    commands = [line for line in quick.splitlines()[1:] if line.strip()]
    assert len(commands) == 2
    assert "lorank bench" in commands[0] and "pytest" in commands[1]


def test_stub_matches_compiled_module():
    """Every function in _core.pyi exists in the compiled module and vice versa."""
    import inspect

    from lorank import _core

    stub = (Path(lorank.__file__).parent / "_core.pyi").read_text()
    stubbed = set(re.findall(r"^def (\w+)\(", stub, flags=re.M))
    compiled = {n for n, v in vars(_core).items() if callable(v) and not n.startswith("_")
                and not inspect.isclass(v)}
    assert stubbed == compiled


def test_kernels_release_the_gil_and_are_thread_safe():
    """Concurrent rounding in threads gives the same results as serial calls."""
    from concurrent.futures import ThreadPoolExecutor

    xs = [lorank.tt.random([4] * 12, 12, rng=i) for i in range(6)]
    serial = [x.round(max_rank=5).full() for x in xs]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda x: x.round(max_rank=5).full(), xs))
    for a, b in zip(serial, parallel):
        assert (a == b).all()
