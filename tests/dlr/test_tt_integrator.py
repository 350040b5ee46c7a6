# SPDX-License-Identifier: MIT
"""The TT projector-splitting integrator against dense exponentials."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla

import lorank
from lorank import dlr, models
from lorank.errors import ArgumentError, NumericalError, ShapeError


def schroedinger(h: lorank.TTMatrix) -> lorank.TTMatrix:
    """-i H (one core scaled, so the operator is scaled once)."""
    cores = [np.asarray(c, dtype=complex) for c in h.cores]
    cores[0] = -1j * cores[0]
    return lorank.TTMatrix.from_cores(cores)


@pytest.fixture
def chain():
    h = models.heisenberg(6, delta=0.7)
    return h, schroedinger(h), h.full()


@pytest.mark.parametrize("method", ["ksl", "ksl2"])
def test_exact_at_full_rank(chain, method):
    _, a, dense = chain
    x = lorank.tt.random((2,) * 6, 8, rng=1)  # ranks (1, 2, 4, 8, 4, 2, 1): the whole space
    x = x / x.norm()
    res = dlr.integrate_tt(a, x, (0.0, 1.0), dt=0.2, method=method)
    exact = sla.expm(-1j * dense) @ x.full().ravel()
    assert np.linalg.norm(res.y.full().ravel() - exact) < 1e-12
    assert res.n_steps == 5 and res.y.ranks == (1, 2, 4, 8, 4, 2, 1)


def test_norm_and_energy_conserved_at_low_rank(chain):
    _, a, dense = chain
    x = lorank.tt.random((2,) * 6, 3, rng=0)
    x = x / x.norm()
    v0 = x.full().ravel()
    for method in ("ksl", "ksl2"):
        v = dlr.integrate_tt(a, x, (0.0, 2.0), dt=0.1, method=method).y.full().ravel()
        assert abs(np.linalg.norm(v) - 1) < 1e-12
        assert abs(np.vdot(v, dense @ v).real - np.vdot(v0, dense @ v0).real) < 1e-11


def test_orders_against_a_fine_reference(chain):
    _, a, _ = chain
    x = lorank.tt.random((2,) * 6, 3, rng=0)
    x = x / x.norm()
    ref = dlr.integrate_tt(a, x, (0.0, 1.0), dt=1 / 256, method="ksl2").y.full()
    for method, order in (("ksl", 1), ("ksl2", 2)):
        errs = [np.linalg.norm(dlr.integrate_tt(a, x, (0.0, 1.0), dt=h, method=method).y.full() - ref)
                for h in (0.1, 0.05, 0.025)]
        rate = np.log2(errs[-2] / errs[-1])
        assert abs(rate - order) < 0.3, (method, errs)


def test_heat_equation_from_a_product_start():
    shape = (10, 12, 8)
    lap = models.laplace(shape)
    cores = [np.array(c) for c in lap.cores]
    cores[0] = -0.01 * cores[0]  # dY/dt = -0.01 Laplacian Y
    a = lorank.TTMatrix.from_cores(cores)
    x = lorank.tt.rank1([np.sin(np.pi * np.arange(1, n + 1) / (n + 1)) + 0.1 for n in shape])
    exact = sla.expm(a.full()) @ x.full().ravel()
    res = dlr.integrate_tt(a, x, (0.0, 1.0), dt=0.05)
    assert np.linalg.norm(res.y.full().ravel() - exact) < 1e-6 * np.linalg.norm(exact)


def test_bad_input(chain):
    _, a, _ = chain
    x = lorank.tt.random((2,) * 6, 2, rng=0)
    with pytest.raises(TypeError, match="TT"):
        dlr.integrate_tt(a, x.full(), (0, 1), dt=0.1)
    with pytest.raises(ShapeError, match="acts on"):
        dlr.integrate_tt(a, lorank.tt.random((2,) * 5, 2, rng=0), (0, 1), dt=0.1)
    with pytest.raises(ArgumentError, match="method"):
        dlr.integrate_tt(a, x, (0, 1), dt=0.1, method="bug")
    with pytest.raises(ArgumentError, match="dt"):
        dlr.integrate_tt(a, x, (0, 1), dt=-1)
    with pytest.raises(ArgumentError, match="t0 < t1"):
        dlr.integrate_tt(a, x, (1, 1), dt=0.1)


def test_time_dependent_field_scalar_modulation(chain):
    """A(t) = cos(t) A0 commutes with itself: the exact flow is expm(sin(t) A0); at full
    ranks the only error is the midpoint rule's, second order in the step."""
    _, a, dense = chain
    x = lorank.tt.random((2,) * 6, 8, rng=3)
    x = x / x.norm()

    def field(t):
        cores = [np.asarray(c) for c in a.cores]
        cores[0] = np.cos(t) * cores[0]
        return lorank.TTMatrix.from_cores(cores)

    exact = sla.expm(-1j * np.sin(1.0) * dense) @ x.full().ravel()
    errs = [np.linalg.norm(dlr.integrate_tt(field, x, (0.0, 1.0), dt=h).y.full().ravel() - exact)
            for h in (0.1, 0.05)]
    assert errs[0] < 1e-2
    assert 3.2 < errs[0] / errs[1] < 4.8  # second order


