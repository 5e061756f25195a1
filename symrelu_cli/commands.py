"""The light subcommands: ``coeffs``, ``expand`` and ``dc``.

Each writes a table (default), LaTeX or JSON to stdout. The JSON documents are
stable: every one has a ``"schema"`` key (``"symrelu.coeffs/1"``,
``"symrelu.expand/1"``, ``"symrelu.dc/1"``) whose version changes only when a
key is removed or changes meaning; new keys may be added. Exact values are
strings that :func:`symrelu.expr_parse.parse_expression` reads back; ``float``
companions are numbers, or null when the value is symbolic. See :mod:`symrelu.cli.schemas`.
"""

from __future__ import annotations

import argparse
import warnings
from typing import Any

from symrelu.cli._util import (
    CLIError,
    activation_name,
    emit,
    exact_text,
    json_text,
    number,
    text_table,
)

__all__ = [
    "cmd_coeffs",
    "cmd_expand",
    "cmd_dc",
    "coeffs_document",
    "expand_document",
    "dc_document",
    "parse_signal",
    "first_orders",
]

MAX_COEFFS = 10_000


def parse_signal(text: str):
    """``MultiTone.parse`` with the text trimmed (the CLI may pad a leading '-').

    Examples
    --------
    >>> parse_signal(" -1@5 + 2").to_string()
    '2 - 1@5'
    """
    from symrelu import MultiTone

    return MultiTone.parse(text.strip())


# ------------------------------------------------------------------- coeffs
def coeffs_document(n: int) -> dict:
    """The ``symrelu.coeffs/1`` JSON document for the first ``n`` coefficients.

    Examples
    --------
    >>> doc = coeffs_document(3)
    >>> doc["schema"], [c["a_n"] for c in doc["coefficients"]]
    ('symrelu.coeffs/1', ['1', '1/2', '-1/8'])
    """
    from symrelu import tail_bound, taylor_coefficients

    if isinstance(n, bool) or not isinstance(n, int) or n < 0 or n > MAX_COEFFS:
        raise CLIError(f"the number of coefficients must be an integer in 0..{MAX_COEFFS} "
                       f"(got {n!r})")
    coeffs = taylor_coefficients(n)
    return {
        "schema": "symrelu.coeffs/1",
        "n": n,
        "coefficients": [
            {"n": i, "a_n": exact_text(a), "float": float(a), "tail": exact_text(tail_bound(i))}
            for i, a in enumerate(coeffs)
        ],
    }


def cmd_coeffs(args: argparse.Namespace) -> int:
    """``symrelu coeffs N``."""
    fmt = "latex" if args.latex else args.format
    doc = coeffs_document(args.n)
    if fmt == "json":
        emit(json_text(doc))
        return 0
    if fmt == "latex":
        import sympy

        lines = [r"\begin{tabular}{rrr}", r"\toprule",
                 r"$n$ & $a_n$ & $\sum_{m>n}|a_m|$ \\", r"\midrule"]
        for c in doc["coefficients"]:
            a = sympy.latex(sympy.Rational(c["a_n"]))
            tail = sympy.latex(sympy.Rational(c["tail"]))
            lines.append(f"{c['n']} & ${a}$ & ${tail}$ \\\\")
        lines += [r"\bottomrule", r"\end{tabular}"]
        emit("\n".join(lines))
        return 0
    rows = [["n", "a_n", "a_n (float)", "tail sum_{m>n}|a_m|"]]
    rows += [[str(c["n"]), c["a_n"], repr(c["float"]), c["tail"]] for c in doc["coefficients"]]
    emit(text_table(rows))
    return 0


# ------------------------------------------------------------------- expand
def first_orders(e) -> dict:
    """{label: n}: the first power of g whose spectrum holds each output frequency.

    The linear part of the activation (order "x") is reported as -1 when a
    frequency appears only there.

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> first_orders(expand(MultiTone.parse("1@1"), order=2))
    {0: 0, 1: -1, 2: 1, 4: 2}
    """
    out: dict = {}
    if _is_lens(e):          # a polynomial lens has no powers of g
        return out
    for n in range(e.order + 1):
        for key in e.indices(order=n):
            out.setdefault(e.label(key), n)
    for key in e.indices():
        out.setdefault(e.label(key), -1)
    return dict(sorted(out.items(), key=lambda kv: _sort_key(kv[0])))


