"""The public entry points :func:`exact_dc` and :func:`exact_coefficient`."""

from __future__ import annotations

from typing import Any

import flint
import mpmath

from symrelu.activations import PiecewiseLinear, as_activation
from symrelu.errors import ActivationError, NoProofError
from symrelu.exact._common import (
    activation_weights,
    check_dps,
    check_signal,
    harmonic_number,
    multi_index,
)
from symrelu.exact.balls import conjugate_ball, real_ball
from symrelu.exact.generic import MAX_DPS_GENERIC, generic_ball, generic_coefficient
from symrelu.exact.mixed import mixed_value
from symrelu.exact.periodic import periodic_ball, periodic_coefficient
from symrelu.expansion import mixed_key
from symrelu.signal import MultiTone
from symrelu.trigpoly import resolve_regime

__all__ = ["exact_dc", "exact_coefficient", "MAX_DPS_PERIODIC"]

#: Most digits the periodic engine will verify.
MAX_DPS_PERIODIC = 2000


def exact_dc(
    signal: MultiTone, activation: Any = "relu", regime: str = "auto", dps: int = 30,
    enclosure: bool = False,
) -> mpmath.mpf | flint.arb:
    r"""The true (untruncated) DC of ``activation(signal)``, with ``dps`` verified digits.

    Parameters
    ----------
    signal : MultiTone
        A numeric signal (symbols raise :class:`SymbolicValueError`).
    activation : str or Activation
        Any name :func:`symrelu.as_activation` reads, or an :class:`~symrelu.Activation`.
        The paper's form ``lambda x + c |x|`` (ReLU, abs, LeakyReLU, linear) runs
        the ``|x|`` engine once; any other :class:`~symrelu.PiecewiseLinear`
        ``a + b x + sum c_j |x - t_j| + sum h_j sign(x - t_j)`` is the sum of
        ``|x|`` on the signal shifted by ``-t_j``, ``sign(x - t_j)`` (isolated zeros in the
        periodic regime, the Bessel integral with the sign kernel in the generic
        regime) and the exact linear part, the balls summed
        (:mod:`symrelu.exact.piecewise`); a smooth activation is
        :func:`symrelu.exact.smooth_values.smooth_coefficient`.
    regime : "auto", "periodic", "generic" or "mixed"
        Decided from the exact integer relations among the frequencies
        (:func:`symrelu.find_relations`; "auto" picks the one they imply).
        "periodic" (one base frequency f0: rational frequencies, or pi and
        2 pi): the time average over one period, by exact integration between
        the zeros of x in tau = 2 pi f0 t. "generic": the average over the torus
        of independent phases (the time average for incommensurate
        frequencies), proven in balls (closed forms for one tone and the
        two-tone DC without offset, the Bessel integral in Arb otherwise).
        "mixed" (rank 2 below K, e.g. 1, 2, sqrt(2)): the average over the
        reduced torus (:func:`symrelu.exact.mixed.mixed_value`). Where the
        relations rest on an assumption, a
        :class:`~symrelu.errors.RelationAssumptionWarning` names it.
    dps : int
        Significant digits wanted, relative to the value itself however small
        it is next to the signal's peak. Where a proof exists (periodic and
        generic regimes: :func:`symrelu.guarantee` says which) the value is the
        center of a proven ball of radius below 10^-(dps+3) relative, rounded
        to ``dps`` digits; in the mixed regime every digit has been checked by
        a second, independent computation (evidence, not proof).
    enclosure : bool
        Return the proof itself: a :class:`flint.arb` that contains the true
        DC, of radius at most 10^-dps times its value (an exact 0 is
        ``arb(0)``). Raises :class:`~symrelu.errors.NoProofError` where no
        proof exists (the mixed regime; a signal whose values have no ball
        evaluation, e.g. an amplitude besselj(0, 1)).

    Returns
    -------
    mpmath.mpf or flint.arb
        Rounded to ``dps`` digits (``enclosure=True``: the ball). Exactly 0
        only where the value is decided to be 0 without rounding (e.g. ReLU of
        a signal that never rises above 0); a tiny value comes back with its
        digits.

    Raises
    ------
    VerificationError
        When the two computations do not agree to ``dps`` digits.
    PrecisionLimitError
        When ``dps`` is beyond what the method verifies in reasonable time,
        including a value so small next to the peak that the working precision
        it needs is beyond the method's limit (the message gives its magnitude,
        or a bound 10^-N when it cannot be separated from 0).

    Examples
    --------
    >>> import mpmath
    >>> sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> mpmath.nstr(exact_dc(sig, dps=30), 30)
    '0.574441695339480816488228995322'
    >>> mpmath.nstr(exact_dc(MultiTone(amplitudes=[1], frequencies=[3]), dps=20), 20)
    '0.31830988618379067154'
    >>> mpmath.nstr(exact_dc(MultiTone(amplitudes=["1e-300"], frequencies=[3]), dps=20), 20)
    '3.1830988618379067154e-301'
    >>> ball = exact_dc(sig, dps=50, enclosure=True)          # a proof: the DC lies inside
    >>> bool(ball.rad() < 1e-50 * ball.mid()), ball.contains(exact_dc(sig, dps=80))
    (True, True)
    """
    sig = check_signal(signal, "exact_dc")
    value = _coefficient(sig, None, activation, regime, dps, "exact_dc", enclosure)
    if enclosure:
        return real_ball(value, dps)
    with mpmath.workdps(dps):
        return +value.real


