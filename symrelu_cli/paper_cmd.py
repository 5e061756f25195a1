"""``symrelu paper --out reports/ [--quick]``: every derivation and experiment, one PDF."""

from __future__ import annotations

import argparse

from symrelu_cli._util import EXIT_OK, EXIT_PARTIAL, CLIError
from symrelu_cli.files import OutputGuard

__all__ = ["cmd_paper"]


def cmd_paper(args: argparse.Namespace) -> int:
    """Run :func:`derivations.assemble.assemble` with the CLI's file guard.

    A failing section stops the build with its error, unless ``--keep-going``:
    then the paper is written with the failed sections marked, each is named on
    stderr at the end, and the exit code is ``EXIT_PARTIAL`` (4).
    """
    from derivations import STEPS
    from derivations.assemble import assemble
    from derivations.build import HOW_TO_GET_PDF

    keys = [k for k, _ in STEPS]
    only = None
    if args.only:
        only = [s.strip() for s in args.only.split(",") if s.strip()]
        bad = [s for s in only if s not in keys]
        if bad:
            raise CLIError(f"--only: unknown step(s) {', '.join(bad)}; choose from "
                           f"{', '.join(keys)}")
    guard = OutputGuard(args.force)
    out = guard.check_directory(args.out)
    for name in ("paper.tex", "paper.pdf", "results.json"):
        guard.check(out / name)
    res = assemble(out, quick=args.quick, only=only, redo=args.redo, pdf=not args.no_pdf,
                   keep_going=args.keep_going, write=guard.write)
    ran = sum(1 for s in res["steps"].values() if s == "ran")
    reused = sum(1 for s in res["steps"].values() if s == "reused")
    main = res["pdf"] or res["tex"]
    failed = res["failed"]
    print(f"wrote {main}: {ran} steps run, {reused} reused, {res['checks']} checks passed"
          + (f"; {len(failed)} FAILED ({', '.join(failed)}; --keep-going)" if failed else ""))
    if res["pdf"] is None and not args.no_pdf:
        import sys

        sys.stderr.write(HOW_TO_GET_PDF.format(tex=res["tex"], name="paper.tex") + "\n")
    return EXIT_PARTIAL if failed else EXIT_OK
