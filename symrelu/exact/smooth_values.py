r"""Exact DC and coefficients of a smooth activation of a multi-tone signal, proven in balls.

:func:`smooth_coefficient` is what :func:`symrelu.exact_dc` and
:func:`symrelu.exact_coefficient` call for a :class:`symrelu.smooth.Smooth`
activation. Every value is a proven :class:`flint.acb` ball (the default call
rounds its center); the two methods are:

Periodic regime (and one tone)
    :math:`c_n = \int_0^1 f(x(2\pi s))\,e^{-2\pi i n s}\,ds` by ``acb.integral``
    (Gauss-Legendre with Arb's rigorous error bound, which needs f holomorphic
    on the boxes it uses: the activation's ball evaluator returns a non-finite
    ball where it is not, :meth:`symrelu.smooth.Smooth.acb`). For ELU and SELU,
    not analytic at 0, [0, 1] is first cut where the sign of x is proven
    constant (bisection with a mean-value bound :math:`|x(c)| > \sup_J|x'|\,w`),
    each run is integrated with the entire branch that holds there, and the
    short intervals around the zeros of x, narrower than the working precision,
    are bounded by their width times a ball bound of :math:`|f(x)|` on them.

Generic and mixed regimes (a torus of dimension r >= 2)
    The trapezoidal rule with N points per angle on :math:`G(\theta) =
    f(x(\theta))e^{-ik\cdot\theta}`. G is analytic and bounded by
    :math:`M_G` on the polystrip :math:`|\operatorname{Im}\theta_j| \le \sigma`,
    so its Fourier coefficients obey :math:`|\hat G_m| \le M_G e^{-\sigma|m|_1}`
    and the rule's error, :math:`\sum_{m \in N\mathbb{Z}^r \setminus 0} \hat G_m`,
    is at most

    .. math:: M_G\left[\left(\frac{1 + q}{1 - q}\right)^r - 1\right],
              \qquad q = e^{-\sigma N}

    (r = 1: :math:`2M_G/(e^{\sigma N} - 1)`). On the polystrip,
    :math:`x = b + \sum_j A_j\cos(v_j\cdot\theta + \varphi_j)` lies in the
    rectangle :math:`|\operatorname{Re} x - b| \le \sum|A_j|\cosh(\sigma|v_j|_1)`,
    :math:`|\operatorname{Im} x| \le \sum|A_j|\sinh(\sigma|v_j|_1)`; the rectangle is
    covered by boxes, f is evaluated on each with ``analytic=True`` (a finite
    ball on every box proves f holomorphic there, and bounds it), and
    :math:`M_G = e^{\sigma|k|_1}\max|f|`. The bound is added to the sum's ball:
    a proof. In the generic regime the phases factor out (the coefficient is the
    zero-phase one times :math:`e^{ik\cdot\varphi}`), and the zero-phase
    integrand is even in each angle, so only :math:`\theta_j \in [0, \pi]` is
    sampled.

ELU and SELU (a break at 0) on the generic torus of two tones, where x crosses 0
    :math:`f = g + H(x)h` with g (the piece below 0) and h (the difference of the
    pieces) entire: g by the trapezoidal rule, :math:`H(x)h` by ``acb.integral`` over
    :math:`\theta_1` of ``acb.integral`` over :math:`\theta_2 \in [0, \arccos(-s/A_2)]`,
    :math:`s = b + A_1\cos\theta_1`, cut where :math:`s = \pm A_2`. Three or more tones:
    no proven method (:class:`~symrelu.errors.NoProofError`).

Exact zeros, decided without rounding: the DC's imaginary part; an odd
activation of a signal with half-wave symmetry (b = 0, every harmonic odd, so
:math:`x(\tau + \pi) = -x(\tau)`) has no even harmonics, an even activation no
odd ones (generic regime: b = 0 and :math:`\sum k_j` even, resp. odd); a part
whose phase factor vanishes (:func:`symrelu.exact.periodic.symmetry_shift`).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import flint
import mpmath
import sympy

from symrelu._values import to_exact
from symrelu.errors import (
    FrequencyNotPresentError,
    NoProofError,
    ResourceLimitError,
    SymreluError,
)
from symrelu.exact._common import check_dps, harmonic_number, multi_index, phase_zeros
from symrelu.exact.balls import (
    NeedsPrecision,
    acb_to_mpc,
    arb_of,
    arb_precision,
    phase_ball,
    proven_ball,
)
from symrelu.exact.periodic import symmetry_shift
from symrelu.expansion import mixed_key
from symrelu.signal import MultiTone
from symrelu.trigpoly import resolve_regime

__all__ = [
    "smooth_coefficient",
    "smooth_ball",
    "smooth_guarantee",
    "torus_error_bound",
    "MAX_DPS_SMOOTH_PERIODIC",
    "MAX_DPS_SMOOTH_TORUS",
    "MAX_TORUS_POINTS",
]

#: Most digits proven in the periodic regime (acb.integral).
MAX_DPS_SMOOTH_PERIODIC = 500

#: Most digits proven on a torus of dimension 2 or more (the trapezoidal rule).
MAX_DPS_SMOOTH_TORUS = 60

#: Most sample points of the trapezoidal rule on the torus (the cost grows as N^r).
MAX_TORUS_POINTS = 2_000_000

#: Most intervals the sign proof of x examines (functions with breaks, periodic regime).
MAX_SIGN_INTERVALS = 200_000

_SIGMAS = ("1/16", "1/8", "1/4", "3/8", "1/2", "3/4", "1", "3/2", "2")


# --------------------------------------------------------------------------- addressing
class _Problem:
    """One coefficient to prove: x = b + sum_j A_j cos(v_j . theta + phi_j) on T^r, key k."""

    def __init__(self, sig: MultiTone, regime: str, at: Any) -> None:
        self.sig = sig
        self.regime = regime
        if regime == "periodic":
            self.vectors = tuple((int(m),) for m in sig.harmonics)
            self.key = (0 if at is None else harmonic_number(sig, at),)
        elif regime == "mixed":
            self.vectors = tuple(tuple(int(c) for c in v) for v in sig.reduction.vectors)
            r = len(self.vectors[0]) if self.vectors else 1
            self.key = (0,) * r if at is None else mixed_key(sig, at)
        else:
            self.vectors = tuple(tuple(int(i == j) for i in range(sig.K)) for j in range(sig.K))
            self.key = (0,) * sig.K if at is None else multi_index(sig, at)
        if regime == "generic" and sig.K == 1:       # one tone: a periodic problem
            self.regime = "periodic"
        self.dims = len(self.key)

    @property
    def what(self) -> str:
        if not any(self.key):
            return "the DC"
        if self.regime == "periodic":
            return f"the coefficient at harmonic {self.key[0]}"
        return f"the coefficient at {self.key}"


def _half_wave(problem: _Problem) -> bool:
    """x(theta + pi (1, ..., 1)) = -x(theta): b = 0 and (periodic) every harmonic odd, or
    (generic) at least two tones (each angle shifted by pi)."""
    sig = problem.sig
    if sig.offset != 0 or not sig.K:
        return False
    if problem.regime == "periodic":
        return all(m % 2 for m in sig.harmonics)
    return problem.regime == "generic"


def _linear_value(problem: _Problem) -> sympy.Expr:
    """x's own coefficient at the key (complex, phases included), exactly."""
    sig, key = problem.sig, problem.key
    if not any(key):
        return sig.offset
    out = sympy.Integer(0)
    for A, p, v in zip(sig.amplitudes, sig.phases, problem.vectors):
        if tuple(v) == tuple(key):
            out += A / 2 * sympy.exp(sympy.I * p)
        elif tuple(-c for c in v) == tuple(key):
            out += A / 2 * sympy.exp(-sympy.I * p)
    return out