def _is_lens(e) -> bool:
    """Whether ``e`` is the polynomial lens of a smooth activation (symrelu.polylens)."""
    from symrelu.polylens import PolyLens

    return isinstance(e, PolyLens)


def _sort_key(label: Any):
    return (0, label) if isinstance(label, tuple) else (1, number(label) or 0.0, str(label))


def _expand(args: argparse.Namespace):
    from symrelu import expand

    sig = parse_signal(args.signal)
    try:
        order = int(args.order)
    except (TypeError, ValueError):
        raise CLIError(f"--order must be an integer (got {args.order!r})") from None
    if order > 200:
        raise CLIError(f"--order {order} is above the command line's limit of 200")
    center = args.center
    e = expand(sig, order=order, center=center, activation=args.activation, regime=args.regime)
    _check_document_cost(e)
    return sig, e


def _check_document_cost(e) -> None:
    """Refuse, before the work, an expansion whose document would exceed the limits."""
    from symrelu import budget
    from symrelu.trigpoly import estimate_terms

    terms = estimate_terms(e.model, e.order)
    budget.expansion_estimate(
        terms, e.order, regime=e.model.regime, symbolic=bool(e.model.params),
        what=f"the order-{e.order} expansion in the {e.regime} regime "
        f"({terms:.2g} polynomial terms) and its document",
        terms_at=lambda n: estimate_terms(e.model, n),
        seconds_factor=budget.DOCUMENT_SECONDS_FACTOR, memory_factor=budget.DOCUMENT_MEMORY_FACTOR,
    ).check()


