r"""Torus averages by the planar random walk: an independent route to the generic DC.

With zero phases, :math:`x = b + \operatorname{Re} Z` where
:math:`Z = \sum_j A_j e^{i\theta_j}` is a planar random walk with independent
uniform angles. Its law is invariant under rotation, so :math:`Z = R e^{i\psi}`
with :math:`\psi` uniform and independent of the modulus :math:`R = |Z|`, and

.. math:: \mathbb{E}|x| = \mathbb{E}\, h_0(b; R), \qquad
          h_0(b; R) = \frac{1}{\pi}\int_0^\pi |b + R\cos\psi|\,d\psi,

an elementary function of R (:math:`2R/\pi` when b = 0). The law of R comes
from closed forms for short walks:

* two steps: :math:`R = |a + c\,e^{i\varphi}|`, integrated over the angle
  :math:`\varphi \in [0, \pi]` (no endpoint singularity);
* three steps a, c, d: the density
  :math:`p_3(r) = \frac{4r}{\pi^2}\,K(m)/\sqrt{(e_4-e_2)(e_3-e_1)}` with
  :math:`e_1 \le e_2 < e_3 \le e_4` the numbers :math:`(c\mp d)^2, (r\mp a)^2`
  and :math:`1-m = (e_2-e_1)(e_4-e_3)/((e_4-e_2)(e_3-e_1))`
  (the two-step density integrated once more, a complete elliptic integral);
* longer walks: the first three steps give a modulus r with density
  :math:`p_3`, which becomes the first step of a walk two steps shorter.

With b = 0 the last step is averaged out in closed form,
:math:`\mathbb{E}_\psi|r + A e^{i\psi}| = \frac{2}{\pi}(r+A)E\bigl(\tfrac{4rA}{(r+A)^2}\bigr)`,
which saves one step. Every integral is split at the points where its
integrand is not analytic (collinear configurations of the steps, the kernel's
kink at :math:`R = |b|`) and done by the tanh-sinh rule of
:mod:`symrelu.exact.quadrature`, in Arb arithmetic.

Status: unproven, and used by no public value. The tanh-sinh rule carries no
error bound, so these functions are an independent *check* (no Bessel function,
no ``acb.integral``) that the test suite and the benchmarks run against the
proven Bessel ball of :mod:`symrelu.exact.bessel`; a value they give is
evidence, not proof. Nested levels: one for up to three steps (four tones with
b = 0), two for up to five, three beyond.

Coefficients: a harmonic of one tone (k = m e_j) by the walk of the other
tones with a phase-out kernel (:func:`walk_harmonic`); any other multi-index
by nested phase-out over the torus (:func:`torus_phase_out`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction

import flint
from flint import arb

from symrelu.exact.quadrature import TanhSinh, elliptic_e, elliptic_k_complement

__all__ = [
    "walk_mean", "walk_harmonic", "torus_phase_out", "phase_mean",
]


# --------------------------------------------------------------------------- kernels
def phase_mean(s: arb, A: arb, k: int) -> arb:
    r"""h_k(s; A) = (1/pi) int_0^pi |s + A cos t| cos(k t) dt for A > 0 (Arb)."""
    pi = arb.pi()
    s, A = s.mid(), A.mid()
    if s >= A or s <= -A:
        sign = 1 if s > 0 else -1
        if k == 0:
            return sign * s
        return sign * A / 2 if k == 1 else arb(0)
    ratio = min(max((-s / A).mid(), arb(-1)), arb(1))
    alpha = ratio.acos()

    def F(t: arb) -> arb:
        if k == 0:
            return s * t + A * t.sin()
        if k == 1:
            return s * t.sin() + A / 2 * (t + (2 * t).sin() / 2)
        return s * (k * t).sin() / k + A / 2 * (
            ((k + 1) * t).sin() / (k + 1) + ((k - 1) * t).sin() / (k - 1))

    end = s * pi if k == 0 else (A * pi / 2 if k == 1 else arb(0))
    return (2 * F(alpha) - end) / pi


def _pair_mean(r: arb, A: arb) -> arb:
    """E_psi |r + A e^{i psi}| = (2/pi)(r + A) E(4 r A / (r + A)^2)."""
    total = r + A
    m = (4 * r * A / total**2).mid()
    if m > 1:
        m = arb(1)
    return 2 / arb.pi() * total * elliptic_e(m)


def _density3(r: arb, a: arb, c: arb, d: arb) -> arb:
    """Density at r of |a + c e^{i phi} + d e^{i chi}| (uniform independent angles)."""
    lo1, hi1 = abs(c - d), c + d
    lo2, hi2 = abs(r - a), r + a
    lo, hi = max(lo1, lo2), min(hi1, hi2)
    if lo >= hi:
        return arb(0)
    e1, e2 = min(lo1, lo2), lo
    e3, e4 = hi, max(hi1, hi2)
    # differences of squares as products of differences (accurate near coincidences)
    d21 = (e2 - e1) * (e2 + e1)
    d43 = (e4 - e3) * (e4 + e3)
    d42 = (e4 - e2) * (e4 + e2)
    d31 = (e3 - e1) * (e3 + e1)
    m1 = (d21 * d43 / (d42 * d31)).mid()
    # a node within rounding of a singular line (log singularity, negligible weight)
    if m1 <= 0:
        m1 = arb(2) ** (-2 * flint.ctx.prec)
    K = elliptic_k_complement(m1)
    return 4 * r / arb.pi() ** 2 * K / (d42 * d31).sqrt()


# --------------------------------------------------------------------------- points
def _signed_sums(steps: Sequence[arb]) -> list[arb]:
    return [sum((s * e for s, e in zip(steps, signs)), arb(0))
            for signs in itertools.product((1, -1), repeat=len(steps))]


def _distinct_sorted(values, lo: arb, hi: arb) -> list[arb]:
    """lo, hi and the values strictly between, sorted, near-duplicates merged."""
    tol = (abs(lo) + abs(hi)) * arb(2) ** (20 - flint.ctx.prec)
    inside = [v.mid() for v in values if lo < v < hi]
    out = [lo]
    for v in sorted(inside, key=_key):
        if v - out[-1] > tol:
            out.append(v)
    if hi - out[-1] <= tol:
        out.pop()
    out.append(hi)
    return _graded(out)


#: Neighbouring segments may differ in length by at most this factor.
GRADING = 64


def _graded(points: list[arb]) -> list[arb]:
    """Split long segments geometrically toward a much shorter neighbour.

    A singularity just beyond the end of a segment (at the far end of a tiny
    neighbour) slows the tanh-sinh rule down; a graded mesh keeps every such
    singularity at a distance of at least 1/GRADING segment lengths.
    """
    lengths = [b - a for a, b in zip(points, points[1:])]
    out = [points[0]]
    for i, (a, b) in enumerate(zip(points, points[1:])):
        L = lengths[i]
        left = lengths[i - 1] if i > 0 else L
        right = lengths[i + 1] if i + 1 < len(lengths) else L
        cuts = []
        step = left * GRADING
        while step < L / 2 and left * GRADING < L:
            cuts.append(a + step)
            step *= GRADING
        step = right * GRADING
        tail = []
        while step < L / 2 and right * GRADING < L:
            tail.append(b - step)
            step *= GRADING
        out.extend(c.mid() for c in cuts)
        out.extend(c.mid() for c in reversed(tail))
        out.append(b)
    return out


def _angle_points(cosines) -> list[arb]:
    """Quadrature points on [0, pi]: the ends and every angle whose cosine is listed."""
    pi = arb.pi()
    return _distinct_sorted([q.mid().acos() for q in cosines if -1 < q.mid() < 1], arb(0), pi)


def _key(v: arb):
    # exact ordering of Arb midpoints through their binary value
    man, exp = v.mid().man_exp()
    return Fraction(int(man)) * (Fraction(2) ** int(exp))


def _radius_points(rest: Sequence[arb], breaks: Sequence[arb]) -> list[arb]:
    """Radii r where E[kernel(|r + rest walk|)] may fail to be analytic.

    A kernel break meets a collinear configuration (r = |beta + X|), or two
    collinear configurations cross (r = |X + Y| / 2); X, Y are signed sums of
    the remaining steps.
    """
    sums = _signed_sums(rest)
    pts = [abs(beta + X) for beta in list(breaks) + [arb(0)] for X in sums]
    pts += [abs(X + Y) / 2 for X in sums for Y in sums]
    return pts


# --------------------------------------------------------------------------- the walk
def _radial_mean(kernel: Callable[[arb], arb], breaks: Sequence[arb],
                 steps: Sequence[arb], rule: TanhSinh) -> arb:
    """E kernel(|sum_j steps_j e^{i theta_j}|) over independent uniform angles."""
    n = len(steps)
    if n == 1:
        return kernel(steps[0])
    if n == 2:
        a, c = steps
        pts = _angle_points((beta * beta - a * a - c * c) / (2 * a * c)
                            for beta in list(breaks) + [arb(0)])

        def f(phi: arb) -> arb:
            rho2 = (a * a + c * c + 2 * a * c * phi.cos()).mid()
            rho = rho2.sqrt() if rho2 > 0 else arb(0)
            return kernel(rho)

        return rule.integrate(f, pts) / arb.pi()
    a, c, d = steps[:3]
    rest = list(steps[3:])
    top = a + c + d
    bottom = max(arb(0), 2 * max(a, c, d) - top)
    pts = [abs(a + s1 * c + s2 * d) for s1 in (1, -1) for s2 in (1, -1)]
    if rest:
        pts += _radius_points(rest, breaks)

        def inner(r: arb) -> arb:
            return _radial_mean(kernel, breaks, [r] + rest, rule)
    else:
        pts += list(breaks)
        inner = kernel
    return rule.integrate(lambda r: _density3(r, a, c, d) * inner(r),
                          _distinct_sorted(pts, bottom.mid(), top.mid()))


def walk_mean(b: arb, amps: Sequence[arb], rule: TanhSinh) -> arb:
    r"""E|b + sum_j A_j cos theta_j| over the torus by the planar random walk (A_j > 0).

    Examples
    --------
    >>> from symrelu.exact.quadrature import arb_precision, to_mpf
    >>> import mpmath
    >>> with arb_precision(35):                      # 3 unit tones, no offset
    ...     v = to_mpf(walk_mean(arb(0), [arb(1)] * 3, TanhSinh(25)))
    >>> mpmath.nstr(v, 20)
    '1.0024197349409089458'
    """
    amps = sorted((a.mid() for a in amps), key=_key, reverse=True)
    if not amps:
        return abs(b)
    if b == 0:
        last = amps[-1]
        steps = amps[:-1]
        if not steps:
            return 2 / arb.pi() * last
        return 2 / arb.pi() * _radial_mean(lambda r: _pair_mean(r, last), [last], steps, rule)
    return _radial_mean(lambda r: phase_mean(b, r, 0) if r > 0 else abs(b), [abs(b)], amps, rule)


# --------------------------------------------------------------------------- coefficients
def walk_harmonic(b: arb, amps: Sequence[arb], j: int, m: int, rule: TanhSinh) -> arb:
    r"""d_k for k = m e_j: the m-th harmonic of tone j in |b + sum_i A_i cos theta_i|.

    Tone j is averaged out in closed form (:func:`phase_mean`); the other tones
    form a planar walk Z whose modulus R enters through the kernel
    :math:`\kappa(R) = \frac{1}{\pi}\int_0^\pi h_m(b + R\cos\psi; A_j)\,d\psi`
    (rotation invariance again), one quadrature level fewer than nested
    phase-out for four or more tones.

    Examples
    --------
    >>> from symrelu.exact.quadrature import arb_precision, to_mpf
    >>> import mpmath
    >>> with arb_precision(30):                       # 2 unit tones, (2, 0)
    ...     v = walk_harmonic(arb(0), [arb(1), arb(1)], 0, 2, TanhSinh(20))
    >>> mpmath.nstr(to_mpf(v), 12)
    '0.0900632743487'
    """
    A = amps[j].mid()
    others = [a.mid() for i, a in enumerate(amps) if i != j]
    b = b.mid()

    def kernel(R: arb) -> arb:
        if R == 0:
            return phase_mean(b, A, m)
        return rule.integrate(lambda psi: phase_mean((b + R * psi.cos()).mid(), A, m),
                              _angle_points((c - b) / R for c in (A, -A))) / arb.pi()

    if not others:
        return phase_mean(b, A, m)
    breaks = [abs(A - b), abs(A + b)]
    return _radial_mean(kernel, breaks, sorted(others, key=_key, reverse=True), rule)


def torus_phase_out(b: arb, amps: Sequence[arb], ks: Sequence[int], rule: TanhSinh) -> arb:
    r"""d_k of |b + sum A_j cos theta_j| (A_j > 0, k_j >= 0) by nested phase-out in Arb.

    The tone with the largest amplitude is averaged out in closed form
    (:func:`phase_mean`); the others by nested tanh-sinh quadrature over
    :math:`\theta_j \in [0, \pi]` with weight :math:`\cos k_j\theta_j`, split where
    the partial sum meets :math:`\pm A_1` at the ends of the remaining ranges.

    Examples
    --------
    >>> from symrelu.exact.quadrature import arb_precision, to_mpf
    >>> import mpmath
    >>> with arb_precision(30):
    ...     v = torus_phase_out(arb(0), [arb(1), arb(1)], [0, 0], TanhSinh(20))
    >>> mpmath.nstr(to_mpf(v), 15)                    # 8 / pi^2
    '0.810569469138702'
    """
    order = sorted(range(len(amps)), key=lambda j: _key(amps[j]), reverse=True)
    A_in, k_in = amps[order[0]].mid(), ks[order[0]]
    rest = [(amps[j].mid(), ks[j]) for j in order[1:]]

    def level(s: arb, depth: int) -> arb:
        if depth == len(rest):
            return phase_mean(s, A_in, k_in)
        A, k = rest[depth]
        inner = [a for a, _ in rest[depth + 1:]]
        pts = _angle_points((sign * A_in + X - s) / A
                            for sign in (1, -1) for X in _signed_sums(inner))

        def f(t: arb) -> arb:
            value = level((s + A * t.cos()).mid(), depth + 1)
            return value * (k * t).cos() if k else value

        return rule.integrate(f, pts) / arb.pi()

    return level(b.mid(), 0)