def _exact_value(problem: _Problem, act) -> tuple | None:
    """(re, im) as exact sympy numbers where a symmetry decides the value; else None.

    With x(theta + pi) = -x(theta), a key of odd order (sum k, or the harmonic n) takes
    f's odd part only and one of even order f's even part only: where the odd part is
    ``a x`` the value is a times x's own coefficient, where the even part is a constant c
    it is c at the DC and 0 elsewhere.
    """
    if not _half_wave(problem):
        return None
    order = sum(problem.key)
    a, c = act.symmetry
    if order % 2 and a is not None:
        value = sympy.expand(a * _linear_value(problem), complex=True)
    elif order % 2 == 0 and c is not None:
        value = c if not any(problem.key) else sympy.Integer(0)
    else:
        return None
    re, im = value.as_real_imag()
    return sympy.simplify(re), sympy.simplify(im)


def _zeros(problem: _Problem) -> tuple[bool, bool] | None:
    """(re, im) decided to vanish exactly (by the phases); None: nothing decided."""
    sig, key = problem.sig, problem.key
    if not any(key):
        return (False, True)
    if problem.regime == "periodic":
        tau0 = symmetry_shift(sig)
        return None if tau0 is None else phase_zeros(-key[0] * tau0)
    if problem.regime == "generic":
        return phase_zeros(sympy.Add(*(k * p for k, p in zip(key, sig.phases))))
    if all(p == 0 for p in sig.phases):         # mixed, zero phases: x(-theta) = x(theta)
        return (False, True)
    return None


