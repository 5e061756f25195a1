"""Sympy values of the exact spectra, and the exact-term export, against independent routes.

The values are built as canonical sympy trees directly from their FLINT terms. Here they are
compared, tree for tree (``==`` and ``srepr``), with the route through sympy's own
``Poly.from_dict(...).as_expr()`` (what symrelu did before), and value for value with
independent evaluations: numbers substituted for the symbols against the spectrum of the
numeric signal, and the exported terms summed back by hand.
"""

import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symrelu as sr
from symrelu.expansion import resolve_center
from symrelu.taylor import power_coefficients
from symrelu.trigpoly import SignalModel, even_polynomial_spectrum


def _q(c) -> sympy.Rational:
    return sympy.Rational(int(c.p), int(c.q))


def _poly_route(part, model, center, key) -> sympy.Expr:
    """The value at ``key`` through sympy's Poly, from the exported terms (the old route)."""
    n = len(model.params)
    stand_ins = [p if isinstance(p, sympy.Symbol) else sympy.Dummy() for p in model.params]
    back = {d: p for d, p in zip(stand_ins, model.params) if d is not p}
    groups: dict = {}
    for _, exps, c in part.terms([key]):
        c_power = exps[n] if center is not None and not center.is_Rational else 0
        phase = exps[len(part.generators) - model.phase_dims:]
        groups.setdefault((c_power, phase), {})[exps[:n]] = _q(c)
    parts = []
    for (c_power, phase), poly in groups.items():
        if n:
            value = sympy.Poly.from_dict(poly, *stand_ins).as_expr()
            if back:
                value = value.xreplace(back)
        else:
            value = poly[()]
        if c_power:
            value = value / center**c_power
        if any(phase):
            arg = sympy.Add(*(e * p for e, p in zip(phase, model.phase_values)))
            value = value * (sympy.cos(arg) + sympy.I * sympy.sin(arg))
        parts.append(value)
    value = sympy.Add(*parts)
    if model.regime == "generic":
        value = value * model.phase_factor(key)
    return part.prefactor * value


CASES = [
    ("A_1@w_1 + A_2@w_2 + A_3@w_3 + A_4@w_4", 4, "generic"),
    ("a@1 + b@2:pi/3 + c", 3, "generic"),  # offset and a phase factor exp(i k . phi)
    ("a@1 + 2@sqrt(2) + b@sqrt(3)", 3, "auto"),
    ("sqrt(2)@1 + 1@2 + 3@5", 3, "auto"),  # a non-symbol parameter (a Dummy stand-in)
    ("1/2 + 1@1 + 1@2:pi/3 + 1@3", 3, "auto"),  # a periodic phase variable
    ("x + A@1 + 1/2@2:pi/4", 3, "auto"),
    ("a@1 + b@2 + 1@sqrt(2)", 2, "auto"),  # mixed regime
]


@pytest.mark.parametrize("text, order, regime", CASES)
def test_values_are_the_trees_sympys_poly_builds(text, order, regime):
    sig = sr.MultiTone.parse(text)
    e = sr.expand(sig, order=order, regime=regime)
    model = SignalModel.build(sig, regime)
    part = even_polynomial_spectrum(
        model, power_coefficients(order), center=e.center, prefactor=e.prefactor
    )
    assert len(part) > 5
    for key in part:
        ours, theirs = part[key], _poly_route(part, model, e.center, key)
        assert ours == theirs and sympy.srepr(ours) == sympy.srepr(theirs), key


@settings(max_examples=25, deadline=None)
@given(
    gammas=st.lists(
        st.fractions(min_value=-3, max_value=3, max_denominator=4), min_size=1, max_size=4
    ),
    offset=st.sampled_from(["", "b + ", "1/3 + "]),
)
def test_random_coefficients_match_sympys_poly(gammas, offset):
    # random gammas (zeros, 1, -1, 1/2 and other rationals among them) and a symbolic center
    # give random rational coefficients on monomials in A, B, sqrt(5) (a Dummy stand-in),
    # b and 1/C
    sig = sr.MultiTone.parse(offset + "A@1 + B@sqrt(2) + sqrt(5)@sqrt(3)")
    model = SignalModel.build(sig, "generic")
    center = sympy.Symbol("C", positive=True)
    part = even_polynomial_spectrum(model, gammas, center=center, prefactor=sympy.sqrt(center))
    for key in part:
        ours, theirs = part[key], _poly_route(part, model, center, key)
        assert ours == theirs and sympy.srepr(ours) == sympy.srepr(theirs), key


