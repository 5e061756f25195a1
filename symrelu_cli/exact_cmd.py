"""The exact-values subcommands: ``convergence``, ``coefficient`` and ``closed-form``.

They put the exact layer (:func:`symrelu.convergence_table`,
:func:`symrelu.exact_coefficient`, :func:`symrelu.closed_form`) on the command
line. Like the other light commands they print a table (default), JSON or
LaTeX; the JSON documents carry a ``"schema"`` key:

``symrelu.convergence/1``
    ``signal, activation, regime, center {name, value}, digits, exact_dc,
    converges, rows [{order, truncated, value, float, error, error_float,
    relative_error, bound, bound_float, bound_holds}], paper_order0``.
    ``truncated`` is the exact truncated DC (sympy text); ``value``, ``error``
    and ``bound`` are decimal strings to ``digits`` digits; ``bound`` is null
    when the series diverges. ``paper_order0`` is the paper's order-0 value
    (eq. 8: center mean(x^2)) with its gap to the exact DC, or null when it
    cannot be formed.
``symrelu.coefficient/1``
    ``signal, activation, regime, at {frequency, frequency_float, index},
    digits, c {re, im}, amplitude, phase``: the true complex coefficient
    (convention ``y = c_0 + 2 Re sum_F c_F e^{2 pi i F t}``), its cosine
    amplitude (2|c_F|, or |c_0| at DC) and phase, as decimal strings.
``symrelu.closed_form/1``
    ``signal, activation, kind ("fourier_series" or "dc"), regime,
    expression, latex, dc {exact, latex, float}, note``.

Bad input (a signal or option the exact layer refuses, a frequency off the
grid, a signal without a closed form) is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import re
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
from symrelu.cli.commands import parse_signal

from symrelu.expr_parse import parse_expression

__all__ = [
    "MAX_ORDERS",
    "MAX_DIGITS",
    "convergence_document",
    "coefficient_document",
    "closed_form_document",
    "parse_at",
    "cmd_convergence",
    "cmd_coefficient",
    "cmd_closed_form",
    "convergence_rows_table",
]

#: largest order of the convergence table on the command line (as ``expand``)
MAX_ORDERS = 200
#: most digits the command line asks the exact layer for
MAX_DIGITS = 1000


def _check_int(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise CLIError(f"{name} must be an integer in {lo}..{hi} (got {value!r})")
    return value


def _nstr(value: Any, digits: int) -> str:
    """A decimal string of an mpmath number to ``digits`` significant digits, no exponent
    switching for ordinary magnitudes.

    Examples
    --------
    >>> import mpmath
    >>> _nstr(mpmath.mpf(1) / 3, 5)
    '0.33333'
    """
    import mpmath

    return mpmath.nstr(value, digits, min_fixed=-6, max_fixed=digits + 6)


def _regime(sig: Any, generic: bool) -> str:
    """The regime "auto" picks from the frequency relations, or "generic" when asked for."""
    from symrelu.trigpoly import resolve_regime

    return "generic" if generic else resolve_regime(sig, "auto")


# -------------------------------------------------------------- convergence
def convergence_document(sig: Any, *, orders: int = 10, center: str = "peak",
                         activation: str = "relu", generic: bool = False,
                         digits: int = 20) -> dict:
    """The ``symrelu.convergence/1`` document: truncated Taylor DC per order vs the exact DC.

    Parameters
    ----------
    sig : MultiTone
    orders : int
        Last order N (rows 0..N).
    center : str
        "peak", "mean_square" or a positive value (as ``symrelu expand``).
    activation : str
    generic : bool
        Force the generic (torus) regime.
    digits : int
        Digits of the exact DC, the errors and the bounds.

    Examples
    --------
    >>> doc = convergence_document(parse_signal("1@1"), orders=2, center="mean_square",
    ...                            digits=12)
    >>> doc["schema"], [r["truncated"] for r in doc["rows"]]
    ('symrelu.convergence/1', ['sqrt(2)/4', 'sqrt(2)/4', '15*sqrt(2)/64'])
    >>> doc["exact_dc"], all(r["bound_holds"] for r in doc["rows"])
    ('0.318309886184', True)
    >>> round(doc["paper_order0"]["relative_error"], 6)
    0.110721
    """
    import mpmath

    from symrelu import convergence_table
    orders = _check_int(orders, "--orders", 0, MAX_ORDERS)
    digits = _check_int(digits, "--digits", 1, MAX_DIGITS)
    regime = "generic" if generic else "auto"
    center_arg = center
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # divergence is reported in the document
        tab = convergence_table(sig, orders=orders, center=center_arg, activation=activation,
                                regime=regime, dps=digits)
    exact = tab.exact
    rows = []
    with mpmath.workdps(digits + 5):
        for r in tab.rows:
            rel = None if exact == 0 else float(r.value / exact - 1)
            rows.append({
                "order": r.order,
                "truncated": exact_text(r.truncated),
                "value": _nstr(r.value, digits),
                "float": float(r.value),
                "error": _nstr(r.error, min(digits, 6)),
                "error_float": float(r.error),
                "relative_error": rel,
                "bound": None if r.bound is None else _nstr(r.bound, min(digits, 6)),
                "bound_float": None if r.bound is None else float(r.bound),
                "bound_holds": r.bound_holds,
            })
        exact_str = _nstr(exact, digits)
    from symrelu import SymreluError, expand

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            center_value = exact_text(expand(sig, order=0, center=center_arg,
                                             activation=activation, regime=regime).center)
    except SymreluError:  # the table already succeeded; the value is a courtesy
        center_value = None
    return {
        "schema": "symrelu.convergence/1",
        "signal": sig.to_string(),
        "activation": activation_name(_as_activation(activation)),
        "regime": _regime(sig, generic),
        "center": {"name": str(center), "value": center_value},
        "digits": digits,
        "exact_dc": exact_str,
        "converges": tab.converges,
        "rows": rows,
        "paper_order0": _paper_order0(sig, activation, regime, exact),
    }


def _as_activation(activation: Any):
    from symrelu import as_activation

    return as_activation(activation)


def _paper_order0(sig: Any, activation: Any, regime: str, exact: Any) -> dict | None:
    """The paper's order-0 DC (eq. 8: center mean(x^2)) and its gap to the exact DC."""
    import sympy

    from symrelu import expand

    try:
        e = expand(sig, order=0, center="mean_square", activation=activation, regime=regime)
        v = sympy.radsimp(sympy.expand(e.dc_unchecked))  # the paper's value, even divergent
    except Exception:  # noqa: BLE001 - e.g. a zero mean square: the comparison is left out
        return None
    fv = number(v)
    if fv is None:
        return None
    ex = float(exact)
    return {"exact": exact_text(v), "float": fv, "error": abs(fv - ex),
            "relative_error": None if ex == 0 else fv / ex - 1}