# --------------------------------------------------------------------------- signal balls
def _balls(sig: MultiTone):
    """(b, [(A_j, phi_j)]) as arb balls at the current precision (NoProofError if a value
    has no ball evaluation)."""
    b = arb_of(sig.offset)
    tones = [(arb_of(A), arb_of(p)) for A, p in zip(sig.amplitudes, sig.phases)]
    return b, tones


def _peak_ball(b, tones) -> flint.arb:
    s = abs(b)
    for A, _ in tones:
        s += abs(A)
    return s


def _range_box(f_piece, lo: flint.arb, hi: flint.arb, im: flint.arb, nx: int, ny: int,
               analytic: bool = True) -> flint.arb:
    """Upper bound of |f| on [lo, hi] x [-im, im] (boxes; inf when f is not proven
    holomorphic on one of them)."""
    width = (hi - lo) / nx
    best = flint.arb(0)
    ys = [flint.arb(0)] if im == 0 else [(-im + (2 * j + 1) * im / ny) for j in range(ny)]
    yr = flint.arb(0) if im == 0 else (im / ny).abs_upper()
    for i in range(nx):
        c = lo + (2 * i + 1) * width / 2
        xr = (width / 2).abs_upper()
        for y in ys:
            z = flint.acb(flint.arb(c.mid(), xr + c.rad()), flint.arb(y.mid(), yr + y.rad()))
            v = f_piece(z, analytic)
            if not v.is_finite():
                return flint.arb("inf")
            u = v.abs_upper()
            if u > best:
                best = u
    return flint.arb(best)


# --------------------------------------------------------------------------- periodic
def _x_of(b, tones, ms):
    def x(tau):
        out = flint.acb(b)
        for (A, p), m in zip(tones, ms):
            out += A * (m * tau + p).cos()
        return out
    return x


def _dx_real(tones, ms, tau: flint.arb) -> flint.arb:
    out = flint.arb(0)
    for (A, p), m in zip(tones, ms):
        out -= A * m * (m * tau + p).sin()
    return out


def _x_real(b, tones, ms, tau: flint.arb) -> flint.arb:
    out = flint.arb(b)
    for (A, p), m in zip(tones, ms):
        out += A * (m * tau + p).cos()
    return out


def _sign_runs(b, tones, ms, act, scale: flint.arb):
    """Cover s in [0, 1] (tau = 2 pi s) by runs where sign(x - t) is proven for every break t,
    and gaps: intervals narrower than the working precision, or whose share (width times a
    ball bound of |f(x)|) is below it (a tangency, where x - t vanishes to second order):
    ([(lo, hi, signs)], [(lo, hi)])."""
    two_pi = 2 * flint.arb.pi()
    prec = flint.ctx.prec
    min_w = flint.arb(2) ** -(prec - 4)
    gap_tol = scale * flint.arb(2) ** -(prec + 10)
    ts = [flint.arb(_fmpq(t)) for t in act.breaks]
    stack = [(flint.arb(0), flint.arb(1))]
    runs: list = []
    gaps: list = []
    steps = 0
    while stack:
        steps += 1
        if steps > MAX_SIGN_INTERVALS:
            raise ResourceLimitError(
                f"the zeros of x were not separated in {MAX_SIGN_INTERVALS} intervals; ask for "
                "fewer digits"
            )
        lo, hi = stack.pop()
        c = (lo + hi) / 2
        w = (hi - lo) / 2
        tau_c, tau_j = two_pi * c, two_pi * flint.arb(c.mid(), w.abs_upper())
        xc = _x_real(b, tones, ms, tau_c)
        slope = (two_pi * _dx_real(tones, ms, tau_j)).abs_upper() * w
        signs = []
        for t in ts:
            d = xc - t
            if d.abs_lower() > slope:
                signs.append(1 if d > 0 else -1)
            else:
                signs.append(0)
        if all(signs):
            sg = tuple(signs)
            if runs and runs[-1][2] == sg and runs[-1][1] is lo:
                runs[-1][1] = hi
            else:
                runs.append([lo, hi, sg])
            continue
        if w < min_w:
            gaps.append((lo, hi))
            continue
        share = 2 * w * act.acb(flint.acb(_x_real(b, tones, ms, tau_j)), False).abs_upper()
        if share < gap_tol:
            gaps.append((lo, hi))
            continue
        mid = c.mid()
        stack.append((mid, hi))
        stack.append((lo, mid))
    return runs, gaps


def _fmpq(value) -> flint.fmpq:
    r = sympy.Rational(value)
    return flint.fmpq(int(r.p), int(r.q))


