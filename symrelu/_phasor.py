r"""Exact canonical forms of tones: phasor sums, zero tests, phase ranges.

A tone :math:`A\cos(\theta + \varphi)` is the phasor :math:`Z = A e^{i\varphi}`. Tones at one
frequency merge into the sum of their phasors. This module decides that sum exactly and
writes it in a canonical form, so that equal signals get equal values however they were
built:

- Rational amplitudes with phases that are rational multiples of pi (everything the signal
  grammar produces): Z lies in the cyclotomic field :math:`\mathbb{Q}(\zeta_N)`, held as a
  polynomial in :math:`\zeta_N = e^{2\pi i/N}` reduced modulo the cyclotomic polynomial
  (python-flint). Zero is then an exact test, and the amplitude :math:`|Z|` and the phase
  :math:`\arg Z` are written from invariants of the value alone: the phase as
  :math:`\pi k/N` when :math:`Z/|Z|` is a root of unity (checked exactly), else
  ``atan2(Im Z, Re Z)``; every real algebraic number through its minimal polynomial
  (rational, a quadratic surd, or ``CRootOf``), the amplitude as ``sqrtdenest(sqrt(|Z|^2))``.
- Anything else (symbols, other irrationals): the exact phasor sum in sympy. Numeric zero is
  decided exactly (``minimal_polynomial``, else ``equals``, with a high-precision evaluation
  as the first filter); a value that cannot be decided raises :class:`ToneSpecError`.

A phase is kept in (-pi, pi]; a tone with a negative numeric amplitude and a numeric phase is
written with the opposite amplitude and the phase moved by pi.
"""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import mpmath
import sympy

from symrelu.errors import ToneSpecError

__all__: list[str] = []

_X = sympy.Symbol("x")
_DIGITS = 50
#: Largest cyclotomic order handled in the field (phi(N) is the matrix size of a minimal
#: polynomial); beyond it the general sympy path is used.
_MAX_ORDER = 720
_HALF = flint.fmpq(1, 2)


def pi_multiple(phase: sympy.Expr) -> sympy.Rational | None:
    """q with phase = q*pi for a rational q, else None."""
    if phase.is_zero:
        return sympy.Integer(0)
    q = phase / sympy.pi
    return q if isinstance(q, sympy.Rational) else None


def reduce_phase(phase: sympy.Expr) -> sympy.Expr:
    """A numeric phase moved by a multiple of 2 pi into (-pi, pi]; symbolic phases unchanged."""
    if not phase.is_number:
        return phase
    q = pi_multiple(phase)
    if q is not None:
        k = math.ceil((Fraction(int(q.p), int(q.q)) - 1) / 2)
        return (q - 2 * k) * sympy.pi
    k = sympy.ceiling((phase - sympy.pi) / (2 * sympy.pi))
    if not isinstance(k, sympy.Integer):
        raise ToneSpecError(f"cannot reduce the phase {phase} exactly")
    return phase - 2 * k * sympy.pi if k else phase


