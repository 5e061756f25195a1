"""Smooth activations as values: expressions, numpy, balls, names, singularities, bad input.

Independent references: each activation's textbook (torch documentation) formula written
here with mpmath; the singularities from the closed forms of their poles.
"""

from __future__ import annotations

import pickle
import subprocess
import sys

import flint
import mpmath
import numpy as np
import pytest
import sympy

import symrelu as sr
from symrelu.errors import ActivationError
from symrelu.smooth import (
    ELU,
    GELU,
    SELU,
    GELUTanh,
    Mish,
    Sigmoid,
    SiLU,
    Smooth,
    Softplus,
    Tanh,
    X,
    smooth_activation,
)

# torch.nn documentation formulas (SELU's constants are torch's source decimals)
_ALPHA = "1.6732632423543772848170429916717"
_SCALE = "1.0507009873554804934193349852946"
REFERENCE = {
    "gelu": lambda v: v * mpmath.ncdf(v),
    "gelu_tanh": lambda v: v / 2 * (1 + mpmath.tanh(mpmath.sqrt(2 / mpmath.pi)
                                                   * (v + mpmath.mpf("0.044715") * v**3))),
    "silu": lambda v: v / (1 + mpmath.exp(-v)),
    "tanh": mpmath.tanh,
    "sigmoid": lambda v: 1 / (1 + mpmath.exp(-v)),
    "softplus": lambda v: mpmath.log1p(mpmath.exp(v)),
    "mish": lambda v: v * mpmath.tanh(mpmath.log1p(mpmath.exp(v))),
    "elu": lambda v: v if v > 0 else mpmath.expm1(v),
    "selu": lambda v: mpmath.mpf(_SCALE) * (v if v > 0 else mpmath.mpf(_ALPHA) * mpmath.expm1(v)),
}
POINTS = ["-3.7", "-1.2", "-0.25", "0.5", "1.3", "2.9"]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_expression_numpy_and_ball_agree_with_the_textbook_formula(name):
    act = sr.as_activation(name)
    assert act.kind == "smooth" and act.name == name
    with mpmath.workdps(40):
        for p in POINTS:
            ref = REFERENCE[name](mpmath.mpf(p))
            exact = sympy.N(act(sympy.Rational(p)), 40)
            assert abs(mpmath.mpf(str(exact)) - ref) < mpmath.mpf(10) ** -35 * (1 + abs(ref))
            with flint.ctx.workprec(130):
                ball = act.acb(flint.acb(flint.arb(p)))
                assert ball.real.overlaps(flint.arb(mpmath.nstr(ref, 38), "1e-37"))
                assert ball.imag.contains(0) and ball.real.rad() < 1e-30
            assert act.numpy(float(p)) == pytest.approx(float(ref), rel=1e-13, abs=1e-15)
    xs = np.linspace(-4, 4, 9)
    assert act.numpy(xs).shape == xs.shape


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_names_round_trip(name):
    act = sr.as_activation(name)
    assert sr.as_activation(act.name) == act
    assert hash(sr.as_activation(act.name)) == hash(act)
    assert pickle.loads(pickle.dumps(act)) == act


def test_aliases_and_parameters():
    assert sr.as_activation("swish") == SiLU() == sr.Swish()
    assert sr.as_activation("elu:0.5") == ELU("1/2") and ELU("1/2").name == "elu:1/2"
    assert ELU(1) == ELU() and ELU().name == "elu"
    assert sr.as_activation("ELU:1/4")(sympy.Integer(-1)) == (sympy.exp(-1) - 1) / 4
    assert smooth_activation("relu") is None and smooth_activation("nonsense") is None
    user = Smooth(sympy.Symbol("x") * sympy.exp(-sympy.Symbol("x") ** 2))
    assert sr.as_activation(user.name) == user
    assert Smooth(sympy.tanh(sympy.Symbol("x"))) == Tanh()           # canonical
    assert Smooth("log(1 + exp(x))") == Softplus()
    e_user = Smooth(sympy.E ** X - 1)
    assert sr.as_activation(e_user.name) == e_user                   # "E" survives lower-casing
    for expr in (X * sympy.erf(X), sympy.atan(X) ** 3, sympy.sqrt(1 + X**2), sympy.cos(X) / 2,
                 sympy.log(1 + X**2) * sympy.pi, sympy.asinh(X) + sympy.sinh(X) / 7):
        act = Smooth(expr)
        assert sr.as_activation(act.name) == act, act.name


def test_values_are_immutable():
    with pytest.raises(AttributeError):
        GELU().foo = 1
    with pytest.raises(AttributeError):
        del Tanh()._expr


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_symmetry_claims_hold_at_points(name):
    act = sr.as_activation(name)
    a, c = act.symmetry
    f = REFERENCE[name]
    with mpmath.workdps(30):
        for p in POINTS:
            v = mpmath.mpf(p)
            if a is not None:
                assert abs(f(v) - f(-v) - 2 * mpmath.mpf(str(sympy.N(a, 30))) * v) < 1e-25
            if c is not None:
                assert abs(f(v) + f(-v) - 2 * mpmath.mpf(str(sympy.N(c, 30)))) < 1e-25