def expand_document(e, *, center_name: str = "peak") -> dict:
    """The ``symrelu.expand/1`` JSON document of an expansion.

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> doc = expand_document(expand(MultiTone.parse("1@1"), order=2))
    >>> doc["schema"], doc["dc"]["exact"], [c["frequency"] for c in doc["coefficients"]]
    ('symrelu.expand/1', '15*sqrt(2)/64', ['0', '1', '2', '4'])
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spectrum = e.spectrum()
        dc = e.dc
    orders = first_orders(e)
    rows = []
    for label, c in spectrum.items():
        if e.regime == "periodic":
            freq, index = label, None
        else:
            freq, index = e.model.frequency(label), list(label)
        re_c, im_c = number(_re(c)), number(_im(c))
        rows.append({
            "frequency": exact_text(freq),
            "frequency_float": number(freq),
            "index": index,
            "first_order": orders.get(label),
            "c": exact_text(c),
            "re": re_c,
            "im": im_c,
            "amplitude": None if re_c is None or im_c is None
            else (2 * abs(complex(re_c, im_c)) if freq != 0 else abs(re_c)),
        })
    return {
        "schema": "symrelu.expand/1",
        "signal": e.signal.to_string(),
        "activation": activation_name(e.activation),
        "order": e.order,
        "center": {"name": center_name, "value": _center_text(e)},
        "regime": e.regime,
        "base_frequency": None if e.regime != "periodic"
        else exact_text(e.signal.base_frequency),
        "reduction": reduction_document(e.signal),
        "dc": {"exact": exact_text(dc), "float": number(dc)},
        "coefficients": rows,
        "certificate": certificate_document(e),
        "warnings": sorted({str(w.message) for w in caught}),
    }


def reduction_document(sig) -> dict:
    """The frequency relations of a signal (:attr:`symrelu.MultiTone.reduction`) as plain data.

    Examples
    --------
    >>> from symrelu import MultiTone
    >>> reduction_document(MultiTone.parse("1@1 + 1@2 + 1@sqrt(2)"))
    {'rank': 2, 'basis': ['1', 'sqrt(2)'], 'vectors': [[1, 0], [0, 1], [2, 0]], 'assumption': None}
    """
    red = sig.reduction
    return {"rank": red.rank, "basis": [exact_text(b) for b in red.basis],
            "vectors": [list(v) for v in red.vectors], "assumption": red.assumption}


def reduction_rows(sig, regime: str) -> list:
    """Table rows that state the reduced torus when it is not the obvious one.

    Nothing for rational frequencies in the periodic regime or independent tones in the
    generic one; otherwise the base frequencies, each tone's vector and any assumption.
    """
    red = sig.reduction
    rows = []
    plain = (regime == "periodic" and sig.has_rational_frequencies) or (
        regime == "generic" and red.is_trivial)
    if not plain and red.rank:
        basis = ", ".join(str(b) for b in red.basis)
        tones = ", ".join(f"{f} = {tuple(v) if len(v) > 1 else v[0]}"
                          for f, v in zip(sig.frequencies, red.vectors))
        rows.append(["frequency relations", f"rank {red.rank} over Q, base {basis}; {tones}"])
        if regime == "generic" and red.rank < sig.K:
            rows.append(["NOTE", "the generic regime treats every tone as independent: its "
                                 "torus average is not the time average of this signal"])
    if red.assumption:
        rows.append(["assumption", red.assumption])
    return rows


def _re(c):
    import sympy

    return sympy.re(c)


def _im(c):
    import sympy

    return sympy.im(c)


def cmd_expand(args: argparse.Namespace) -> int:
    """``symrelu expand SIGNAL``."""
    sig, e = _expand(args)
    if args.format == "latex":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            emit(e.latex() if _is_lens(e) else e.latex(max_terms=max(1, int(args.max_terms))))
        return 0
    doc = expand_document(e, center_name=str(args.center))
    if args.format == "json":
        emit(json_text(doc))
        return 0
    certs = e.certificate if isinstance(e.certificate, tuple) else (e.certificate,)
    head = [
        ["signal", sig.to_string()],
        ["activation", f"{doc['activation']}, order N = {e.order}, center {args.center}: "
                       f"C = {doc['center']['value']}, {e.regime} regime"],
        *reduction_rows(sig, e.regime),
        *(["certificate", " | ".join(str(cert).splitlines())] for cert in certs),
        ["DC", f"{doc['dc']['exact']}" + (f" = {doc['dc']['float']!r}"
                                           if doc["dc"]["float"] is not None else "")],
    ]
    for w in doc["warnings"]:
        head.append(["WARNING", w])
    periodic = e.regime == "periodic"
    rows = [["F" if periodic else "k (F)", "first order", "c_F (exact)", "amplitude"]]
    for r in doc["coefficients"]:
        label = r["frequency"] if periodic else f"{tuple(r['index'])} ({r['frequency']})"
        order = "x" if r["first_order"] == -1 else str(r["first_order"])
        amp = "" if r["amplitude"] is None else f"{r['amplitude']:.10g}"
        rows.append([label, order, r["c"], amp])
    emit(text_table(head) + "\n\n" + text_table(rows) + "\n\n"
          "c_F: y(t) = c_0 + 2 Re sum_F c_F exp(2 pi i F t); amplitude = 2|c_F| (|c_0| for DC); "
          "first order: the power of g where F first appears (x: the linear part)")
    return 0


# ----------------------------------------------------------------------- dc
def _center_text(e) -> str:
    """C, the kinks' centers "C_1, C_2, ..." of a per-kink expansion, or a polynomial lens'
    interval "[-P, P]"."""
    if _is_lens(e):
        return f"[-{exact_text(e.half_width)}, {exact_text(e.half_width)}]"
    if isinstance(e.center, tuple):
        return ", ".join(exact_text(c) for c in e.center)
    return exact_text(e.center)


def certificate_document(e) -> dict:
    """The certificate's JSON: the Expansion's, or for a per-kink expansion (a tuple of
    certificates) ``{"kinks": [{"t", "c", ...}], "converges", "sup_error_bound"}``.

    Examples
    --------
    >>> from symrelu import MultiTone, expand
    >>> doc = certificate_document(expand(MultiTone.parse("1@1"), order=2, activation="relu6"))
    >>> [k["t"] for k in doc["kinks"]], doc["converges"]
    (['0', '6'], True)
    """
    cert = e.certificate
    if _is_lens(e):
        import dataclasses

        return {k: v if v is None or isinstance(v, (bool, int, str)) else str(v)
                for k, v in dataclasses.asdict(cert).items()}
    if not isinstance(cert, tuple):
        return cert.to_dict()
    bound = e.sup_error_bound
    return {
        "kinks": [dict(c.to_dict(), t=exact_text(t), c=exact_text(w))
                  for (t, w), c in zip(e.kinks, cert)],
        "converges": e.converges,
        "sup_error_bound": None if bound is None else str(bound),
    }


def dc_document(sig, *, activation: str = "relu", generic: bool = False,
                digits: int = 30) -> dict:
    """The ``symrelu.dc/1`` JSON document: exact DC and the paper's approximations.

    Needs :func:`symrelu.exact_dc`.
    """
    import sympy

    from symrelu import as_activation, exact_dc, expand

    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 1000:
        raise CLIError(f"--digits must be an integer in 1..1000 (got {digits!r})")
    from symrelu.trigpoly import resolve_regime

    act = as_activation(activation)
    regime = "generic" if generic else resolve_regime(sig, "auto")
    value = exact_dc(sig, activation=act, regime=regime, dps=digits)
    import mpmath

    # fixed notation down to 1e-6, scientific below (a tiny DC keeps its digits on screen)
    text = mpmath.nstr(value, digits, min_fixed=-6, max_fixed=digits + 6) \
        if isinstance(value, mpmath.mpf) else str(value)
    approx = {}
    for name, center in (("order0_mean_square", "mean_square"), ("order0_peak", "peak")):
        try:
            e = expand(sig, order=0, center=center, activation=act, regime=regime)
            v = sympy.radsimp(sympy.expand(e.dc_unchecked))  # the paper's value, even divergent
        except Exception:  # noqa: BLE001 - an approximation we cannot form is left out
            continue
        fv = number(v)
        rel = None if fv is None or float(value) == 0 else fv / float(value) - 1
        approx[name] = {"exact": exact_text(v), "float": fv, "relative_error": rel}
    return {
        "schema": "symrelu.dc/1",
        "signal": sig.to_string(),
        "activation": activation_name(act),
        "regime": regime,
        "reduction": reduction_document(sig),
        "digits": digits,
        "dc": text,
        "approximations": approx,
    }


def cmd_dc(args: argparse.Namespace) -> int:
    """``symrelu dc SIGNAL [--convergence N]``.

    With ``--convergence N`` the ``symrelu.dc/1`` document gains a
    ``"convergence"`` key holding the ``symrelu.convergence/1`` document
    (see :mod:`symrelu.cli.exact_cmd`), and the table gains its rows.
    """
    sig = parse_signal(args.signal)
    doc = dc_document(sig, activation=args.activation, generic=args.generic,
                      digits=args.digits)
    conv = None
    if getattr(args, "convergence", None) is not None:
        from symrelu.cli.exact_cmd import convergence_document

        conv = convergence_document(sig, orders=args.convergence, center=args.center,
                                    activation=args.activation, generic=args.generic,
                                    digits=min(args.digits, 30))
        doc["convergence"] = conv
    if args.format == "json":
        emit(json_text(doc))
        return 0
    rows = [["signal", doc["signal"]],
            ["activation", f"{doc['activation']} ({doc['regime']} regime)"],
            *reduction_rows(sig, doc["regime"]),
            [f"exact DC ({doc['digits']} digits)", doc["dc"]]]
    labels = {"order0_mean_square": "order-0 Taylor, C = mean(x^2) (paper eq. 8)",
              "order0_peak": "order-0 Taylor, C = peak^2/2"}
    for key, a in doc["approximations"].items():
        if a["float"] is not None and a["relative_error"] is not None:
            rows.append([labels[key], f"{a['exact']} = {a['float']:.12g} "
                                      f"({100 * a['relative_error']:+.2f}% vs exact)"])
    text = text_table(rows)
    if conv is not None:
        from symrelu.cli.exact_cmd import convergence_rows_table

        verdict = {True: "converges", False: "DIVERGES (no bound)", None: "undecided"}
        text += (f"\n\ntruncated Taylor DC, center {conv['center']['name']} "
                 f"({verdict[conv['converges']]}):\n" + convergence_rows_table(conv))
    emit(text)
    return 0