def normal_tone(amplitude: sympy.Expr, phase: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """A positive amplitude where the sign is known and the phase numeric; phase in (-pi, pi]."""
    if amplitude.is_negative and phase.is_number:
        amplitude, phase = -amplitude, phase + sympy.pi
    return amplitude, reduce_phase(phase)


def is_zero(value: sympy.Expr, what: str = "value") -> bool:
    """Decide ``value == 0`` exactly for a numeric sympy expression (symbolic: by expansion)."""
    if value.is_Rational:
        return value == 0
    if not value.is_number:
        return sympy.expand(value) == 0
    decided = value.is_zero
    if decided is not None:
        return bool(decided)
    approx = value.evalf(_DIGITS)
    if approx != 0 and abs(approx) > sympy.Float(10) ** (-_DIGITS // 2):
        return False
    try:
        return sympy.minimal_polynomial(value, _X) == _X
    except (sympy.polys.polyerrors.NotAlgebraic, NotImplementedError, ValueError):
        pass
    decided = value.equals(0)
    if decided is None:
        raise ToneSpecError(f"cannot decide exactly whether the {what} {value} is zero")
    return bool(decided)


def merge(amplitudes: list, phases: list) -> tuple[sympy.Expr, sympy.Expr, tuple] | None:
    """The canonical (amplitude, phase, parts) of a sum of tones at one frequency.

    None when the tones cancel. ``parts`` are (amplitude, phase) pairs whose tones sum to the
    merged tone, for printing when its amplitude or phase has no form in the signal grammar:
    the coordinates of the phasor in the cyclotomic field (rational amplitudes, multiples of
    pi in [0, 2 pi)), or else the tones as given (empty for a single tone).
    """
    if len(amplitudes) == 1 or all(p == phases[0] for p in phases):
        total = sympy.Add(*amplitudes)
        if is_zero(total, "amplitude sum"):
            return None
        a, p = normal_tone(total, phases[0])
        return a, p, ()
    qs = [pi_multiple(p) for p in phases]
    if all(isinstance(a, sympy.Rational) for a in amplitudes) and all(
        q is not None for q in qs
    ):
        N = 2 * math.lcm(*(int(q.q) for q in qs))
        if sympy.totient(N) <= _MAX_ORDER:
            return _merge_cyclotomic(amplitudes, qs, N)
    return _merge_general(amplitudes, phases)


# ----------------------------------------------------------------- cyclotomic field
def _phi(n: int) -> flint.fmpq_poly:
    return flint.fmpq_poly(flint.fmpz_poly.cyclotomic(n))


def _monomial(k: int) -> flint.fmpq_poly:
    return flint.fmpq_poly([0] * k + [1])


def _embed(z: flint.fmpq_poly, n: int, m: int) -> flint.fmpq_poly:
    """z in Q(zeta_n) as an element of Q(zeta_m), n | m."""
    s = m // n
    out = flint.fmpq_poly([])
    for j, c in enumerate(z.coeffs()):
        if c:
            out += c * _monomial(j * s)
    return out % _phi(m)


def _conj(z: flint.fmpq_poly, n: int) -> flint.fmpq_poly:
    out = flint.fmpq_poly([])
    for j, c in enumerate(z.coeffs()):
        if c:
            out += c * _monomial((n - j) % n)
    return out % _phi(n)


def _value(z: flint.fmpq_poly, n: int) -> mpmath.mpc:
    zeta = mpmath.expjpi(mpmath.mpf(2) / n)
    return mpmath.fsum(
        mpmath.mpf(int(c.p)) / int(c.q) * zeta**j for j, c in enumerate(z.coeffs()) if c
    )


def _real_number(z: flint.fmpq_poly, n: int) -> sympy.Expr:
    """The canonical sympy form of a real element of Q(zeta_n), from its minimal polynomial."""
    coeffs = z.coeffs()
    if len(coeffs) <= 1:
        c = coeffs[0] if coeffs else flint.fmpq(0)
        return sympy.Rational(int(c.p), int(c.q))
    d = int(sympy.totient(n))
    phi = _phi(n)
    rows = []
    for j in range(d):
        col = (z * _monomial(j)) % phi
        cs = col.coeffs() + [flint.fmpq(0)] * (d - len(col.coeffs()))
        rows.append(cs)
    mat = flint.fmpq_mat(d, d, [rows[j][i] for i in range(d) for j in range(d)])
    num = mat.minpoly().numer()
    poly = sympy.Poly(list(reversed([int(c) for c in num.coeffs()])), _X)
    with mpmath.workdps(_DIGITS):
        target = mpmath.re(_value(z, n))
        if poly.degree() == 1:
            a, b = poly.all_coeffs()
            return sympy.Rational(-b, a)
        if poly.degree() == 2:
            a, b, c = poly.all_coeffs()
            disc = sympy.sqrt(sympy.Integer(b * b - 4 * a * c))
            roots = [(-b + s * disc) / (2 * a) for s in (1, -1)]
        else:
            roots = [sympy.CRootOf(poly, i) for i in range(poly.count_roots())]
        return min(roots, key=lambda r: abs(mpmath.mpf(sympy.N(r, _DIGITS)) - target))


def _merge_cyclotomic(amplitudes: list, qs: list, N: int):
    phi = _phi(N)
    z = flint.fmpq_poly([])
    for a, q in zip(amplitudes, qs):
        z += flint.fmpq(int(a.p), int(a.q)) * _monomial(int(q * N / 2) % N)
    z = z % phi
    if z.is_zero():
        return None
    zc = _conj(z, N)
    r2 = (z * zc) % phi
    amplitude = sympy.sqrtdenest(sympy.sqrt(_real_number(r2, N)))
    with mpmath.workdps(_DIGITS):
        arg = mpmath.arg(_value(z, N))
        k = int(mpmath.nint(arg / mpmath.pi * N)) % (2 * N)
    # Z / |Z| = exp(i pi k / N) exactly iff Z * zeta_{2N}^(-k) is real (then positive: the
    # numeric argument is within 1/(2N) of pi k / N, far from the opposite direction).
    w = (_embed(z, N, 2 * N) * _monomial((2 * N - k) % (2 * N))) % _phi(2 * N)
    if w == _conj(w, 2 * N):
        phase = reduce_phase(sympy.Rational(k, N) * sympy.pi)
    else:
        L = math.lcm(N, 4)
        zl, zcl = _embed(z, N, L), _embed(zc, N, L)
        re = _real_number((zl + zcl) * _HALF, L)
        im = _real_number(((zl - zcl) * _monomial(3 * L // 4)) % _phi(L) * _HALF, L)
        phase = sympy.atan2(im, re)
    parts = []
    for j, c in enumerate(z.coeffs()):
        if c:
            q = Fraction(2 * j, N) + (1 if c < 0 else 0)
            q -= 2 * math.floor(q / 2)
            parts.append(
                (sympy.Rational(int(abs(c).p), int(abs(c).q)),
                 sympy.Rational(q.numerator, q.denominator) * sympy.pi)
            )
    return amplitude, phase, tuple(parts)


# ----------------------------------------------------------------- general values
def _merge_general(amplitudes: list, phases: list):
    parts = tuple(sorted(zip(amplitudes, phases), key=lambda t: sympy.srepr(t)))
    re = sympy.Add(*(a * sympy.cos(p) for a, p in zip(amplitudes, phases)))
    im = sympy.Add(*(a * sympy.sin(p) for a, p in zip(amplitudes, phases)))
    # |Z|^2 = sum_ij a_i a_j cos(phi_i - phi_j): no sin^2 + cos^2 left for sympy to miss
    n = len(amplitudes)
    r2 = sympy.Add(*(a**2 for a in amplitudes)) + 2 * sympy.Add(
        *(
            amplitudes[i] * amplitudes[j] * sympy.cos(phases[i] - phases[j])
            for i in range(n)
            for j in range(i + 1, n)
        )
    )
    r2 = sympy.expand(r2)
    numeric = r2.is_number and re.is_number and im.is_number
    if numeric:
        if is_zero(r2, "merged amplitude"):
            return None
        re = sympy.Integer(0) if is_zero(re, "merged real part") else re
        im = sympy.Integer(0) if is_zero(im, "merged imaginary part") else im
        if im == 0:
            return normal_tone(re, sympy.Integer(0)) + (parts,)
        if re == 0:
            return normal_tone(im, sympy.pi / 2) + (parts,)
        phase = _pi_phase(re, im)
        if phase is None:
            phase = sympy.atan2(im, re)
        return sympy.sqrtdenest(sympy.sqrt(sympy.radsimp(r2))), phase, parts
    if r2 == 0:
        return None
    phase = sympy.atan2(im, re)
    if phase.has(sympy.Piecewise, sympy.nan):
        phase = sympy.atan2(im, re, evaluate=False)
    return sympy.sqrt(r2), phase, parts


def _pi_phase(re: sympy.Expr, im: sympy.Expr) -> sympy.Expr | None:
    """arg(re + i im) as a rational multiple of pi when it is one (verified exactly)."""
    with mpmath.workdps(_DIGITS):
        t = mpmath.atan2(mpmath.mpf(sympy.N(im, _DIGITS)), mpmath.mpf(sympy.N(re, _DIGITS)))
        guess = Fraction(str(mpmath.nstr(t / mpmath.pi, _DIGITS - 5))).limit_denominator(1000)
        if abs(t / mpmath.pi - mpmath.mpf(guess.numerator) / guess.denominator) > 1e-30:
            return None
    theta = sympy.Rational(guess.numerator, guess.denominator) * sympy.pi
    if is_zero(re * sympy.sin(theta) - im * sympy.cos(theta), "phase test"):
        return reduce_phase(theta)
    return None