def _ramped_ising():
    """A(t) = -i H(t), H(t) the 6-site transverse-field Ising chain with field 1 + t; a
    full-rank start and its state at t = 1 by DOP853 (rtol 1e-12) on the dense vector."""
    from scipy.integrate import solve_ivp

    def field(t):
        return schroedinger(models.ising(6, h=1.0 + t))

    zz = models.ising(6, h=0.0).full()
    xs = models.ising(6, h=1.0).full() - zz
    x = lorank.tt.random((2,) * 6, 8, rng=4)
    x = x / x.norm()
    ref = solve_ivp(lambda t, v: -1j * (zz + (1.0 + t) * xs) @ v, (0.0, 1.0), x.full().ravel().astype(complex),
                    method="DOP853", rtol=1e-12, atol=1e-13).y[:, -1]
    return field, x, ref


def test_time_dependent_field_against_ode_solver():
    """A(t) = -i H(t), H(t) the transverse-field Ising chain with a ramped field 1 + t (its
    parts do not commute): observed order 2 ('ksl2') against a tight dense Runge-Kutta
    reference at full ranks, and the low-rank solution's norm is still conserved."""
    field, x, ref = _ramped_ising()
    errs = [np.linalg.norm(dlr.integrate_tt(field, x, (0.0, 1.0), dt=hh).y.full().ravel() - ref)
            for hh in (0.1, 0.05)]
    assert errs[0] < 1e-2
    assert 3.2 < errs[0] / errs[1] < 4.8
    low = lorank.tt.random((2,) * 6, 2, rng=5)
    low = low / low.norm()
    res = dlr.integrate_tt(field, low, (0.0, 1.0), dt=0.05)
    assert abs(res.y.norm() - 1.0) < 1e-12 and res.y.ranks == low.ranks


def test_time_dependent_field_bad_values(chain):
    h, a, _ = chain
    x = lorank.tt.random((2,) * 6, 2, rng=0)
    with pytest.raises(ShapeError, match="acts on"):
        dlr.integrate_tt(lambda t: models.heisenberg(5), x, (0, 1), dt=0.1)
    with pytest.raises(TypeError, match="TTMatrix"):
        dlr.integrate_tt(lambda t: "not an operator", x, (0, 1), dt=0.1)
    # real at t0, complex later: refused at the step that meets it, not silently cast
    with pytest.raises(ArgumentError, match="complex128"):
        dlr.integrate_tt(lambda t: h if t == 0 else a, x, (0, 1), dt=0.1)


def _reaction_diffusion(shape):
    """F(t, Y) = -0.05 L Y - 0.5 Y^3 (L the grid Laplacian, the cube elementwise)."""
    lap = models.laplace(shape)
    field = dlr.TTField(lambda t, y: (lap @ y) * (-0.05) - (y * y * y) * 0.5)
    mat = lap.full()

    def dense(t, v):
        return -0.05 * (mat @ v) - 0.5 * v**3

    return field, dense


def test_general_field_at_full_rank_is_runge_kutta_exact():
    """At full ranks the splitting of an autonomous field is exact, so the error against a
    tight DOP853 solution is the RK4 sub-steps': fourth order."""
    from scipy.integrate import solve_ivp

    field, dense = _reaction_diffusion((4, 4, 4))
    y0 = lorank.tt.random((4,) * 3, 4, rng=2)  # ranks (1, 4, 4, 1): the whole space
    y0 = y0 / y0.norm() * 3
    ref = solve_ivp(dense, (0.0, 1.0), y0.full().ravel(), method="DOP853", rtol=1e-12, atol=1e-13).y[:, -1]
    errs = [np.linalg.norm(dlr.integrate_tt(field, y0, (0.0, 1.0), dt=h).y.full().ravel() - ref)
            for h in (0.1, 0.05)]
    assert errs[1] < 1e-6 and errs[0] / errs[1] > 10


