# SPDX-License-Identifier: MIT
"""The Examples sections of public docstrings run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "lorank.tt.tensor", "lorank.tt.construct", "lorank.tt.matrix", "lorank.tt.sums",
    "lorank.tt._cross", "lorank.tt._cross_apps", "lorank.linalg.maxvol", "lorank.linalg.skeleton",
    "lorank.nn._cross", "lorank.solve.eigen", "lorank.solve.lobpcg",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name.startswith("lorank.nn"):
        pytest.importorskip("torch")
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