def exact_coefficient(
    signal: MultiTone, at: Any, activation: Any = "relu", regime: str = "auto", dps: int = 30,
    enclosure: bool = False,
) -> mpmath.mpc | flint.acb:
    r"""The true complex coefficient of ``activation(signal)`` at a frequency or multi-index.

    Convention (the core's): :math:`y(t) = c_0 + 2\,\mathrm{Re}\sum_{F>0} c_F e^{2\pi i F t}`,
    so a cosine of amplitude A at F has ``c_F = A/2``; a negative F gives the
    conjugate.

    Parameters
    ----------
    signal : MultiTone
    at : frequency or tuple of int
        Periodic regime: a frequency, which must be a multiple of the base
        frequency. Generic regime: a tuple k of K integers, the coefficient of
        ``exp(i k.(2 pi f t))`` (the tones' phases are included, as in
        :meth:`symrelu.Expansion.coefficient`). Mixed regime: a tuple of r
        integers (coordinates in ``signal.reduction.basis``) or a frequency in
        the lattice of the frequencies.
    activation, regime, dps
        As in :func:`exact_dc`.
    enclosure : bool
        As in :func:`exact_dc`: a :class:`flint.acb` ball, each part of radius
        at most 10^-dps of itself, or an exact 0 where the part is decided to
        vanish.

    Returns
    -------
    mpmath.mpc or flint.acb
        Each part rounded to ``dps`` digits relative to itself. A part is an
        exact 0 only where it is decided to vanish (a symmetry of the signal,
        an odd harmonic of ``|x|`` for a zero-offset signal of odd harmonics, a
        phase factor); any other part keeps its digits however small.

    Raises
    ------
    FrequencyNotPresentError
        For a frequency off the grid of multiples of the base frequency, or a
        multi-index of the wrong shape.

    Examples
    --------
    >>> import mpmath
    >>> sig = MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40])
    >>> mpmath.nstr(exact_coefficient(sig, 15, dps=20), 15)
    '(0.141760502677889 + 0.0j)'
    >>> mpmath.nstr(exact_coefficient(MultiTone(amplitudes=[2], frequencies=[1]), 1), 10)
    '(0.5 + 0.0j)'
    """
    sig = check_signal(signal, "exact_coefficient")
    return _coefficient(sig, at, activation, regime, dps, "exact_coefficient", enclosure)


def _coefficient(sig: MultiTone, at: Any, activation: Any, regime: str, dps: Any,
                 who: str, enclosure: bool = False) -> mpmath.mpc | flint.acb:
    act = as_activation(activation)       # resolved once
    if act.kind == "smooth":
        from symrelu.exact.smooth_values import smooth_coefficient

        return smooth_coefficient(sig, at, act, regime, dps, enclosure)
    if not isinstance(act, PiecewiseLinear):
        raise ActivationError(f"{act!r} is neither piecewise-linear nor smooth")
    if not act.is_kink_at_zero:
        from symrelu.exact.piecewise import pwl_coefficient

        return pwl_coefficient(sig, at, act, regime, dps, enclosure)
    _, lam, c = activation_weights(act)
    regime = resolve_regime(sig, regime)
    if regime == "periodic":
        dps = check_dps(dps, MAX_DPS_PERIODIC)
        n = 0 if at is None else harmonic_number(sig, at)
        if enclosure:
            ball = periodic_ball(sig, abs(n), lam, c, dps)
            return conjugate_ball(ball, dps) if n < 0 else ball
        value = periodic_coefficient(sig, abs(n), lam, c, dps)
        return mpmath.conj(value) if n < 0 else value
    if regime == "mixed" and enclosure:
        raise NoProofError("the mixed regime has no proven method yet; call without enclosure")
    if regime == "mixed":
        key = None if at is None else mixed_key(sig, at)
        red = sig.reduction
        return mixed_value(sig.amplitudes, red.vectors, sig.phases, sig.offset, key, act, dps)
    dps = check_dps(dps, MAX_DPS_GENERIC)
    key = (0,) * sig.K if at is None else multi_index(sig, at)
    if enclosure:
        return generic_ball(sig, key, lam, c, dps)
    return generic_coefficient(sig, key, lam, c, dps)