def test_general_field_matches_the_linear_path(chain):
    _, a, _ = chain
    x = lorank.tt.random((2,) * 6, 3, rng=6)
    x = x / x.norm()
    exact_path = dlr.integrate_tt(a, x, (0.0, 1.0), dt=0.05).y.full()
    field_path = dlr.integrate_tt(dlr.TTField(lambda t, y: a @ y), x, (0.0, 1.0), dt=0.05).y.full()
    assert np.linalg.norm(field_path - exact_path) < 1e-6


def test_general_field_low_rank_second_order():
    field, _ = _reaction_diffusion((4, 4, 4, 4))
    y0 = lorank.tt.random((4,) * 4, 2, rng=2)
    y0 = y0 / y0.norm() * 3
    ref = dlr.integrate_tt(field, y0, (0.0, 1.0), dt=1 / 128).y.full()
    runs = [dlr.integrate_tt(field, y0, (0.0, 1.0), dt=h) for h in (0.05, 0.025)]
    errs = [np.linalg.norm(r.y.full() - ref) for r in runs]
    assert errs[0] < 1e-5 and 3.0 < errs[0] / errs[1] < 7.0  # measured 4.9
    assert runs[1].y.ranks == y0.ranks


def test_general_field_bad_values(chain):
    x = lorank.tt.random((2,) * 6, 2, rng=0)
    with pytest.raises(TypeError, match="must return a TT"):
        dlr.integrate_tt(dlr.TTField(lambda t, y: y.full()), x, (0, 1), dt=0.1)
    with pytest.raises(ShapeError, match="shape"):
        dlr.integrate_tt(dlr.TTField(lambda t, y: lorank.tt.random((2,) * 5, 2, rng=0)), x, (0, 1), dt=0.1)
    with pytest.raises(NumericalError, match="NaN"):
        dlr.integrate_tt(dlr.TTField(lambda t, y: lorank.TT._trusted([c * np.nan for c in y.cores])), x,
                         (0, 1), dt=0.1)
    with pytest.raises(ArgumentError, match="n_substeps"):
        dlr.integrate_tt(dlr.TTField(lambda t, y: y, n_substeps=0), x, (0, 1), dt=0.1)


def _neel(d):
    return lorank.tt.rank1([np.array([1.0, 0.0]) if i % 2 == 0 else np.array([0.0, 1.0]) for i in range(d)])


def test_two_site_grows_ranks_from_a_product_state(chain):
    """A Neel product state under the XXZ chain entangles: the one-site sweeps keep rank 1
    and miss the flow entirely, the two-site sweeps grow the ranks and follow it."""
    _, a, dense = chain
    x = _neel(6)
    exact = sla.expm(-1j * dense) @ x.full().ravel()
    res = dlr.integrate_tt(a, x, (0.0, 1.0), dt=0.05, method="tdvp2", rtol=1e-10)
    assert np.linalg.norm(res.y.full().ravel() - exact) < 1e-5
    assert res.y.ranks == (1, 2, 4, 8, 4, 2, 1) and res.history[0].rank > 1
    one_site = dlr.integrate_tt(a, x, (0.0, 1.0), dt=0.05)
    assert one_site.y.ranks == (1,) * 7
    assert np.linalg.norm(one_site.y.full().ravel() - exact) > 0.5


def test_two_site_rank_cap_and_conservation(chain):
    _, a, dense = chain
    x = _neel(6)
    v0 = x.full().ravel()
    exact = sla.expm(-2j * dense) @ v0
    errs = []
    for cap in (2, 4, 8):
        res = dlr.integrate_tt(a, x, (0.0, 2.0), dt=0.05, method="tdvp2", rtol=0.0, max_rank=cap)
        assert max(res.y.ranks) == cap
        v = res.y.full().ravel()
        errs.append(np.linalg.norm(v - exact))
        # the sub-flows are unitary: only a truncation moves the norm, and only down
        assert np.linalg.norm(v) <= 1 + 1e-12
    assert errs[0] > errs[1] > errs[2] and errs[2] < 1e-5
    # at full rank (cap 8) nothing is cut: norm and energy conserved
    assert abs(np.linalg.norm(v) - 1) < 1e-12
    assert abs(np.vdot(v, dense @ v).real - np.vdot(v0, dense @ v0).real) < 1e-10


