"""Which guarantee an exact value carries: :func:`guarantee`, without computing the value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from symrelu._values import value_text
from symrelu.activations import PiecewiseLinear, as_activation
from symrelu.errors import SymreluError
from symrelu.exact._common import activation_weights, check_dps, check_signal, normalized
from symrelu.exact.balls import arb_of, arb_precision
from symrelu.exact.bessel import check_bessel_cost
from symrelu.exact.generic import (
    MAX_DPS_GENERIC,
    exact_generic_sign_value,
    exact_generic_value,
    generic_method,
)
from symrelu.exact.periodic import is_proven
from symrelu.exact.values import MAX_DPS_PERIODIC
from symrelu.signal import MultiTone
from symrelu.trigpoly import resolve_regime

__all__ = ["Guarantee", "guarantee", "KINDS"]


class GuaranteeKindError(SymreluError, ValueError):
    """A Guarantee was built with a kind outside :data:`KINDS`."""


#: The kinds of guarantee, strongest first.
KINDS = ("proven", "two independent methods", "two precisions", "refused")

_PERIODIC_PROOF = (
    "ball arithmetic (Arb): the zeros of x on one period are isolated by interval Newton, the "
    "sign of x is proven between them, tangencies and close zeros are clusters whose share is "
    "bounded, and the closed-form antiderivatives are evaluated in balls"
)


_BESSEL_PROOF = (
    "the Bessel integral in Arb balls: [0, U] by acb.integral (Gauss-Legendre with a rigorous "
    "error bound), [U, oo) by Hankel expansions whose remainders are bounded by their first "
    "neglected terms (DLMF 10.17(iii)), each frequency integrated along a ray by acb.integral"
)


@dataclass(frozen=True)
class Guarantee:
    """What :func:`symrelu.exact_dc` / :func:`symrelu.exact_coefficient` would guarantee.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`: "proven" (a ball that contains the true value;
        ``enclosure=True`` returns it, the default call rounds it), "two
        independent methods" (two computations that share neither formula nor
        quadrature agree to ``dps`` digits: evidence, not proof; the mixed
        regime), "two precisions" (the proven engine run twice on inputs it
        cannot evaluate in balls: evidence), "refused" (the call raises, for
        the reason given).
    reason : str
        Why, in words.

    Examples
    --------
    >>> g = Guarantee("proven", "a closed form in balls")
    >>> print(g), g.proven
    proven: a closed form in balls
    (None, True)
    """

    kind: str
    reason: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise GuaranteeKindError(f"a guarantee's kind is one of {KINDS} (got {self.kind!r})")

    @property
    def proven(self) -> bool:
        """Whether the value comes with a proof (``enclosure=True`` is available)."""
        return self.kind == "proven"

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"


def guarantee(signal: MultiTone, dps: int = 30, at: Any = None, regime: str = "auto",
              activation: Any = "relu") -> Guarantee:
    """The guarantee :func:`symrelu.exact_dc` (``at=None``) or :func:`symrelu.exact_coefficient`
    would give for these arguments, and why; cheap (nothing is integrated).

    Examples
    --------
    >>> from symrelu.signal import MultiTone
    >>> guarantee(MultiTone(amplitudes=[1, 1, 1, 1], frequencies=[5, 10, 20, 40]), dps=50).kind
    'proven'
    >>> g = MultiTone(amplitudes=[1, "0.7", "0.4"], frequencies=[1, "sqrt(2)", "sqrt(3)"])
    >>> print(guarantee(g, dps=25))     # doctest: +ELLIPSIS
    proven: the Bessel integral in Arb balls: ...
    >>> guarantee(g, dps=500).kind
    'refused'
    >>> print(guarantee(g, dps=20, activation="hardtanh"))   # doctest: +ELLIPSIS
    proven: a sum of proven balls: the kink at -1 and the kink at 1 by the Bessel integral ...
    >>> guarantee(MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)"), activation="sign").kind
    'refused'
    """
    try:
        sig = check_signal(signal, "guarantee")
        act = as_activation(activation)
        if act.kind == "smooth":
            from symrelu.exact.smooth_values import smooth_guarantee

            return smooth_guarantee(sig, dps, at, regime, act)
        if isinstance(act, PiecewiseLinear) and not act.is_kink_at_zero:
            return _piecewise_guarantee(sig, dps, at, regime, act)
        _, lam, c = activation_weights(act)
        regime = resolve_regime(sig, regime)
        if regime == "periodic":
            check_dps(dps, MAX_DPS_PERIODIC)
            if isinstance(at, (tuple, list)):
                return Guarantee("refused", "in the periodic regime a coefficient is addressed "
                                 f"by a frequency, not the multi-index {value_text(at)}")
            if is_proven(sig, lam, c):
                return Guarantee("proven", _PERIODIC_PROOF)
            return Guarantee("two precisions", "a value of the signal has no ball evaluation "
                             "here, so the proven engine runs at two precisions on values from "
                             "mpmath and the two must agree")
        if regime == "mixed":
            return Guarantee("two independent methods", "the reduced-torus integral in both "
                             "orders of integration (symrelu.exact.mixed), which must agree")
        check_dps(dps, MAX_DPS_GENERIC)
        key = (0,) * sig.K if at is None else at
        if not isinstance(key, (tuple, list)) or len(key) != sig.K:
            return Guarantee("refused", f"a torus coefficient is addressed by a tuple of {sig.K} "
                             f"integers, not {value_text(at)}")
        key = tuple(key)
        if exact_generic_value(sig, key, lam, c) is not None:
            return Guarantee("proven", "exact: no integral is needed (x keeps one sign, the "
                             "activation is linear, or a symmetry makes the value 0)")
        method = generic_method(sig, key)
        if method == "one tone":
            return Guarantee("proven", "the single-tone closed forms (arccos, square root) "
                             "evaluated in Arb balls")
        if method == "two-tone elliptic":
            return Guarantee("proven", "the two-tone closed form (4/pi^2)(A+B)E(4AB/(A+B)^2) "
                             "evaluated in Arb balls")
        scaled, _ = normalized(sig)
        with arb_precision(64):                 # every value must have a ball evaluation
            for value in (*scaled.amplitudes, scaled.offset, *scaled.phases):
                arb_of(value)
        check_bessel_cost(scaled.amplitudes, key, scaled.offset, dps)
        return Guarantee("proven", _BESSEL_PROOF)
    except SymreluError as exc:
        return Guarantee("refused", str(exc))


_BESSEL_SIGN_PROOF = (
    "the Bessel integral of the sign kernel, sign(x) = (2/pi) int_0^oo sin(u x)/u du, in Arb "
    "balls (the head by acb.integral, the Hankel tail with proven remainders)"
)


def _piecewise_guarantee(sig: MultiTone, dps: int, at: Any, regime: str,
                         act: PiecewiseLinear) -> Guarantee:
    """The guarantee of a :class:`PiecewiseLinear` other than lambda x + c|x|: each kink is
    |x - t| (the |x| engine on the shifted signal), each jump sign(x - t); their balls are
    summed (symrelu.exact.piecewise), so the value is proven where every term is."""
    from symrelu.exact.periodic import is_proven
    from symrelu.exact.piecewise import MAX_SUM_EXTRA_DIGITS
    from symrelu.piecewise_expansion import shifted

    regime = resolve_regime(sig, regime)
    tail = (f"; the balls are summed, the terms recomputed with up to {MAX_SUM_EXTRA_DIGITS} "
            "more digits while their sum cancels")
    if regime == "periodic":
        check_dps(dps, MAX_DPS_PERIODIC)
        if isinstance(at, (tuple, list)):
            return Guarantee("refused", "in the periodic regime a coefficient is addressed "
                             f"by a frequency, not the multi-index {value_text(at)}")
        values = [(act.intercept, act.linear), *act.kinks, *act.jumps]
        if all(is_proven(sig, u, v) for u, v in values):
            return Guarantee("proven", _PERIODIC_PROOF + ", for each kink |x - t| and each jump "
                             "sign(x - t) (e^(-i n tau) integrated between the zeros)" + tail)
        return Guarantee("two precisions", "a value of the signal or the activation has no "
                         "ball evaluation here, so the proven engine runs at two precisions on "
                         "values from mpmath and the two must agree")
    if regime == "mixed":
        if act.jumps:
            return Guarantee("refused", "the mixed regime computes |x| only, not the jumps "
                             "(sign terms) of this activation")
        return Guarantee("two independent methods", "each kink |x - t| by the reduced-torus "
                         "integral in both orders of integration (symrelu.exact.mixed), which "
                         "must agree; the sum is checked to the requested relative digits")
    check_dps(dps, MAX_DPS_GENERIC)
    key = (0,) * sig.K if at is None else at
    if not isinstance(key, (tuple, list)) or len(key) != sig.K:
        return Guarantee("refused", f"a torus coefficient is addressed by a tuple of {sig.K} "
                         f"integers, not {value_text(at)}")
    key = tuple(key)
    reasons: dict[str, list[str]] = {}      # reason -> the terms it covers
    for t, _ in act.kinks:
        xt = shifted(sig, t)
        if xt is None:
            continue
        g = guarantee(xt, dps, key, "generic", "abs")
        if not g.proven:
            return Guarantee(g.kind, f"the kink at {t}: {g.reason}")
        reasons.setdefault(g.reason, []).append(f"the kink at {t}")
    for t, _ in act.jumps:
        xt = shifted(sig, t)
        if xt is None:
            continue
        if exact_generic_sign_value(xt, key) is not None:
            why = "exact: x - t keeps one sign, or a symmetry makes the value 0"
        elif xt.K == 1:
            why = "the single-tone arccos closed form in Arb balls"
        else:
            scaled, _ = normalized(xt)
            with arb_precision(64):
                for value in (*scaled.amplitudes, scaled.offset, *scaled.phases):
                    arb_of(value)
            check_bessel_cost(scaled.amplitudes, key, scaled.offset, dps)
            why = _BESSEL_SIGN_PROOF
        reasons.setdefault(why, []).append(f"the jump at {t}")
    if not reasons:
        return Guarantee("proven", "exact: the activation is linear on the signal's range")
    parts = [" and ".join(terms) + " by " + why for why, terms in reasons.items()]
    return Guarantee("proven", "a sum of proven balls: " + "; ".join(parts) + tail)