def test_singularities_where_the_closed_forms_put_them():
    with flint.ctx.workprec(100):
        pi = flint.arb.pi()
        # a pole or branch point: the ball evaluator with analytic=True is non-finite there
        at = {
            "tanh": flint.acb(0, pi / 2),
            "sigmoid": flint.acb(0, pi),
            "silu": flint.acb(0, pi),
            "softplus": flint.acb(0, pi),
            "mish": flint.acb(flint.arb(2).log() / 2, 3 * pi / 4),
        }
        for name, z in at.items():
            act = sr.as_activation(name)
            assert not act.acb(z, True).is_finite(), name
            near = flint.acb(z.real, z.imag * flint.arb("0.98"))
            assert act.acb(near, True).is_finite(), name
            assert abs(z) >= flint.arb(sympy.N(act.radius, 30).__str__()) - 1e-20
        # mish's poles: u(u + 2) + 2 = 0 with u = e^z at log(2)/2 + 3 i pi / 4
        u = mpmath.exp(mpmath.log(2) / 2 + 3j * mpmath.pi / 4)
        assert abs(u * (u + 2) + 2) < 1e-15
    assert GELU().is_entire and GELU().acb(flint.acb(30, 30), True).is_finite()
    # GELUTanh: the stated radius is a lower bound of the nearest pole (mpmath roots)
    c, a = mpmath.sqrt(2 / mpmath.pi), mpmath.mpf("0.044715")
    poles = [r for k in range(-6, 6) for r in mpmath.polyroots(
        [a, 0, 1, -1j * mpmath.pi * (k + 0.5) / c], maxsteps=200, extraprec=60)]
    assert min(abs(r) for r in poles) > float(GELUTanh().radius)
    assert min(abs(mpmath.im(r)) for r in poles) > float(GELUTanh().strip)


def test_elu_breaks_and_pieces():
    act = ELU()
    assert act.breaks == (0,) and act.radius is None
    with flint.ctx.workprec(64):
        straddle = flint.acb(flint.arb(0, "0.1"))
        assert not act.acb(straddle, True).is_finite()
        loose = act.acb(straddle, False)
        assert loose.real.contains(flint.arb("0.1")) and loose.real.contains(flint.arb("-0.09"))
        assert act.acb(flint.acb(-2)).real.overlaps(flint.arb(-2).exp() - 1)
    assert SELU()(sympy.Integer(1)) == sr.smooth.SELU_SCALE


def test_mish_ball_has_no_branch_cut():
    # log(1 + e^z) has a cut where e^z < -1; Mish's rational form in u = e^z does not
    with flint.ctx.workprec(64):
        z = flint.acb(1, flint.arb.pi())
        assert Mish().acb(z, True).is_finite()
        assert not Softplus().acb(z, True).is_finite()


@pytest.mark.parametrize("bad, match", [
    (sympy.Abs(X), "no ball evaluation for Abs"),
    (sympy.Piecewise((X, X > 0), (0, True)), "no ball evaluation for Piecewise"),
    (sympy.sqrt(X), "not a finite real number"),
    (sympy.log(X), "not a finite real number"),
    (X * sympy.Symbol("y"), "function of x alone"),
    (sympy.besselj(0, X), "no ball evaluation for besselj"),
    (sympy.I * X, "not a finite real function"),
    (1 / X, "cannot be evaluated|not finite"),
    (1 / (X - sympy.Rational(1, 3)), "not finite near x = 0.33"),
    ("foo(x)", "cannot read"),
    ([1, 2], "sympy expression"),
    (sr.ReLU(), "not the activation"),
])
def test_bad_user_expressions_raise_activation_error(bad, match):
    with pytest.raises(ActivationError, match=match):
        Smooth(bad)


def test_bad_smooth_names():
    with pytest.raises(ActivationError):
        sr.as_activation("elu:x")
    with pytest.raises(ActivationError):
        sr.as_activation("smooth:abs(x)")
    with pytest.raises(ActivationError):
        sr.as_activation("smooth:__import__('os')")


def test_user_expression_floats_are_decimals_and_parity_is_decided():
    act = Smooth(0.1 * X + sympy.tanh(X))
    assert act.expr == X / 10 + sympy.tanh(X)
    assert act.parity == "odd"
    assert Smooth(X * sympy.tanh(X)).parity == "even"
    assert Smooth(sympy.exp(X)).symmetry == (None, None)


def test_latex_names():
    assert GELU().latex_name() == r"\mathrm{GELU}"
    assert Sigmoid().latex_name() == r"\sigma"
    assert "mapsto" in Smooth(X * sympy.exp(-X**2)).latex_name()
    assert Smooth(X * sympy.exp(-X**2), name="bump").latex_name() == r"\mathrm{bump}"


def test_importing_smooth_does_not_import_numpy():
    code = "import symrelu, sys; symrelu.GELU(); symrelu.as_activation('tanh'); " \
           "print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