def _periodic_compute(problem: _Problem, act) -> flint.acb:
    sig = problem.sig
    n = problem.key[0]
    ms = [v[0] for v in problem.vectors]
    b, tones = _balls(sig)
    x = _x_of(b, tones, ms)
    two_pi = 2 * flint.arb.pi()
    peak = _peak_ball(b, tones)
    pieces = act.pieces()
    # |f| on the real range of x: the scale of the absolute tolerance
    scale = flint.arb(0)
    for lo_t, hi_t, fn in pieces:
        lo = max(b - peak, flint.arb(_fmpq(lo_t))) if lo_t != -sympy.oo else b - peak
        hi = min(b + peak, flint.arb(_fmpq(hi_t))) if hi_t != sympy.oo else b + peak
        if lo < hi or lo.overlaps(hi):
            with arb_precision(64):
                s = _range_box(fn, lo, hi, flint.arb(0), 16, 1, analytic=False)
            if s > scale or not s.is_finite():
                scale = s
    if not scale.is_finite():
        raise NoProofError(f"{act!r} has no finite ball bound on the range of this signal")
    scale = flint.arb(scale.abs_upper()) + flint.arb(2) ** -60
    tol = scale * flint.arb(2) ** -(flint.ctx.prec + 4)

    def integrate(fn, lo, hi):
        def g(s, analytic):
            tau = two_pi * s
            v = fn(x(tau), analytic)
            if n:
                v = v * (-n * tau * flint.acb(0, 1)).exp()
            return v
        out = flint.acb.integral(g, lo, hi, abs_tol=tol, rel_tol=flint.arb(2) ** -flint.ctx.prec,
                                 eval_limit=200_000)
        if not out.is_finite():
            raise NoProofError(
                f"{act!r} is not proven analytic along this signal ({act.singularities}): "
                "acb.integral found no finite enclosure"
            )
        return out

    whole = _covering_piece(act, sig)
    if whole is not None:
        return integrate(whole, 0, 1)
    runs, gaps = _sign_runs(b, tones, ms, act, scale)
    total = flint.acb(0)
    for lo, hi, signs in runs:
        fn = _piece_for(pieces, act.breaks, signs)
        total += integrate(fn, lo, hi)
    err = flint.arb(0)
    for lo, hi in gaps:                        # width * sup |f(x)| on the gap
        xs = x(two_pi * flint.arb((lo.mid() + hi.mid()) / 2, ((hi - lo) / 2).abs_upper()))
        v = act.acb(xs, False)
        err += (hi - lo) * v.abs_upper()
    if err != 0:
        e = flint.arb(0, err.abs_upper())
        total += flint.acb(e, e)
    return total


def _covering_piece(act, sig: MultiTone):
    """The evaluator of the piece whose closed interval holds the range [b - S, b + S] of x
    (decided exactly), or None: f is that piece's analytic function all along the signal (at
    a break, by continuity; ELU of 1 + cos tau)."""
    pieces = act.pieces()
    if not act.breaks:
        return pieces[0][2]
    S = sympy.Add(*(sympy.Abs(A) for A in sig.amplitudes))
    lo, hi = sig.offset - S, sig.offset + S
    for p_lo, p_hi, fn in pieces:
        if (p_lo == -sympy.oo or (lo - p_lo).is_nonnegative) and (
                p_hi == sympy.oo or (p_hi - hi).is_nonnegative):
            return fn
    return None


def _piece_for(pieces: tuple, breaks: tuple, signs: tuple):
    """The piece whose interval holds x, from the signs of x - t at every break."""
    below = [t for t, s in zip(breaks, signs) if s > 0]      # breaks below x
    above = [t for t, s in zip(breaks, signs) if s < 0]
    lo = max(below) if below else -sympy.oo
    hi = min(above) if above else sympy.oo
    for p_lo, p_hi, fn in pieces:
        if p_lo <= lo and hi <= p_hi:
            return fn
    raise NoProofError("no analytic piece covers this run")   # pieces cover the line


# --------------------------------------------------------------------------- torus
def torus_error_bound(M: flint.arb, sigma: flint.arb, N: int, dims: int) -> flint.arb:
    r"""Bound of the trapezoidal rule's error on T^dims for a G bounded by M on the polystrip.

    :math:`M[((1+q)/(1-q))^{d} - 1]` with :math:`q = e^{-\sigma N}` (module docstring).

    Examples
    --------
    >>> b = torus_error_bound(flint.arb(1), flint.arb(1), 40, 1)       # 2/(e^40 - 1)
    >>> bool(abs(b - 2 / (flint.arb(40).exp() - 1)) < 1e-30)
    True
    """
    q = (-sigma * N).exp()
    return M * (2 * dims * q.atanh()).expm1()     # ((1+q)/(1-q))^d - 1, without cancellation


