"""``symrelu report SIGNAL -o NAME.pdf|NAME.tex``: the per-signal document.

Writes ``NAME.tex``, ``NAME.json`` (the ``symrelu.report/1`` document with every
coefficient in full) and ``NAME-spectrum.pdf/.png`` beside it, then the PDF
when a TeX engine is present. Without one, the .tex is written and one line
on stderr says how to get the PDF (exit code 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from symrelu.cli._util import CLIError
from symrelu.cli.files import OutputGuard

__all__ = ["cmd_report", "write_report"]


def write_report(signal_text: str, output: str | Path, *, order: int = 6, center: str = "peak",
                 activation: str = "relu", regime: str = "auto", force: bool = False,
                 figure: bool = True) -> dict:
    """Build and write the report; return {"tex": path, "pdf": path or None, ...}."""
    from symrelu.cli.commands import parse_signal
    from symrelu.derivations.build import HOW_TO_GET_PDF, TexError, build_pdf, tex_engine
    from symrelu.derivations.report import build_report

    out = Path(output)
    if out.suffix.lower() not in (".pdf", ".tex"):
        raise CLIError(f"-o {output}: give a file name ending in .pdf or .tex")
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 60:
        raise CLIError(f"--order for a report must be an integer in 0..60 (got {order!r})")
    sig = parse_signal(signal_text)
    stem = out.with_suffix("")
    paths = {"tex": stem.with_suffix(".tex"), "json": stem.with_suffix(".json"),
             "figure_pdf": Path(f"{stem}-spectrum.pdf"),
             "figure_png": Path(f"{stem}-spectrum.png")}
    want_pdf = out.suffix.lower() == ".pdf"
    if want_pdf:
        paths["pdf"] = out
    guard = OutputGuard(force)
    for p in paths.values():  # refuse before computing anything
        guard.check(p)
    rep = build_report(sig, order=order, center=center, activation=activation, regime=regime,
                       figure=figure, figure_name=f"{stem.name}-spectrum")
    guard.write(paths["tex"], rep.tex)
    guard.write(paths["json"], json.dumps(rep.data, indent=2, sort_keys=True, default=str) + "\n")
    written = {"tex": paths["tex"], "json": paths["json"], "pdf": None}
    if rep.figures:
        guard.write(paths["figure_pdf"], rep.figures["pdf"])
        guard.write(paths["figure_png"], rep.figures["png"])
        written["figure"] = paths["figure_png"]
    if want_pdf:
        if tex_engine() is None:
            sys.stderr.write(HOW_TO_GET_PDF.format(tex=paths["tex"], name=paths["tex"].name)
                             + "\n")
        else:
            try:
                pdf = build_pdf(paths["tex"])
            except TexError as exc:
                raise CLIError(f"{exc} (the .tex is at {paths['tex']})") from None
            guard.write(out, pdf)
            written["pdf"] = out
    return written


def cmd_report(args: argparse.Namespace) -> int:
    """Run ``symrelu report``."""
    written = write_report(args.signal, args.output, order=args.order, center=args.center,
                           activation=args.activation, regime=args.regime, force=args.force,
                           figure=not args.no_figure)
    main = written["pdf"] or written["tex"]
    print(f"wrote {main} (data: {written['json']})")
    return 0
