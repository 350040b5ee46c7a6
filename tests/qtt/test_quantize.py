# SPDX-License-Identifier: MIT
"""QTT quantization and the exact low-rank constructions against dense NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from lorank import qtt
from lorank.errors import ArgumentError, NumericalError, ShapeError

DOMAIN = (-0.7, 1.3)


def _x(levels, base=2, endpoint=True):
    n = base**levels
    return np.linspace(*DOMAIN, n, endpoint=endpoint)


@pytest.mark.parametrize("base", [2, 3])
def test_quantize_round_trip_and_ranks(rng, base):
    levels = 8 if base == 2 else 5
    x = _x(levels, base)
    y = np.exp(-3 * x) * np.sin(5 * x)
    t = qtt.quantize(y, base=base, rtol=1e-12)
    np.testing.assert_allclose(qtt.dequantize(t), y, atol=1e-12)
    assert max(t.ranks) <= 2  # a damped sine is exactly rank 2
    noise = rng.standard_normal(base**levels)
    np.testing.assert_allclose(qtt.dequantize(qtt.quantize(noise, base=base)), noise, atol=1e-12)


@pytest.mark.parametrize("endpoint", [True, False])
def test_exact_constructions(endpoint):
    levels = 10
    x = _x(levels, endpoint=endpoint)
    cases = [
        (qtt.exp(-1.7, DOMAIN, levels, endpoint=endpoint), np.exp(-1.7 * x), 1),
        (qtt.exp(2j, DOMAIN, levels, endpoint=endpoint), np.exp(2j * x), 1),
        (qtt.sin(7.0, DOMAIN, levels, endpoint=endpoint), np.sin(7 * x), 2),
        (qtt.cos(7.0, DOMAIN, levels, endpoint=endpoint), np.cos(7 * x), 2),
        (qtt.polynomial([1.0, -2.0, 0.5, 3.0], DOMAIN, levels, endpoint=endpoint),
         1 - 2 * x + 0.5 * x**2 + 3 * x**3, 4),
        (qtt.step(0.31, DOMAIN, levels, endpoint=endpoint), (x >= 0.31).astype(float), 2),
        (qtt.ramp(0.31, DOMAIN, levels, endpoint=endpoint), np.maximum(x - 0.31, 0), 3),
    ]
    for t, want, rank in cases:
        np.testing.assert_allclose(qtt.dequantize(t), want, atol=1e-11)
        assert max(t.ranks) <= rank


def test_step_at_the_ends_and_base_three():
    x = _x(4)
    for thr in (-5.0, DOMAIN[0], DOMAIN[1], 9.0):
        np.testing.assert_array_equal(qtt.dequantize(qtt.step(thr, DOMAIN, 4)), (x >= thr) * 1.0)
    x3 = _x(4, base=3)
    np.testing.assert_allclose(qtt.dequantize(qtt.step(0.2, DOMAIN, 4, base=3)), (x3 >= 0.2) * 1.0)
    np.testing.assert_allclose(qtt.dequantize(qtt.polynomial([0, 0, 1], DOMAIN, 4, base=3)),
                               x3**2, atol=1e-12)


def test_from_function_by_cross():
    res = qtt.from_function(lambda x: 1.0 / (1.0 + 25 * x**2), DOMAIN, 14, rtol=1e-8, rng=0)
    x = _x(14)
    err = np.linalg.norm(qtt.dequantize(res.tt) - 1 / (1 + 25 * x**2)) / np.linalg.norm(1 / (1 + 25 * x**2))
    assert err < 1e-7
    assert res.n_evals < 2**14 / 4  # far fewer samples than grid points


def test_bad_input():
    with pytest.raises(ShapeError, match="power of the base"):
        qtt.quantize(np.ones(12))
    with pytest.raises(ShapeError, match="at least one axis"):
        qtt.quantize(np.float64(1.0))
    with pytest.raises(NumericalError):
        qtt.quantize(np.array([1.0, np.nan, 0.0, 1.0]))
    with pytest.raises(ArgumentError, match="base"):
        qtt.quantize(np.ones(8), base=1)
    with pytest.raises(ArgumentError, match="domain"):
        qtt.exp(1.0, (1.0, 0.0), 3)
    with pytest.raises(ArgumentError, match="n_levels"):
        qtt.sin(1.0, DOMAIN, 0)
    with pytest.raises(NumericalError, match="NaN"):
        qtt.from_function(lambda x: np.where(x > 0, np.nan, x), DOMAIN, 5)


@pytest.mark.parametrize("ordering", ["sequential", "interleaved"])
def test_from_function_on_a_2d_grid(ordering):
    res = qtt.from_function(lambda x, y: np.exp(-x * y) * np.cos(x + 2 * y), [(0, 1), (-1, 1)], 6,
                            ordering=ordering, rtol=1e-10, rng=0)
    x = np.linspace(0, 1, 64)
    y = np.linspace(-1, 1, 64)
    want = np.exp(-np.outer(x, y)) * np.cos(x[:, None] + 2 * y[None, :])
    got = qtt.dequantize(res.tt, (64, 64), ordering=ordering)
    assert np.abs(got - want).max() < 1e-8


def test_from_function_refuses_mismatched_levels():
    with pytest.raises(ArgumentError, match="level counts"):
        qtt.from_function(lambda x, y: x + y, [(0, 1), (0, 1)], [3, 3, 3])


def test_from_function_finds_a_narrow_peak_on_2_to_40_points_from_every_seed():
    """The coarse start puts the first pivots where f lives (random ones missed this peak
    in half of the seeds)."""
    levels, width = 40, 0.005
    a, h = qtt.grid((-1, 1), levels, endpoint=False)
    probe = np.array([2**39 + 12345, 2**39 - 777, 2**39 + 2**33, 3])
    digits = (probe[:, None] >> np.arange(levels - 1, -1, -1)[None, :]) & 1
    for seed in range(3):
        res = qtt.from_function(lambda t: np.exp(-(t**2) / width), (-1, 1), levels,
                                endpoint=False, rtol=1e-10, rng=seed)
        assert res.converged
        want = np.exp(-((a + h * probe) ** 2) / width)
        assert np.abs(res.tt.at(digits) - want).max() < 1e-8
