"""What every derivation module shares: the result object, checks, LaTeX helpers, numerics.

How to add a new derivation
---------------------------
1. Create ``derivations/secN_topic.py`` with ``KEY``, ``SECTION``, ``TITLE`` and
   ``derive(config: DeriveConfig | None = None) -> Derivation``.
2. Derive with :mod:`symrelu` (exact values); turn them into numbers only
   through :mod:`symrelu.numeric` (or :func:`sample_fft` here) and compare with
   :func:`check`, which *asserts* (a failed check raises
   :class:`DerivationCheckError`).
3. Build the LaTeX fragment with :class:`Fragment` (paragraphs, display
   equations, booktabs tables, figures, and ``correction`` boxes where the
   paper's statement is corrected).
4. Add the module to ``derivations.STEPS`` and to ``derivations/README.md``.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symrelu.errors import SymreluError

__all__ = [
    "DeriveConfig",
    "Derivation",
    "DerivationCheckError",
    "ExperimentConfigError",
    "Check",
    "check",
    "close",
    "Fragment",
    "tex_escape",
    "sample_fft",
    "main_for",
    "run_experiment",
    "experiment_figures",
    "verbatim",
]


class DerivationCheckError(AssertionError):
    """A numeric check of a derivation failed: the derivation is wrong or the code is."""


class ExperimentConfigError(SymreluError, ValueError):
    """A derivation asked an experiment for a Config key the experiment does not have."""


@dataclass(frozen=True)
class DeriveConfig:
    """Sizes and output place of a derivation run.

    Attributes
    ----------
    quick : bool
        Small orders and experiment sizes (a few minutes for the whole paper).
    out : Path or None
        Directory for figures and experiment outputs; None: no files.
    experiments : bool
        Run the section's torch/NumPy experiment (if its module exists).
    progress : bool
        Let experiments show progress bars.
    """

    quick: bool = True
    out: Path | None = None
    experiments: bool = True
    progress: bool = False


@dataclass(frozen=True)
class Check:
    """One numeric check: what was compared and how close it was."""

    name: str
    detail: str


@dataclass
class Derivation:
    """The result of one section's derivation.

    Attributes
    ----------
    key, section, title : str
        ``"sec3"``, ``"III"``, the section title.
    latex : str
        The LaTeX fragment (a ``\\section`` and its body).
    checks : list of Check
        The numeric checks that passed (a failing one raises).
    results : dict
        JSON-able values (exact ones as strings).
    figures : list of Path
        Figure files the fragment includes.
    corrections : list of str
        One line per corrected statement of the paper.
    """

    key: str
    section: str
    title: str
    latex: str
    checks: list[Check] = field(default_factory=list)
    results: dict = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-able summary (the LaTeX is stored beside it as a .tex file)."""
        return {
            "key": self.key,
            "section": self.section,
            "title": self.title,
            "checks": [dataclasses.asdict(c) for c in self.checks],
            "results": self.results,
            "figures": [str(p) for p in self.figures],
            "corrections": self.corrections,
        }


def check(checks: list[Check], name: str, ok: bool, detail: str) -> None:
    """Record a passed check or raise :class:`DerivationCheckError`.

    Examples
    --------
    >>> log = []
    >>> check(log, "one", 1 + 1 == 2, "arithmetic")
    >>> log[0].name
    'one'
    """
    if not ok:
        raise DerivationCheckError(f"{name}: {detail}")
    checks.append(Check(name, detail))


def close(checks: list[Check], name: str, measured: float, expected: float, *,
          atol: float = 0.0, rtol: float = 0.0, why: str = "") -> None:
    """:func:`check` that ``|measured - expected| <= atol + rtol |expected|``.

    Examples
    --------
    >>> log = []
    >>> close(log, "pi", 3.14159, 3.141592653589793, atol=1e-5, why="5 digits")
    >>> log[0].detail
    'measured 3.14159, expected 3.14159265359, |diff| 2.65e-06 <= 1e-05 (5 digits)'
    """
    diff = abs(float(measured) - float(expected))
    tol = atol + rtol * abs(float(expected))
    detail = (f"measured {float(measured):.12g}, expected {float(expected):.12g}, "
              f"|diff| {diff:.3g} <= {tol:.3g}" + (f" ({why})" if why else ""))
    check(checks, name, diff <= tol, detail)


def tex_escape(text: str) -> str:
    r"""Escape text for LaTeX prose.

    Examples
    --------
    >>> print(tex_escape("1@5 + 50% & x_1"))
    1@5 + 50\% \& x\_1
    >>> print(tex_escape("|x| <= 2, y > 1, z >= 0"))
    \textbar{}x\textbar{} $\le$ 2, y \textgreater{} 1, z $\ge$ 0

    ``|``, ``<`` and ``>`` are commands: in LaTeX's default OT1 text encoding the
    characters themselves print as an em dash and inverted marks.
    """
    text = str(text)
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        pair = text[i:i + 2]
        i += 1
        if pair in ("<=", ">="):
            out.append("$\\le$" if pair == "<=" else "$\\ge$")
            i += 1
        elif ch == "|":
            out.append(r"\textbar{}")
        elif ch == "<":
            out.append(r"\textless{}")
        elif ch == ">":
            out.append(r"\textgreater{}")
        elif ch in "&%$#_{}":
            out.append("\\" + ch)
        elif ch == "~":
            out.append(r"\textasciitilde{}")
        elif ch == "^":
            out.append(r"\textasciicircum{}")
        elif ch == "\\":
            out.append(r"\textbackslash{}")
        else:
            out.append(ch)
    return "".join(out)