def _strip_bound(act, problem: _Problem, b, tones, sigma: flint.arb, fn=None):
    """(piece evaluator, max |f| on the rectangle holding x of the polystrip |Im| <= sigma),
    the bound inf when f is not proven holomorphic there."""
    re_reach = flint.arb(0)
    im_reach = flint.arb(0)
    for (A, _), v in zip(tones, problem.vectors):
        s = sigma * sum(abs(c) for c in v)
        re_reach += abs(A) * s.cosh()
        im_reach += abs(A) * s.sinh()
    lo, hi = b - re_reach, b + re_reach
    if fn is None:
        fn = _covering_piece(act, problem.sig)  # analytic along the torus's real points
    if fn is None:
        return None, flint.arb("inf")
    nx = 32
    ny = 12
    return fn, _range_box(fn, lo, hi, im_reach, nx, ny)


def _torus_plan(act, problem: _Problem, b, tones, tol: flint.arb, fn=None):
    """(evaluator, N, sigma, M_G) minimizing the number of points, or NoProofError."""
    best = None
    k1 = sum(abs(k) for k in problem.key)
    generic = problem.regime == "generic"
    for text in _SIGMAS:
        sigma = flint.arb(flint.fmpq(*map(int, text.split("/"))) if "/" in text
                          else flint.fmpq(int(text)))
        with arb_precision(64):
            g, M = _strip_bound(act, problem, b, tones, sigma, fn)
        if g is None:
            break
        if not M.is_finite():
            break
        MG = flint.arb(M.abs_upper()) * (sigma * k1).exp() + flint.arb(2) ** -60
        # smallest N with the bound below tol: from q ~ ln(3 d M / tol) / sigma, then checked
        est = (3 * problem.dims * MG / tol).log() / sigma
        N = max(8, int(math.ceil(float(est.abs_upper()))) + 2)
        N += N % 2
        while not torus_error_bound(MG, sigma, N, problem.dims) < tol:
            N += 2
        points = (N // 2 + 1) ** problem.dims if generic else N ** problem.dims
        if best is None or points < best[0]:
            best = (points, g, N, sigma, MG)
    if best is None:
        raise NoProofError(
            f"{act!r} is not analytic on a neighbourhood of this signal's range "
            f"({act.singularities}), so the trapezoidal rule on the torus has no error bound; "
            "no proven method covers it in this regime"
        )
    if best[0] > MAX_TORUS_POINTS:
        raise ResourceLimitError(
            f"{problem.what} needs about {best[0]:.2g} sample points on the torus (limit "
            f"{MAX_TORUS_POINTS:.0e}); ask for fewer digits or use fewer tones"
        )
    return best[1:]


def _torus_compute(problem: _Problem, act, fn=None, phased: bool = True) -> flint.acb:
    sig = problem.sig
    b, tones = _balls(sig)
    peak = _peak_ball(b, tones)
    with arb_precision(64):
        scale = _range_box(act.acb, b - peak, b + peak, flint.arb(0), 16, 1, analytic=False)
    scale = flint.arb(scale.abs_upper()) + flint.arb(2) ** -60
    tol = scale * flint.arb(2) ** -(flint.ctx.prec + 4)
    fn, N, sigma, MG = _torus_plan(act, problem, b, tones, tol, fn)
    err = torus_error_bound(MG, sigma, N, problem.dims).abs_upper()
    key = problem.key
    if problem.regime == "generic":
        # zero phases: even in each angle; theta = 2 pi m / N, m = 0..N/2, weights 1, 2, .., 1
        half = N // 2
        cosines = [flint.arb.cos_pi_fmpq(flint.fmpq(2 * m, N)) for m in range(half + 1)]
        weights = [flint.arb(1 if m in (0, half) else 2) / N for m in range(half + 1)]
        axes = []
        for (A, _), k in zip(tones, key):
            vals = [A * cosines[m] for m in range(half + 1)]
            wts = [weights[m] * flint.arb.cos_pi_fmpq(flint.fmpq(2 * k * m % (2 * N), N))
                   for m in range(half + 1)]
            axes.append(list(zip(vals, wts)))
        total = flint.arb(0)
        for combo in itertools.product(*axes):
            xv = b
            w = flint.arb(1)
            for v, wt in combo:
                xv += v
                w *= wt
            if w == 0:
                continue
            total += w * fn(flint.acb(xv), False).real
        e = flint.arb(0, err)
        value = flint.acb(total + e, e)
        angle = sympy.Add(*(k * p for k, p in zip(key, sig.phases)))
        return value * phase_ball(angle) if angle != 0 and phased else value
    # mixed: the full grid, phases included
    r = problem.dims
    total = flint.acb(0)
    thetas = [[flint.arb.pi() * flint.fmpq(2 * m, N) for m in range(N)]] * r
    for ms in itertools.product(range(N), repeat=r):
        th = [thetas[d][ms[d]] for d in range(r)]
        xv = flint.acb(b)
        for (A, p), v in zip(tones, problem.vectors):
            arg = p
            for c, t in zip(v, th):
                if c:
                    arg = arg + c * t
            xv += A * arg.cos()
        kth = sum(k * m for k, m in zip(key, ms)) % N
        total += fn(xv, False) * flint.acb.exp_pi_i(flint.acb(flint.fmpq(-2 * kth, N)))
    total = total / N**r
    e = flint.arb(0, err)
    return total + flint.acb(e, e)


# --------------------------------------------------------------------------- ELU, two tones
def _nested(problem: _Problem, act) -> bool:
    """Whether the two-tone method for a break at 0 applies (generic regime, x crosses 0)."""
    return (problem.regime == "generic" and problem.dims == 2 and tuple(act.breaks) == (0,)
            and len(act.pieces()) == 2 and _covering_piece(act, problem.sig) is None)


def _two_tone_break(problem: _Problem, act) -> flint.acb:
    r"""A function with one break at 0 (ELU, SELU) on the generic torus of two tones.

    f = g + H(x) h with g the piece below 0 (entire: the trapezoidal rule above) and
    h = (piece above) - g (entire). With :math:`s = b + A_1\cos\theta_1`, the inner mean
    over :math:`\theta_2 \in [0, \pi]` of :math:`H(x)h(x)\cos k_2\theta_2` runs up to
    :math:`\theta^* = \arccos(-s/A_2)` (0 or pi outside :math:`|s| < A_2`), so it is analytic
    in :math:`\theta_1` between the points where :math:`s = \pm A_2`; each piece is integrated
    by ``acb.integral`` of the inner ``acb.integral`` (whose endpoint, a ball, is split into
    its exact midpoint and a remainder bounded by its radius times the integrand's bound).
    """
    (lo_t, _, neg), (_, _, pos) = act.pieces()
    sig, key = problem.sig, problem.key
    smooth_part = _torus_compute(problem, act, fn=neg, phased=False)
    b = arb_of(sig.offset)
    amps = [arb_of(A) for A in sig.amplitudes]
    sign = 1
    for A, k in zip(sig.amplitudes, key):      # A cos t = |A| cos(t + pi)
        if A.is_negative and k % 2:
            sign = -sign
    A1, A2 = (abs(a) for a in amps)
    k1, k2 = (abs(k) for k in key)
    pi = flint.arb.pi()
    tol = flint.arb(2) ** -(flint.ctx.prec + 4)

    def h(z, analytic):
        return pos(z, analytic) - neg(z, analytic)

    def h_bound(s) -> flint.arb:
        xs = s + A2 * flint.arb(0, 1)
        return h(flint.acb(xs) if not isinstance(xs, flint.acb) else xs, False).abs_upper()

    def inner(s, analytic):
        """(1/pi) int_0^theta* h(s + A2 cos t) cos(k2 t) dt for s a ball (complex box)."""
        def g(t, a):
            return h(s + A2 * t.cos(), a) * (k2 * t).cos()
        u = -s / A2
        on_cut = u.imag.contains(0) and (u.real.upper() >= 1 or u.real.lower() <= -1)
        theta = flint.acb("nan") if on_cut else u.acos()    # cuts (-oo, -1], [1, oo)
        if not theta.is_finite():
            if analytic:
                return flint.acb("nan")
            bound = h_bound(s)
            return flint.acb(flint.arb(0, bound), flint.arb(0, bound))
        m = flint.acb(theta.mid())
        out = flint.acb.integral(g, 0, m, rel_tol=tol, abs_tol=tol)
        rest = g(theta, False).abs_upper() * (theta - m).abs_upper()
        return (out + flint.acb(flint.arb(0, rest), flint.arb(0, rest))) / pi

    def full(s, analytic):
        def g(v, a):
            t = pi * v
            return h(s + A2 * t.cos(), a) * (k2 * t).cos()
        return flint.acb.integral(g, 0, 1, rel_tol=tol, abs_tol=tol)

    # theta_1 in [0, pi] (s falls from b + A1 to b - A1), cut where s = A2 and s = -A2
    cuts = []
    for level in (A2, -A2):
        c = (level - b) / A1
        if c.lower() > -1 and c.upper() < 1:
            cuts.append(c.acos())
        elif c.contains(1) or c.contains(-1):
            raise NeedsPrecision
    bounds = [flint.arb(0)] + sorted(cuts, key=lambda t: float(t.mid())) + [pi]
    total = flint.acb(0)
    err = flint.arb(0)
    hb = h_bound(flint.acb(b + A1 * flint.arb(0, 1))).abs_upper() if bounds else 0
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        mid_s = b + A1 * ((lo + hi) / 2).cos()
        if mid_s.lower() > A2:
            kind = "full"
        elif mid_s.upper() < -A2:
            continue
        elif abs(mid_s).upper() < A2:
            kind = "part"
        else:
            raise NeedsPrecision
        a, z = flint.acb(lo.mid()), flint.acb(hi.mid())
        err += (lo.rad() + hi.rad()) * hb          # the ends' balls: |integrand| <= sup|h|

        def outer(t, analytic, kind=kind):
            s = b + A1 * t.cos()
            v = full(s, analytic) if kind == "full" else inner(s, analytic)
            return v * (k1 * t).cos()
        total += flint.acb.integral(outer, a, z, rel_tol=tol, abs_tol=tol)
    if not total.is_finite():
        raise NoProofError(f"{act!r} on this two-tone torus: the nested integral has no finite "
                           "enclosure")
    total = total / pi + flint.acb(flint.arb(0, err), flint.arb(0, err))
    value = smooth_part + sign * total
    angle = sympy.Add(*(k * p for k, p in zip(key, sig.phases)))
    return value * phase_ball(angle) if angle != 0 else value


# --------------------------------------------------------------------------- entry points
def _problem(sig: MultiTone, at: Any, act, regime: str) -> _Problem:
    if not sig.is_numeric:
        from symrelu.exact import SymbolicValueError

        raise SymbolicValueError(
            f"exact values need a numeric signal, this one holds "
            f"{', '.join(sorted(map(str, sig.free_symbols)))}; symrelu.expand(sig, order=N, "
            f"activation={act.name!r}) gives the polynomial lens with symbols"
        )
    return _Problem(sig, resolve_regime(sig, regime), at)


def smooth_ball(sig: MultiTone, at: Any, act, regime: str, digits: int) -> flint.acb:
    """The proven ball of the coefficient (each part relative radius <= 10^-digits, or an
    exact 0 where decided). See :func:`smooth_coefficient`."""
    return _ball(_problem(sig, at, act, regime), act, digits)


def _ball(problem: _Problem, act, digits: int) -> flint.acb:
    exact = _exact_value(problem, act)
    if exact is not None:
        parts = [sympy.sympify(v) for v in exact]
        exact_zeros = tuple(v.is_zero is True for v in parts)
        return proven_ball(lambda: flint.acb(*(flint.arb(0) if z else arb_of(v)
                                               for v, z in zip(parts, exact_zeros))),
                           exact_zeros, digits, problem.what)
    zeros = _zeros(problem)
    compute = _periodic_compute if problem.regime == "periodic" else _torus_compute
    if _nested(problem, act):
        compute = _two_tone_break

    def run() -> flint.acb:
        try:
            return compute(problem, act)
        except NoProofError:
            raise
        except (ValueError, ZeroDivisionError) as exc:   # a ball too wide to decide
            raise NeedsPrecision from exc

    return proven_ball(run, zeros or (False, False), digits, problem.what)


def smooth_coefficient(sig: MultiTone, at: Any, act, regime: str = "auto", dps: int = 30,
                       enclosure: bool = False) -> mpmath.mpc | flint.acb:
    r"""The true coefficient of a smooth activation of ``sig``, proven in Arb balls.

    Parameters
    ----------
    sig : MultiTone
        A numeric signal.
    at : None, frequency or tuple of int
        None for the DC; a frequency (periodic regime, a multiple of the base);
        a tuple of K ints (generic), or of r ints or a lattice frequency (mixed).
        Negative frequencies give the conjugate.
    act : symrelu.smooth.Smooth
    regime : "auto", "periodic", "generic" or "mixed"
    dps : int
        Digits relative to the value itself.
    enclosure : bool
        Return the proof: a :class:`flint.acb` whose parts have relative radius
        at most 10^-dps (an exact 0 where decided).

    Returns
    -------
    mpmath.mpc or flint.acb
        The center of a ball of relative radius 10^-(dps + 3), rounded to
        ``dps`` digits (``enclosure=True``: the ball).

    Raises
    ------
    NoProofError
        ELU or SELU where x crosses 0 on a torus of 3 or more tones (or a mixed
        one): not analytic there, no proven method; or a signal value with no
        ball evaluation.
    ResourceLimitError
        When the trapezoidal rule would need more than :data:`MAX_TORUS_POINTS`.

    Examples
    --------
    >>> from symrelu.smooth import Tanh, GELU
    >>> sig = MultiTone.parse("0.3 + 1@5 + 0.6@7")       # mpmath.quad: 0.3914046363351544891982
    >>> mpmath.nstr(smooth_coefficient(sig, None, GELU(), dps=20).real, 20)
    '0.3914046363351544892'
    >>> smooth_coefficient(MultiTone.parse("1@1 + 1@3"), 2, Tanh(), dps=20)   # odd f, odd x
    mpc(real='0.0', imag='0.0')
    """
    conj = False
    if at is not None and not isinstance(at, (tuple, list)):
        try:
            F = to_exact(at, "frequency")
        except SymreluError as exc:
            raise FrequencyNotPresentError(str(exc)) from None
        if F.is_number and F.is_negative:
            at, conj = -F, True
    problem = _problem(sig, at, act, regime)
    periodic = problem.regime == "periodic"
    dps = check_dps(dps, MAX_DPS_SMOOTH_PERIODIC if periodic else MAX_DPS_SMOOTH_TORUS)
    if enclosure:
        ball = _ball(problem, act, dps)
        return ball.conjugate() if conj else ball
    ball = _ball(problem, act, dps + 3)
    value = acb_to_mpc(ball, dps)
    return mpmath.conj(value) if conj else value


_PERIODIC_PROOF = (
    "acb.integral (Gauss-Legendre with Arb's rigorous error bound) of f(x(tau)) e^{-i n tau} "
    "over one period, f evaluated in balls that prove it holomorphic where it is used"
)
_BREAK_PROOF = (
    "; the period is cut where the sign of x is proven (bisection in balls), each run "
    "integrated with the entire branch that holds there, the intervals around the zeros of x "
    "bounded by their width times a ball bound of |f|"
)
_NESTED_PROOF = (
    "f = g + H(x) h with g, h entire: g by the trapezoidal rule on the torus with its proven "
    "bound, H(x) h by acb.integral over theta_1 (cut where s = b + A_1 cos theta_1 = +-A_2) of "
    "acb.integral over theta_2 up to arccos(-s/A_2), both rigorous in balls"
)
_TORUS_PROOF = (
    "the trapezoidal rule on the torus with its proven error bound M[((1+q)/(1-q))^r - 1], "
    "q = e^(-sigma N), M a ball bound of |f(x) e^(-ik.theta)| on the polystrip |Im| <= sigma "
    "(f proven holomorphic there by ball evaluation on boxes)"
)


def smooth_guarantee(sig: MultiTone, dps: int, at: Any, regime: str, act):
    """What :func:`smooth_coefficient` guarantees for these arguments (a
    :class:`symrelu.exact.guarantee.Guarantee`); cheap (the plan only: nothing is integrated).

    Examples
    --------
    >>> from symrelu.smooth import ELU, Tanh
    >>> smooth_guarantee(MultiTone.parse("1@1 + 1@sqrt(2)"), 20, (2, -1), "generic", Tanh()).kind
    'proven'
    >>> three = MultiTone.parse("1@1 + 1@sqrt(2) + 1@sqrt(3)")
    >>> smooth_guarantee(three, 20, None, "generic", ELU()).kind
    'refused'
    """
    from symrelu.exact.guarantee import Guarantee

    try:
        problem = _problem(sig, at, act, regime)
        limit = MAX_DPS_SMOOTH_PERIODIC if problem.regime == "periodic" else MAX_DPS_SMOOTH_TORUS
        check_dps(dps, limit)
        if _exact_value(problem, act) is not None:
            return Guarantee("proven", "exact: x(theta + pi) = -x(theta) and the activation's "
                             "odd part is linear or its even part constant, so the value is "
                             "decided without an integral")
        with arb_precision(64):
            b, tones = _balls(sig)
            if problem.regime == "periodic":
                return Guarantee("proven", _PERIODIC_PROOF + (_BREAK_PROOF if act.breaks else ""))
            if _nested(problem, act):
                return Guarantee("proven", _NESTED_PROOF)
            peak = _peak_ball(b, tones)
            scale = _range_box(act.acb, b - peak, b + peak, flint.arb(0), 16, 1, analytic=False)
            scale = flint.arb(scale.abs_upper()) + flint.arb(2) ** -60
            tol = scale * flint.arb(10) ** -(dps + 13)
            _torus_plan(act, problem, b, tones, tol)
        return Guarantee("proven", _TORUS_PROOF)
    except SymreluError as exc:
        return Guarantee("refused", str(exc))