def _exact_equal(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.radsimp(sympy.expand(a - b)) == 0


@pytest.mark.parametrize("amplitudes", [(1, 2, 3), (sympy.Rational(1, 2), 5, sympy.Rational(7, 3))])
def test_symbolic_values_with_numbers_substituted_equal_the_numeric_spectrum(amplitudes):
    sym = sr.MultiTone.symbolic(3)
    num = sr.MultiTone(amplitudes=list(amplitudes), frequencies=list(sym.frequencies))
    e_sym = sr.expand(sym, order=3, regime="generic")
    e_num = sr.expand(num, order=3, regime="generic")
    values = dict(zip(sym.amplitudes, amplitudes))
    spec_sym, spec_num = e_sym.spectrum(), e_num.spectrum()
    assert set(spec_sym) == set(spec_num)
    for k in spec_num:
        assert _exact_equal(spec_sym[k].subs(values), spec_num[k]), k


@pytest.mark.parametrize("K, order, keys", [(20, 1, 421), (14, 2, 13147)])
def test_many_symbolic_tones_pack_into_several_ring_variables_and_stay_exact(K, order, keys):
    # the exponents exceed one 62-bit variable, so the parameters spill into a second one
    # (20 tones at order 1: few terms; 14 at order 2: 31,872 terms); values must still equal
    # the numeric signal's with the numbers put in
    sym = sr.MultiTone.symbolic(K)
    amplitudes = [sympy.Rational(j + 1, 7) for j in range(K)]
    num = sr.MultiTone(amplitudes=amplitudes, frequencies=list(sym.frequencies))
    spec_sym = sr.expand(sym, order=order, regime="generic").spectrum()
    spec_num = sr.expand(num, order=order, regime="generic").spectrum()
    values = dict(zip(sym.amplitudes, amplitudes))
    # keys: 1 + (L(1) + L(2) + ... + L(2N)) / 2 over the even L1 norms and norm 1 (the
    # linear part), L(m) = sum_j 2^j binom(K, j) binom(m - 1, j - 1) lattice points of norm m:
    # 1 + (40 + 800) / 2 = 421 and 1 + (28 + 392 + 25872) / 2 = 13147
    assert set(spec_sym) == set(spec_num) and len(spec_num) == keys
    for k in list(spec_num)[:: len(spec_num) // 23]:
        assert _exact_equal(spec_sym[k].subs(values), spec_num[k]), k


def _from_terms(spec, terms, label, model, key) -> sympy.Expr:
    total = sympy.Add(*(
        _q(c) * sympy.Mul(*(g**e for g, e in zip(terms.generators, exps)))
        for lab, exps, c in terms.rows
        if lab == label
    ))
    return terms.prefactor * model.phase_factor(key) * total + terms.linear.get(label, 0)


@pytest.mark.parametrize("text, order, regime", CASES + [("1@5 + 1@10 + 1@20 + 1@40", 6, "auto")])
def test_exported_terms_sum_back_to_every_value(text, order, regime):
    e = sr.expand(sr.MultiTone.parse(text), order=order, regime=regime)
    spec = e.spectrum()
    terms = spec.terms()
    assert {label for label, _, _ in terms.rows} | set(terms.linear) == set(spec)
    symbols = sorted(e.signal.expr().free_symbols - {sympy.Symbol("t", real=True)}, key=str)
    point = {s: sympy.Rational(3 + 2 * i, 5) for i, s in enumerate(symbols)}
    for label, value in spec.items():
        key = (int(label / e.signal.base_frequency),) if e.regime == "periodic" else label
        rebuilt = _from_terms(spec, terms, label, e.model, key)
        with mpmath.workdps(40):
            a = sympy.N(value.subs(point), 40)
            b = sympy.N(rebuilt.subs(point), 40)
        assert abs(a - b) < sympy.Float(10) ** -30, label


def test_exported_terms_of_one_tone_squared():
    # x = A cos(theta), C = 1, ReLU order 1: sqrt(C)/2 (beta_0 + beta_1 x^2) with
    # beta = (1/2, 1/2) and x^2 = A^2/2 + A^2/4 (z^2 + z^-2); the linear part x/2 is A/4 at 1
    terms = sr.expand(sr.MultiTone.parse("A@1"), order=1, center=1).spectrum().terms()
    assert [g.name for g in terms.generators] == ["A"]
    assert terms.prefactor == sympy.Rational(1, 2)
    assert sorted((lab, e, Fraction(int(c.p), int(c.q))) for lab, e, c in terms.rows) == [
        (0, (0,), Fraction(1, 2)),
        (0, (2,), Fraction(1, 4)),
        (2, (2,), Fraction(1, 8)),
    ]


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def test_hot_paths_do_not_load_the_simplifier_machinery():
    # simplify() imports sympy.physics on its first call (0.2-0.4 s): a fresh process that
    # expands the paper signal, a symbolic signal and an irrational one never loads it
    out = _run(
        "import sys, symrelu as sr\n"
        "sr.expand(sr.MultiTone.parse('1@5 + 1@10 + 1@20 + 1@40'), order=50).spectrum()\n"
        "sr.expand(sr.MultiTone.symbolic(3), order=3).spectrum().to_dict()\n"
        "sr.expand(sr.MultiTone.parse('sqrt(2)@1 + 1@2'), order=4).dc\n"
        "print('sympy.physics' in sys.modules)\n"
    )
    assert out.strip() == "False"


def test_a_rational_signal_never_needs_sympys_add():
    # sympy's first Add imports sympy.tensor.tensor and sympy.combinatorics (0.04-0.1 s,
    # more than the whole FLINT arithmetic of the paper signal at order 50): the peak,
    # the certificate and the spectrum of a rational signal add numbers as numbers
    out = _run(
        "import sys, symrelu as sr\n"
        "e = sr.expand(sr.MultiTone.parse('1@5 + 1@10 + 1@20 + 1@40'), order=50)\n"
        "n = len(e.spectrum()); e.dc\n"
        "print(n, 'sympy.tensor.tensor' in sys.modules)\n"
    )
    # 801 harmonics 0..800 but 795, 797, 798 and 799, which no sum of at most 100 of
    # +-1, +-2, +-4, +-8 reaches (797 = 98 * 8 + 13 already needs 101 terms)
    assert out.split() == ["797", "False"]


def test_certificates_decide_without_simplify(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simplify called")

    monkeypatch.setattr(sympy, "simplify", refuse)
    paper = sr.expand(sr.MultiTone.parse("1@5 + 1@10 + 1@20 + 1@40"), order=6).certificate
    assert paper.converges is True and paper.g_max == 1 and paper.kind == "exact"
    sym = sr.expand(sr.MultiTone.symbolic(3), order=3).certificate
    assert sym.converges is True and sym.g_max == 1
    # P^2 = 2C exactly, but only after expanding (1 + sqrt(2))^2 = 3 + 2 sqrt(2): the
    # boundary case is decided by the exact zero test, not by a float
    sig = sr.MultiTone.parse("sqrt(2)@1 + 1@2")
    edge = sr.expand(sig, order=3, center=sympy.Rational(3, 2) + sympy.sqrt(2)).certificate
    assert edge.converges is True
    assert sympy.expand(edge.g_max) == 1


def test_peak_center_is_the_closed_form():
    # C = P^2/2 as written, so sqrt(C) = P/sqrt(2) comes out without any simplification
    # (the simplifier wrote (1 + sqrt(2))^2/2 as sqrt(2) + 3/2, whose root does not denest)
    texts = ["1@5 + 1@10", "sqrt(2)@1 + 1@2", "A@1 + B@2", "b + A@1 + 1/2@3", "sqrt(2)@1 + 1@3"]
    for text in texts:
        sig = sr.MultiTone.parse(text)
        center = resolve_center(sig, "peak")
        assert center == sig.peak**2 / 2
        assert sympy.sqrt(center) == sig.peak / sympy.sqrt(2)