class Fragment:
    r"""A small builder for LaTeX fragments.

    Examples
    --------
    >>> f = Fragment()
    >>> f.section("Example").eq(r"a = b")
    <...Fragment object at ...>
    >>> print(f.text())
    \section{Example}
    <BLANKLINE>
    \begin{equation*}
    a = b
    \end{equation*}
    <BLANKLINE>
    """

    def __init__(self) -> None:
        self.parts: list[str] = []

    def section(self, title: str, label: str | None = None) -> Fragment:
        self.parts.append(f"\\section{{{title}}}" + (f"\\label{{{label}}}" if label else ""))
        return self

    def subsection(self, title: str) -> Fragment:
        self.parts.append(f"\\subsection{{{title}}}")
        return self

    def para(self, text: str) -> Fragment:
        self.parts.append(text.strip() + "\n")
        return self

    def eq(self, body: str, *, label: str | None = None, tag: str | None = None) -> Fragment:
        env = "equation" if label or tag else "equation*"
        extra = (f"\\label{{{label}}}" if label else "") + (f"\\tag{{{tag}}}" if tag else "")
        self.parts.append(f"\\begin{{{env}}}{extra}\n{body}\n\\end{{{env}}}")
        return self

    def table(self, header: list[str], rows: list[list[str]], *, align: str | None = None,
              caption: str | None = None, long: bool = False) -> Fragment:
        align = align or "l" * len(header)
        env = "longtable" if long else "tabular"
        lines = []
        if not long:
            lines.append("\\begin{table}[!htb]\\centering\\small")
        else:
            lines.append("{\\small")
        lines.append(f"\\begin{{{env}}}{{{align}}}")
        if long and caption:
            lines.append(f"\\caption{{{caption}}}\\\\")
        lines += ["\\toprule", " & ".join(header) + " \\\\", "\\midrule"]
        if long:
            lines += ["\\endhead"]
        lines += [" & ".join(r) + " \\\\" for r in rows]
        lines += ["\\bottomrule", f"\\end{{{env}}}"]
        if not long:
            if caption:
                lines.append(f"\\caption{{{caption}}}")
            lines.append("\\end{table}")
        else:
            lines.append("}")
        self.parts.append("\n".join(lines))
        return self

    def figure(self, path: str | Path, caption: str, width: str = "0.95\\linewidth") -> Fragment:
        # at most 42% of the page high, so that the figure and its caption fit with text
        self.parts.append(
            "\\begin{figure}[!htb]\\centering\n"
            f"\\includegraphics[width={width},height=0.42\\textheight,keepaspectratio]"
            f"{{{Path(path).as_posix()}}}\n"
            f"\\caption{{{caption}}}\n\\end{{figure}}"
        )
        return self

    def figure_row(self, items: list[tuple[str | Path, str, str]]) -> Fragment:
        r"""Figures side by side in one float, each with its own number and caption.

        ``items``: ``(path, caption, width)``, widths as fractions of the line
        (e.g. ``"0.48"``).

        Examples
        --------
        >>> tex = Fragment().figure_row([("a.pdf", "A.", "0.48"), ("b.pdf", "B.", "0.48")]).text()
        >>> tex.count("\\caption{"), tex.count("minipage}")
        (2, 4)
        """
        cells = []
        for path, caption, width in items:
            cells.append(
                f"\\begin{{minipage}}[t]{{{width}\\linewidth}}\\centering\n"
                "\\includegraphics[width=\\linewidth,height=0.36\\textheight,keepaspectratio]"
                f"{{{Path(path).as_posix()}}}\n"
                f"\\caption{{{caption}}}\n\\end{{minipage}}")
        self.parts.append("\\begin{figure}[!htb]\\centering\n" + "\\hfill\n".join(cells)
                          + "\n\\end{figure}")
        return self

    def correction(self, title: str, text: str) -> Fragment:
        self.parts.append(
            "\\begin{center}\\fbox{\\begin{minipage}{0.94\\linewidth}\\small"
            f"\\textbf{{Correction to the paper: {title}.}} {text.strip()}"
            "\\end{minipage}}\\end{center}"
        )
        return self

    def checks(self, checks: list[Check]) -> Fragment:
        if not checks:
            return self
        items = "\n".join(f"\\item \\textbf{{{tex_escape(c.name)}}}: {tex_escape(c.detail)}"
                          for c in checks)
        self.parts.append("\\paragraph{Numeric checks (all passed).}\n"
                          "\\begin{itemize}\\setlength\\itemsep{0pt}\\footnotesize\n"
                          f"{items}\n\\end{{itemize}}")
        return self

    def text(self) -> str:
        return "\n\n".join(self.parts) + "\n"