def convergence_rows_table(doc: dict) -> str:
    """The plain-text table of a ``symrelu.convergence/1`` document (also used by ``dc``).

    Examples
    --------
    >>> doc = convergence_document(parse_signal("1@1"), orders=1, digits=10)
    >>> convergence_rows_table(doc).splitlines()[0].split("  ")[:2]
    ['N', 'truncated DC (exact)']
    """
    rows = [["N", "truncated DC (exact)", "value", "vs exact", "error", "bound",
             "error <= bound"]]
    for r in doc["rows"]:
        trunc = r["truncated"] if len(r["truncated"]) <= 30 else "(see --format json)"
        rel = "" if r["relative_error"] is None else f"{100 * r['relative_error']:+.3f}%"
        holds = {True: "yes", False: "NO", None: "-"}[r["bound_holds"]]
        rows.append([str(r["order"]), trunc, r["value"], rel, r["error"],
                     "-" if r["bound"] is None else r["bound"], holds])
    return text_table(rows)


def _convergence_head(doc: dict) -> list[list[str]]:
    verdict = {True: "converges (certificate)", False: "DIVERGES for this center: no bound, "
               "the rows do not approach the exact DC", None: "undecided"}[doc["converges"]]
    center = doc["center"]["name"] + (f" (C = {doc['center']['value']})"
                                      if doc["center"]["value"] is not None else "")
    head = [["signal", doc["signal"]],
            ["activation", f"{doc['activation']} ({doc['regime']} regime), center {center}"],
            [f"exact DC ({doc['digits']} digits)", doc["exact_dc"]],
            ["series", verdict]]
    p = doc["paper_order0"]
    if p is not None and p["relative_error"] is not None:
        head.append(["paper's order 0 (eq. 8, C = mean(x^2))",
                     f"{p['exact']} = {p['float']:.12g}, {100 * p['relative_error']:+.2f}% vs "
                     f"exact (error {p['error']:.3g})"])
    return head