def test_two_site_equals_the_one_site_splitting_at_full_rank_with_a_time_dependent_field():
    """At full ranks both splittings are exact for the frozen field, so with A(t) (midpoint
    rule) 'tdvp2' and 'ksl2' agree, and both are second order against DOP853."""
    field, x, ref = _ramped_ising()
    errs = []
    for hh in (0.1, 0.05):
        two = dlr.integrate_tt(field, x, (0.0, 1.0), dt=hh, method="tdvp2", rtol=1e-13).y.full().ravel()
        one = dlr.integrate_tt(field, x, (0.0, 1.0), dt=hh, method="ksl2").y.full().ravel()
        assert np.linalg.norm(two - one) < 1e-9
        errs.append(np.linalg.norm(two - ref))
    assert 3.2 < errs[0] / errs[1] < 4.8


def test_two_site_bad_input(chain):
    _, a, _ = chain
    x = _neel(6)
    with pytest.raises(ArgumentError, match="apply to method='tdvp2'"):
        dlr.integrate_tt(a, x, (0, 1), dt=0.1, rtol=1e-6)
    with pytest.raises(ArgumentError, match="apply to method='tdvp2'"):
        dlr.integrate_tt(a, x, (0, 1), dt=0.1, method="ksl", max_rank=4)
    with pytest.raises(ArgumentError, match="rtol"):
        dlr.integrate_tt(a, x, (0, 1), dt=0.1, method="tdvp2", rtol=2.0)
    with pytest.raises(ArgumentError, match="max_rank"):
        dlr.integrate_tt(a, x, (0, 1), dt=0.1, method="tdvp2", max_rank=0)
    with pytest.raises(ArgumentError, match="TTField"):
        dlr.integrate_tt(dlr.TTField(lambda t, y: y), x, (0, 1), dt=0.1, method="tdvp2")


def test_krylov_local_flows_match_the_dense_ones(chain, monkeypatch):
    """Local problems above the dense limit go through expm_multiply (whose norm estimate
    applies the adjoint local operator): with the limit lowered so that every local flow
    takes that path, the trains equal the dense-exponential ones."""
    import lorank.dlr.tt_integrator as tti

    _, a, _ = chain
    x = lorank.tt.random((2,) * 6, 8, rng=0)
    x = x / x.norm()
    dense = {m: dlr.integrate_tt(a, x, (0.0, 0.3), dt=0.1, method=m).y.full() for m in ("ksl2", "tdvp2")}
    monkeypatch.setattr(tti, "DENSE_EXPM_LIMIT", 4)
    for method, y in dense.items():
        krylov = dlr.integrate_tt(a, x, (0.0, 0.3), dt=0.1, method=method).y.full()
        assert np.abs(krylov - y).max() < 1e-12, method


def test_krylov_expm_against_dense_expm():
    from lorank.dlr.tt_integrator import krylov_expm

    rng = np.random.default_rng(7)
    a = rng.standard_normal((200, 200)) / np.sqrt(200) * 6 + 1j * np.diag(rng.standard_normal(200))
    v = rng.standard_normal(200) + 0j
    exact = sla.expm(a) @ v
    # a short basis forces the step to be split into pieces
    for m_max in (30, 8):
        got = krylov_expm(lambda x: a @ x, v, 1.0, m_max=m_max)
        assert np.linalg.norm(got - exact) < 1e-10 * np.linalg.norm(exact), m_max
    herm = a + a.conj().T
    with pytest.raises(NumericalError, match="reduce dt"):  # a unitary flow far too long for 3 vectors
        krylov_expm(lambda x: 1e9j * (herm @ x), v, 1.0, m_max=3)
    small = rng.standard_normal((5, 5))  # the basis spans everything: exact
    assert np.allclose(krylov_expm(lambda x: small @ x, v[:5].real, -0.7), sla.expm(-0.7 * small) @ v[:5].real,
                       rtol=1e-12, atol=1e-12)
