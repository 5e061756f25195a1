"""``symrelu paper [--out DIR] [--quick]``: every derivation and experiment, one PDF.

Every step is recomputed (``--resume`` reuses the steps an earlier run on this
machine finished in ``--out``); then each section is compared with the
reference build (:mod:`symrelu.derivations.compare`) and one line per section says
whether it reproduces. The reference folder (``reports/`` of the symrelu
checkout, or any build marked as reference) is written only with
``--update-reference``: without it a build there is refused before anything runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from symrelu.cli._util import EXIT_OK, EXIT_PARTIAL, CLIError
from symrelu.cli.files import OutputGuard

__all__ = ["cmd_paper", "default_reference", "is_reference_folder", "inside_paper_folder"]


def default_reference() -> Path | None:
    """``reports/`` of the symrelu checkout this code runs from, or None (a pip install).

    A checkout is recognised by the imported package itself: the folder above
    ``symrelu/__init__.py`` holds ``pyproject.toml`` and ``reports/steps/``.

    Examples
    --------
    >>> ref = default_reference()
    >>> ref is None or (ref / "steps").is_dir()
    True
    """
    import symrelu

    root = Path(symrelu.__file__).resolve().parent.parent
    ref = root / "reports"
    if (root / "pyproject.toml").is_file() and (ref / "steps").is_dir():
        return ref
    return None


def _marked_reference(folder: Path) -> bool:
    try:
        rec = json.loads((folder / "results.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(rec, dict) and bool((rec.get("provenance") or {}).get("reference"))


def is_reference_folder(folder: str | Path) -> bool:
    """True for the checkout's ``reports/`` and for a build marked ``"reference": true``.

    Examples
    --------
    >>> import tempfile
    >>> is_reference_folder(tempfile.mkdtemp())
    False
    """
    folder = Path(folder).resolve()
    ref = default_reference()
    return (ref is not None and folder == ref.resolve()) or _marked_reference(folder)


def inside_paper_folder(path: str | Path) -> Path | None:
    """The paper build folder (holding ``paper.tex`` and ``steps/``) at or above ``path``.

    ``symrelu experiment`` refuses to write there: a paper folder's experiments
    belong to its paper build (rerun them with ``symrelu paper``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "steps").mkdir(); _ = (d / "paper.tex").write_text("")
    >>> inside_paper_folder(d / "vd") == d.resolve()
    True
    """
    p = Path(path).resolve()
    for folder in (p, *p.parents):
        try:
            if (folder / "paper.tex").is_file() and (folder / "steps").is_dir():
                return folder
        except OSError:  # e.g. a name too long: the output checks name the problem
            continue
    ref = default_reference()
    if ref is not None and (p == ref.resolve() or ref.resolve() in p.parents):
        return ref.resolve()
    return None


def cmd_paper(args: argparse.Namespace) -> int:
    """Run :func:`symrelu.derivations.assemble.assemble` with the CLI's file guard, then compare.

    A failing section stops the build with its error, unless ``--keep-going``:
    then the paper is written with the failed sections marked, each is named on
    stderr at the end, and the exit code is ``EXIT_PARTIAL`` (4). A section that
    does not reproduce the reference is reported, not an error (floating-point
    libraries differ between machines): the exit code stays 0.
    """
    from symrelu.derivations import STEPS
    from symrelu.derivations.assemble import assemble
    from symrelu.derivations.build import HOW_TO_GET_PDF
    from symrelu.derivations.compare import compare_builds, load_build

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
    if is_reference_folder(out) and not args.update_reference:
        raise CLIError(f"--out {args.out} is the reference results folder; a build writes "
                       "there only with --update-reference (to reproduce the paper, build "
                       "into another folder: the results are compared with this one)")
    if args.reference is None:
        reference = default_reference()
    elif args.reference.strip().lower() == "none":
        reference = None
    else:
        reference = Path(args.reference)
        if not (reference / "steps").is_dir():
            raise CLIError(f"--reference {args.reference}: not a paper build (no steps/ folder)")
    for name in ("paper.tex", "paper.pdf", "results.json", "reproduction.json"):
        guard.check(out / name)
    ref_build = load_build(reference) if reference is not None else {}  # read before writing
    extra = {"reference": bool(args.update_reference)}
    res = assemble(out, quick=args.quick, only=only, resume=args.resume, pdf=not args.no_pdf,
                   keep_going=args.keep_going, write=guard.write, reference=ref_build,
                   provenance_extra=extra)
    ran = sum(1 for s in res["steps"].values() if s == "ran")
    reused = sum(1 for s in res["steps"].values() if s == "reused")
    main = res["pdf"] or res["tex"]
    failed = res["failed"]
    print(f"wrote {main}: {ran} steps run, {reused} reused, {res['checks']} checks passed"
          + (f"; {len(failed)} FAILED ({', '.join(failed)}; --keep-going)" if failed else ""))
    if reference is not None:
        built = [k for k in keys if res["steps"].get(k) in ("ran", "reused")]
        comparisons = compare_builds(load_build(out), ref_build, built)
        print(f"reproduction against the reference {reference}:")
        for c in comparisons:
            print("  " + c.line())
        differs = [c.key for c in comparisons if c.reproduces is False]
        if differs:
            print(f"  {len(differs)} section(s) did not reproduce: {', '.join(differs)}")
        guard.write(out / "reproduction.json", json.dumps(
            {"reference": str(reference), "sections": [
                {"key": c.key, "verdict": c.verdict, "detail": c.detail} for c in comparisons]},
            indent=2) + "\n")
    else:
        print("reproduction: no reference build to compare with (pass --reference DIR)")
    if res["pdf"] is None and not args.no_pdf:
        sys.stderr.write(HOW_TO_GET_PDF.format(tex=res["tex"], name="paper.tex") + "\n")
    return EXIT_PARTIAL if failed else EXIT_OK