def convergence_latex(doc: dict) -> str:
    r"""A booktabs table of a ``symrelu.convergence/1`` document.

    Examples
    --------
    >>> doc = convergence_document(parse_signal("1@1"), orders=0, digits=8)
    >>> print(convergence_latex(doc).splitlines()[2])
    $N$ & truncated DC & value & error & bound \\
    """
    import sympy

    lines = [r"\begin{tabular}{rllll}", r"\toprule",
             r"$N$ & truncated DC & value & error & bound \\", r"\midrule"]
    for r in doc["rows"]:
        tex = sympy.latex(parse_expression(r["truncated"]))
        tex = f"${tex}$" if len(tex) <= 60 else "--"
        bound = "--" if r["bound"] is None else r["bound"]
        lines.append(f"{r['order']} & {tex} & {r['value']} & {r['error']} & {bound} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def cmd_convergence(args: argparse.Namespace) -> int:
    """``symrelu convergence SIGNAL --orders N``."""
    sig = parse_signal(args.signal)
    doc = convergence_document(sig, orders=args.orders, center=args.center,
                               activation=args.activation, generic=args.generic,
                               digits=args.digits)
    if args.format == "json":
        emit(json_text(doc))
    elif args.format == "latex":
        emit(convergence_latex(doc))
    else:
        emit(text_table(_convergence_head(doc)) + "\n\n" + convergence_rows_table(doc))
    return 0


# -------------------------------------------------------------- coefficient
_INT = re.compile(r"^\s*[+-]?\d+\s*$")


def parse_at(text: str, sig: Any, generic: bool) -> Any:
    """AT on the command line: a frequency (periodic) or comma-separated integers (generic).

    Examples
    --------
    >>> sig = parse_signal("1@5 + 1@10")
    >>> parse_at("15", sig, False), parse_at("1,-1", sig, True)
    (15, (1, -1))
    """
    from symrelu import to_exact

    text = str(text).strip()
    regime = _regime(sig, generic)
    if regime == "generic":
        parts = text.split(",")
        if not all(_INT.match(p) for p in parts):
            raise CLIError(f"AT {text!r}: in the generic regime give a multi-index, "
                           f"{sig.K} comma-separated integers (one per tone), e.g. "
                           f"{','.join(['1'] + ['0'] * max(0, sig.K - 1))}")
        index = tuple(int(p) for p in parts)
        if len(index) != sig.K:
            raise CLIError(f"AT {text!r}: the signal has {sig.K} tones, so the multi-index "
                           f"needs {sig.K} integers (got {len(index)})")
        return index
    if regime == "mixed" and "," in text:
        r = sig.reduction.rank
        parts = text.split(",")
        if len(parts) != r or not all(_INT.match(p) for p in parts):
            raise CLIError(f"AT {text!r}: in the mixed regime give a frequency or {r} "
                           "comma-separated integers, coordinates in the base frequencies "
                           f"{', '.join(map(str, sig.reduction.basis))}")
        return tuple(int(p) for p in parts)
    if "," in text:
        raise CLIError(f"AT {text!r}: a multi-index needs --generic; in the periodic regime "
                       "give a frequency (a multiple of the base frequency "
                       f"{sig.base_frequency})")
    return to_exact(text, "AT (frequency)")


def coefficient_document(sig: Any, at: Any, *, activation: str = "relu",
                         generic: bool = False, digits: int = 20) -> dict:
    """The ``symrelu.coefficient/1`` document: the true coefficient at a frequency or index.

    Examples
    --------
    >>> doc = coefficient_document(parse_signal("1@1"), "2", digits=12)
    >>> doc["schema"], doc["c"]["re"], doc["amplitude"]
    ('symrelu.coefficient/1', '0.106103295395', '0.212206590789')
    """
    import mpmath

    from symrelu import exact_coefficient
    digits = _check_int(digits, "--digits", 1, MAX_DIGITS)
    key = parse_at(at, sig, generic) if isinstance(at, str) else at
    regime = _regime(sig, generic)
    c = exact_coefficient(sig, key, activation=activation,
                          regime="generic" if generic else "auto", dps=digits)
    if regime == "generic":
        index = list(key)
        freq = sum((k * f for k, f in zip(key, sig.frequencies, strict=True)), 0)
    else:
        index, freq = None, key
    is_dc = bool(freq == 0) if index is None else all(k == 0 for k in index)
    with mpmath.workdps(digits + 5):
        amp = abs(c.real) if is_dc else 2 * abs(c)
        phase = mpmath.arg(c) if c != 0 else mpmath.mpf(0)
        return {
            "schema": "symrelu.coefficient/1",
            "signal": sig.to_string(),
            "activation": activation_name(_as_activation(activation)),
            "regime": regime,
            "at": {"frequency": exact_text(freq), "frequency_float": number(freq),
                   "index": index},
            "digits": digits,
            "c": {"re": _nstr(c.real, digits), "im": _nstr(c.imag, digits)},
            "amplitude": _nstr(amp, digits),
            "phase": _nstr(phase, digits),
        }


def cmd_coefficient(args: argparse.Namespace) -> int:
    """``symrelu coefficient SIGNAL AT``."""
    sig = parse_signal(args.signal)
    doc = coefficient_document(sig, args.at, activation=args.activation,
                               generic=args.generic, digits=args.digits)
    if args.format == "json":
        emit(json_text(doc))
        return 0
    at = doc["at"]
    where = (f"F = {at['frequency']}" if at["index"] is None
             else f"k = ({', '.join(map(str, at['index']))}), F = k.f = {at['frequency']}")
    rows = [["signal", doc["signal"]],
            ["activation", f"{doc['activation']} ({doc['regime']} regime)"],
            ["at", where],
            [f"c_F ({doc['digits']} digits)", f"{doc['c']['re']} + {doc['c']['im']} i"],
            ["amplitude (2|c_F|, |c_0| at DC)", doc["amplitude"]],
            ["phase arg c_F (rad)", doc["phase"]]]
    emit(text_table(rows) + "\n\nconvention: y(t) = c_0 + 2 Re sum_F c_F exp(2 pi i F t)")
    return 0


# -------------------------------------------------------------- closed form
def closed_form_document(sig: Any, *, activation: str = "relu", generic: bool = False) -> dict:
    """The ``symrelu.closed_form/1`` document, or a one-line error where none exists.

    Single tone (any offset): the Fourier series of act(x). Two tones with zero
    offset: the DC in the generic regime (elliptic E); for commensurate
    frequencies that is not the time average, so it needs ``generic=True``.

    Examples
    --------
    >>> doc = closed_form_document(parse_signal("A@w"))
    >>> doc["schema"], doc["kind"], doc["dc"]["exact"]
    ('symrelu.closed_form/1', 'fourier_series', 'Abs(A)/pi')
    """
    from symrelu import NoClosedFormError, closed_form, closed_form_dc, latex

    act = _as_activation(activation)
    K = sig.K
    if K == 2:
        if not generic and _regime(sig, False) == "periodic":
            raise CLIError(
                "the two-tone closed form is the generic (torus) DC; these frequencies are "
                f"commensurate (base {sig.base_frequency}), where the time average differs: "
                "pass --generic for the torus value, or use 'symrelu dc' for this signal")
        kind, note = "dc", ("generic regime: the average over the torus of phases (the time "
                            "average for incommensurate frequencies)")
    elif K == 1:
        kind, note = "fourier_series", "t is time; Sum over m is the harmonic series"
    else:
        raise NoClosedFormError(
            f"no closed form for a signal with {K} tones (closed forms exist for one tone, "
            "with or without offset, and for the DC of two tones without offset); use "
            "'symrelu dc' or 'symrelu coefficient' for exact numbers")
    regime = "generic" if generic else "auto"
    expr = closed_form(sig, act, regime=regime)
    dc = expr if kind == "dc" else closed_form_dc(sig, act, regime)
    return {
        "schema": "symrelu.closed_form/1",
        "signal": sig.to_string(),
        "activation": activation_name(act),
        "kind": kind,
        "regime": "generic" if kind == "dc" else _regime(sig, generic),
        "expression": exact_text(expr),
        "latex": latex(expr),
        "dc": {"exact": exact_text(dc), "latex": latex(dc), "float": number(dc)},
        "note": note,
    }


def cmd_closed_form(args: argparse.Namespace) -> int:
    """``symrelu closed-form SIGNAL``."""
    sig = parse_signal(args.signal)
    doc = closed_form_document(sig, activation=args.activation, generic=args.generic)
    fmt = "latex" if args.latex else args.format
    if fmt == "json":
        emit(json_text(doc))
        return 0
    if fmt == "latex":
        lhs = "y(t)" if doc["kind"] == "fourier_series" else r"\overline{y}"
        emit(f"{lhs} = {doc['latex']}")
        return 0
    name = {"fourier_series": "act(x(t))", "dc": "mean of act(x)"}[doc["kind"]]
    dc = doc["dc"]["exact"] + (f" = {doc['dc']['float']!r}" if doc["dc"]["float"] is not None
                               else "")
    rows = [["signal", doc["signal"]],
            ["activation", f"{doc['activation']} ({doc['regime']} regime)"],
            [name, doc["expression"]],
            ["DC", dc],
            ["note", doc["note"]]]
    emit(text_table(rows))
    return 0
