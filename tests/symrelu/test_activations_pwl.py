"""PiecewiseLinear: construction, canonical form, names, errors, evaluation.

Expected values come from the activations' definitions (torch's relu6, hardtanh,
hardsigmoid = relu6(x + 3)/6, the dead zone), evaluated by hand or by numpy on a grid.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import sympy

import symrelu as sr
from symrelu.activations import activation_names

R = sympy.Rational
GRID = np.linspace(-9, 9, 721)

# the definitions, written directly (not from the PiecewiseLinear data)
DEFINITIONS = {
    "relu": lambda x: np.maximum(x, 0),
    "abs": np.abs,
    "linear": lambda x: x,
    "leaky:1/10": lambda x: np.where(x >= 0, x, 0.1 * x),
    "relu6": lambda x: np.minimum(np.maximum(x, 0), 6),
    "hardtanh:-1:1": lambda x: np.clip(x, -1, 1),
    "clip:-2:1/2": lambda x: np.clip(x, -2, 0.5),
    "deadzone:-1:1": lambda x: np.where(x > 1, x - 1, np.where(x < -1, x + 1, 0.0)),
    "hardsigmoid": lambda x: np.minimum(np.maximum(x + 3, 0), 6) / 6,
    "sign": np.sign,
    "heaviside": lambda x: np.heaviside(x, 0.5),
}


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_numpy_matches_the_definition(name):
    act = sr.as_activation(name)
    np.testing.assert_allclose(act.numpy(GRID), DEFINITIONS[name](GRID), atol=1e-14)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_sympy_call_matches_the_definition(name):
    act = sr.as_activation(name)
    for v in (R(-17, 2), R(-3), R(-1), R(-1, 3), R(0), R(1, 2), R(1), R(3), R(6), R(15, 2)):
        assert float(act(v)) == pytest.approx(float(DEFINITIONS[name](np.array(float(v)))),
                                              abs=1e-15)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_name_round_trips(name):
    act = sr.as_activation(name)
    assert act.name == name
    again = sr.as_activation(act.name)
    assert again == act and hash(again) == hash(act) and repr(again) == repr(act)


def test_reprs_of_the_paper_family_are_kept():
    assert repr(sr.ReLU()) == "ReLU()" and repr(sr.Abs()) == "Abs()"
    assert repr(sr.LeakyReLU("0.1")) == "LeakyReLU(1/10)"
    assert repr(sr.HardTanh()) == "HardTanh(-1, 1)" and repr(sr.ReLU6()) == "ReLU6()"


def test_the_one_kink_form_keeps_linear_abs_weight_alpha():
    # ReLU = x/2 + |x|/2; LeakyReLU(a) = (1+a)/2 x + (1-a)/2 |x|
    assert (sr.ReLU().linear, sr.ReLU().abs_weight, sr.ReLU().alpha) == (R(1, 2), R(1, 2), 0)
    leaky = sr.LeakyReLU("0.2")
    assert (leaky.linear, leaky.abs_weight, leaky.alpha) == (R(3, 5), R(2, 5), R(1, 5))
    assert sr.Linear().abs_weight == 0 and sr.Linear().is_kink_at_zero
    for act in (sr.ReLU6(), sr.HardTanh(), sr.Sign(), sr.Heaviside()):
        assert not act.is_kink_at_zero
        with pytest.raises(sr.ActivationError, match="one-kink"):
            _ = act.abs_weight


def test_breakpoint_form_equals_the_terms_form():
    # relu6: slopes 0, 1, 0 at 0 and 6 -> 3 + |x|/2 - |x - 6|/2
    r6 = sr.PiecewiseLinear(breakpoints=[0, 6], slopes=[0, 1, 0])
    assert r6 == sr.ReLU6() == sr.PiecewiseLinear.from_terms(intercept=3,
                                                             kinks={0: "1/2", 6: "-1/2"})
    assert (r6.intercept, r6.linear, r6.kinks) == (3, 0, ((0, R(1, 2)), (6, R(-1, 2))))
    assert r6.slopes() == (0, 1, 0) and r6.breakpoints() == (0, 6)
    # value = f(breakpoints[0]): the dead zone's f(-1) = 0, hardsigmoid's f(-3) = 0
    assert sr.PiecewiseLinear(breakpoints=[-1, 1], slopes=[1, 0, 1]) == sr.DeadZone()
    assert sr.PiecewiseLinear(breakpoints=[-3, 3], slopes=[0, "1/6", 0]) == sr.HardSigmoid()
    assert sr.PiecewiseLinear(breakpoints=[], slopes=[2], value=5) == \
        sr.PiecewiseLinear.from_terms(intercept=5, linear=2)


def test_canonical_form_sorts_merges_and_drops_zeros():
    a = sr.PiecewiseLinear.from_terms(kinks=[(2, 1), (-1, "0.5"), (2, -1), (0, 0)],
                                      jumps={3: 0, 1: 2})
    assert a.kinks == ((-1, R(1, 2)),) and a.jumps == ((1, 2),)
    b = sr.PiecewiseLinear.from_terms(kinks={-1: R(1, 2)}, jumps=[(1, 1), (1, 1)])
    assert a == b and hash(a) == hash(b)
    assert sr.HardTanh(0, 1) == sr.Clip(0, 1) and sr.HardTanh(0, 1).name != sr.Clip(0, 1).name
    assert sr.PiecewiseLinear(breakpoints=[0], slopes=[0, 1]) == sr.ReLU()
    assert sr.LeakyReLU(0) == sr.ReLU()              # the same function


def test_floats_are_the_decimal_they_print_as():
    assert sr.HardTanh(-0.1, 0.3).kinks == ((R(-1, 10), R(1, 2)), (R(3, 10), R(-1, 2)))
    assert sr.as_activation("hardtanh:-0.1:0.3") == sr.HardTanh(-0.1, 0.3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(breakpoints=[1, 0], slopes=[0, 1, 0]), "strictly increasing"),
    (dict(breakpoints=[0, 0], slopes=[0, 1, 0]), "strictly increasing"),
    (dict(breakpoints=[0, 6], slopes=[0, 1]), "need 3 slopes"),
    (dict(breakpoints=[sympy.I], slopes=[0, 1]), "real"),
    (dict(breakpoints=["a"], slopes=[0, 1]), "real number"),
    (dict(breakpoints=[0], slopes=[0, "nan"]), "finite"),
    (dict(breakpoints="0,1", slopes=[0, 1, 0]), "sequences"),
])
def test_bad_construction_raises_activation_error(kwargs, match):
    with pytest.raises(sr.ActivationError, match=match):
        sr.PiecewiseLinear(**kwargs)


@pytest.mark.parametrize("make, match", [
    (lambda: sr.HardTanh(1, -1), "lo < hi"),
    (lambda: sr.Clip(0, 0), "lo < hi"),
    (lambda: sr.DeadZone("x", 1), "real number"),
    (lambda: sr.PiecewiseLinear.from_terms(kinks={0: sympy.I}), "real"),
    (lambda: sr.PiecewiseLinear.from_terms(kinks={0: 1j}), "complex"),
    (lambda: sr.PiecewiseLinear.from_terms(kinks=[(0,)]), "pair"),
    (lambda: sr.PiecewiseLinear.from_terms(kinks=3), "mapping"),
])
def test_bad_named_constructors(make, match):
    with pytest.raises(sr.ActivationError, match=match):
        make()


@pytest.mark.parametrize("text", ["hardtanh:1", "clip", "clip:0", "pwl:1:2", "pwl:0:0:1@:",
                                  "pwl:0:0:1@2@3:", "nosuch", "leaky", "deadzone:1:0"])
def test_bad_names_raise_activation_error(text):
    with pytest.raises(sr.ActivationError):
        sr.as_activation(text)


def test_unknown_name_lists_the_names():
    with pytest.raises(sr.ActivationError) as info:
        sr.as_activation("nosuch")
    for name in ("relu6", "hardtanh", "deadzone", "heaviside", "pwl:"):
        assert name in str(info.value)
    assert "relu6" in activation_names()


def test_general_pwl_name_round_trips_with_irrational_values():
    act = sr.PiecewiseLinear.from_terms(intercept="sqrt(2)", linear="1/3",
                                        kinks={"-pi/4": "sqrt(3)"},
                                        jumps={"1/2": "-2/7"})
    assert act.name.startswith("pwl:")
    assert sr.as_activation(act.name) == act
    assert repr(act).startswith("PiecewiseLinear.from_terms(")


def test_immutable_hashable_and_picklable():
    act = sr.ReLU6()
    with pytest.raises(AttributeError):
        act.intercept = 0
    with pytest.raises(AttributeError):
        del act.kinks
    again = pickle.loads(pickle.dumps(act))
    assert again == act and again.name == "relu6" and {act: 1}[again] == 1


def test_abstract_base_and_kind():
    assert isinstance(sr.ReLU6(), sr.Activation) and sr.ReLU6().kind == "piecewise_linear"
    with pytest.raises(TypeError):
        sr.Activation()  # abstract


def test_heaviside_at_zero_is_one_half_and_sign_zero_is_zero():
    assert sr.Heaviside()(0) == R(1, 2) and sr.Sign()(0) == 0
    assert sr.Heaviside().numpy(np.array([0.0]))[0] == 0.5


def test_latex_names():
    assert sr.ReLU6().latex_name() == r"\mathrm{ReLU6}"
    assert sr.Clip(0, 1).latex_name() == r"\mathrm{clip}_{[0, 1]}"
    assert sr.PiecewiseLinear.from_terms(jumps={1: 1}).latex_name() == r"\mathrm{PWL}"