def sample_fft(fn: Any, fs: float, n: int) -> tuple[Any, Any]:
    """Sample ``fn(t)`` at ``t = k/fs`` (k < n) and return (freqs, complex coefficients c_F).

    The coefficients follow symrelu's convention ``y = c_0 + 2 Re sum c_F e^{2 pi i F t}``
    (rfft divided by n), exact for a trigonometric polynomial sampled over whole
    periods below the Nyquist frequency.

    Examples
    --------
    >>> import numpy as np
    >>> f, c = sample_fft(lambda t: 1 + np.cos(2 * np.pi * 4 * t), 64, 64)
    >>> round(float(c[0].real), 12), round(float(c[4].real), 12)
    (1.0, 0.5)
    """
    import numpy as np

    t = np.arange(n) / fs
    y = np.asarray(fn(t), dtype=float)
    c = np.fft.rfft(y) / n
    return np.fft.rfftfreq(n, 1 / fs), c


def main_for(module_name: str) -> None:
    """The ``__main__`` of a derivation module: derive and write symrelu-sections/KEY.tex.

    Never into the reference results (reports/): only ``symrelu paper
    --update-reference`` writes there.
    """
    from symrelu.numeric.results import atomic_write_json, atomic_write_text

    mod = sys.modules[module_name]
    out = Path("symrelu-sections")
    d = mod.derive(DeriveConfig(quick="--full" not in sys.argv, out=out))
    atomic_write_text(out / f"{d.key}.tex", d.latex)
    atomic_write_json(out / f"{d.key}.json", d.to_dict())
    print(f"{d.key}: {len(d.checks)} checks passed; wrote {out / (d.key + '.tex')}")


def run_experiment(name: str, config: DeriveConfig, quick: dict, full: dict | None = None
                   ) -> tuple[Any, str]:
    """Run ``symrelu.numeric.experiments.<name>`` with its Config; return (result, note).

    Every override key must be a field of the experiment's Config: an unknown
    one raises :class:`ExperimentConfigError` naming it and the valid ones.
    An experiment that fails raises its error: the section, and with it the
    paper build, fails (``symrelu paper --keep-going`` goes on past it and
    marks the section). Full size writes to ``<out>/<name>``, quick size to
    ``<out>/quick/<name>``.

    Returns
    -------
    (result or None, note)
        ``note`` is one sentence for the document: what ran (None and a
        sentence saying so when ``config.experiments`` is False).

    Examples
    --------
    >>> run_experiment("vd", DeriveConfig(experiments=False), {"inits": 2})
    (None, 'The experiment (vd) was not run (derivation only).')
    >>> run_experiment("vd", DeriveConfig(), {"init": 2})
    Traceback (most recent call last):
    ...
    symrelu.derivations._common.ExperimentConfigError: experiment vd: unknown Config key 'init'; \
valid keys: activation, crosscheck, dps, figures, inits, kernel3, out, predictor, \
samples_per_class, seed, threads
    """
    mod = importlib.import_module(f"symrelu.numeric.experiments.{name}")
    fields = {f.name for f in dataclasses.fields(mod.Config)}
    overrides = dict(quick if config.quick else (full or {}))
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ExperimentConfigError(
            f"experiment {name}: unknown Config key{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(k) for k in unknown)}; valid keys: {', '.join(sorted(fields))}")
    if not config.experiments:
        return None, f"The experiment ({name}) was not run (derivation only)."
    # a quick build writes its reduced-size runs beside, never over, the full-size ones
    # (a full V-C run in <out>/vc is resumed by the full build and kept by a quick one)
    sub = Path("quick") / name if config.quick else Path(name)
    shown = ", ".join(f"{k}={v}" for k, v in overrides.items() if k != "out")
    overrides["out"] = None if config.out is None else str(Path(config.out) / sub)
    result = mod.run(mod.Config(**overrides), progress=config.progress)
    size = "quick" if config.quick else "full"
    return result, f"Experiment {name} ran at {size} size ({shown or 'Config defaults'})."


def verbatim(text: str, width: int = 105) -> str:
    """A small verbatim block with long lines wrapped (experiment summaries)."""
    import textwrap

    lines = []
    for line in str(text).strip().splitlines():
        lines += textwrap.wrap(line, width, subsequent_indent="    ") or [""]
    return "{\\scriptsize\n\\begin{verbatim}\n" + "\n".join(lines) + "\n\\end{verbatim}\n}"


def experiment_figures(result: Any, out: Path | None) -> list[Path]:
    """PDF figures an experiment result lists in ``result.paths``, relative to ``out``."""
    paths = getattr(result, "paths", None) or {}
    figs = []
    for p in paths.values() if isinstance(paths, dict) else paths:
        p = Path(p)
        if p.suffix == ".png" and p.with_suffix(".pdf").exists():
            p = p.with_suffix(".pdf")
        if p.suffix == ".pdf" and p.exists():
            try:
                figs.append(p.resolve().relative_to(Path(out).resolve()) if out else p)
            except ValueError:
                figs.append(p.resolve())
    return list(dict.fromkeys(figs))
