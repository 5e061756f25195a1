"""``symrelu experiment va|vb|vc|vd [options]``: one flag per field of the experiment's Config.

The options are read from the experiment module's ``Config`` dataclass when
the command runs (field ``samples_per_class`` becomes ``--samples-per-class``,
booleans get ``--figures/--no-figures``, an optional value accepts ``none``),
so a new Config field is on the command line without touching this file. The
field docs in the Config's docstring become the help text.

Where: without ``--out`` a run writes to a new folder per configuration,
``./symrelu-runs/NAME-HASH/`` (HASH: the first 10 hex digits of the SHA-256 of
the Config without ``out``), so a trial run never lands on earlier results, and
the same configuration finds its own folder again (V-C resumes there). ``--out
none`` writes nothing. A folder inside a paper build (one holding ``paper.tex``
and ``steps/``, e.g. the committed reference results ``reports/``) is refused:
its experiments are written by ``symrelu paper`` alone.

Files: ``--out DIR`` never replaces a file in DIR that symrelu did not write
(the folder's manifest, see :mod:`symrelu.numeric.results`) unless ``--force``; the
names the experiment writes are checked before it starts, and every write is
checked again as it happens. Warnings of the run (a corrupt repetition file
set aside) are printed on stderr, one line each.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import re
import sys
import types
import typing
import warnings
from pathlib import Path
from typing import Any

from symrelu.cli._util import CLIError, UnavailableError

from symrelu.errors import EnvironmentProblemError

__all__ = ["EXPERIMENTS", "OUTPUTS", "RUNS", "config_parser", "parse_config", "cmd_experiment",
           "summary_lines", "check_outputs", "check_device", "DeviceUnavailableError",
           "run_folder", "WHERE_FIELDS"]

#: where ``symrelu experiment`` writes when ``--out`` is not given (one folder per configuration)
RUNS = "symrelu-runs"
#: Config fields that choose where the work runs and never change a number (V-C's
#: executor, worker count and Dask scheduler): left out of :func:`run_folder`'s hash
WHERE_FIELDS = ("executor", "workers", "scheduler")
_AUTO_OUT = object()  # the --out option was not given

EXPERIMENTS = {
    "va": ("symrelu.numeric.experiments.va", "Section V-A: the four-tone Taylor example (Fig. 1)"),
    "vb": ("symrelu.numeric.experiments.vb", "Section V-B: KID-PPG activations on PPG (Fig. 3)"),
    "vc": ("symrelu.numeric.experiments.vc", "Section V-C: three CNNs trained on tones (Fig. 4)"),
    "vd": ("symrelu.numeric.experiments.vd", "Section V-D: the zero-training CNN (Fig. 5)"),
}


#: the files each experiment writes directly under its ``out`` folder (checked before it
#: starts; tests/cli/test_files.py checks the list against what a small run writes)
OUTPUTS = {
    "va": ("results.json", "table1.csv", "convergence.csv", "convergence.json",
           "fig1.png", "fig1.pdf", "fig2.png", "fig2.pdf", "convergence.png", "convergence.pdf"),
    "vb": ("results.json", "summary.txt", "fig3.png", "fig3.pdf", "shares.png", "shares.pdf",
           "prediction.png", "prediction.pdf", "hr.png", "hr.pdf"),
    "vc": ("results.json", "summary.txt", "timing.json", "fig4.png", "fig4.pdf",
           "fig4_activations.png", "fig4_activations.pdf"),
    "vd": ("results.json", "summary.txt", "fig5.png", "fig5.pdf", "fig5_inits.png",
           "fig5_inits.pdf", "fig5_activations.png", "fig5_activations.pdf"),
}


class DeviceUnavailableError(EnvironmentProblemError):
    """The torch device asked for (``--device cuda``) is not available on this machine."""


_FIRST_PARTY = ("symrelu",)  # symrelu.numeric, symrelu.derivations and symrelu.cli included


def load(name: str) -> types.ModuleType:
    """Import experiment ``name``; a missing third-party module is an :class:`UnavailableError`.

    A missing first-party module (symrelu, numeric, ...) is a broken installation:
    its ModuleNotFoundError goes through as an internal error.
    """
    module, _ = EXPERIMENTS[name]
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] in _FIRST_PARTY:
            raise
        raise UnavailableError(f"experiment {name} needs {exc.name}: {exc}") from None


def _field_docs(cls: type) -> dict[str, str]:
    """Parse numpydoc 'Attributes' entries of a dataclass docstring: {name: first sentence}."""
    doc = cls.__doc__ or ""
    out: dict[str, str] = {}
    current = None
    for line in doc.splitlines():
        m = re.match(r"^    (\w+) : .*$", line)
        if m:
            current = m.group(1)
            out[current] = ""
        elif current and line.startswith("        ") and line.strip():
            out[current] = (out[current] + " " + line.strip()).strip()
        elif not line.strip():
            current = None if current and out.get(current) else current
    return {k: v.replace("%", "%%") for k, v in out.items()}


def _converter(tp: Any):
    """A string -> value converter for a field type; Optional accepts 'none'."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    optional = False
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        optional = True
        rest = [a for a in args if a is not type(None)]
        tp = rest[0] if len(rest) == 1 else str
    base = tp if tp in (int, float, str) else None

    def convert(text: str) -> Any:
        if optional and text.strip().lower() in ("none", "null", ""):
            return None
        if base is int:
            return int(text)
        if base is float:
            return float(text)
        if base is str or base is None and tp is typing.Any:
            return text
        if typing.get_origin(tp) in (tuple, list) or tp in (tuple, list):
            items = [s.strip() for s in text.split(",") if s.strip()]
            inner = typing.get_args(tp)
            kind = inner[0] if inner and inner[0] in (int, float) else str
            values = [kind(s) for s in items]
            return tuple(values) if (typing.get_origin(tp) or tp) is tuple else values
        return text

    convert.__name__ = getattr(tp, "__name__", "value")
    return convert


def _default(field: dataclasses.Field) -> Any:
    """The field's default (calling a default_factory), or None when it has none.

    Every field keeps its Config default when its option is not given (e.g.
    V-B's ``hr=None``: synthetic windows at 72 BPM, or estimated rates).
    """
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return field.default_factory()  # type: ignore[misc]
    return None


def summary_lines(name: str, result: Any) -> list[str]:
    """What ``symrelu experiment`` prints: the result's summary, else its scalar numbers,
    then the files it wrote.

    Examples
    --------
    >>> class R:
    ...     numbers = {"rrmse": 3.5, "table": [1, 2], "ok": True}
    ...     paths = ["out/fig1.png"]
    >>> summary_lines("va", R())
    ['va: done', '  rrmse: 3.5', '  ok: True', 'files:', '  out/fig1.png']
    """
    summary = getattr(result, "summary", None)
    lines = [summary] if isinstance(summary, str) and summary else [f"{name}: done"]
    numbers = getattr(result, "numbers", None)
    if not (isinstance(summary, str) and summary) and isinstance(numbers, dict):
        lines += [f"  {k}: {v}" for k, v in numbers.items()
                  if isinstance(v, (int, float, str, bool)) and len(str(v)) <= 80]
    paths = getattr(result, "paths", None)
    if isinstance(paths, dict) and paths:
        lines.append("files:")
        lines += [f"  {key}: {path}" for key, path in paths.items()]
    elif isinstance(paths, (list, tuple)) and paths:
        lines.append("files:")
        lines += [f"  {path}" for path in paths]
    return lines


def config_parser(name: str, module: types.ModuleType) -> argparse.ArgumentParser:
    """An argument parser with one option per field of ``module.Config``."""
    from symrelu.cli.main import _Parser

    cfg_cls = module.Config
    hints = typing.get_type_hints(cfg_cls)
    docs = _field_docs(cfg_cls)
    parser = _Parser(prog=f"symrelu experiment {name}", description=EXPERIMENTS[name][1])
    for field in dataclasses.fields(cfg_cls):
        flag = "--" + field.name.replace("_", "-")
        tp = hints.get(field.name, str)
        default = _default(field)
        help_text = (docs.get(field.name) or field.name) + f" (default: {default})"
        if field.name == "out":
            parser.add_argument(flag, dest="out", type=_converter(tp), default=_AUTO_OUT,
                                metavar="DIR",
                                help=f"output directory (default: a new folder per "
                                     f"configuration, ./{RUNS}/{name}-HASH/; 'none': no files); "
                                     "never a folder inside a paper build such as reports/")
        elif tp is bool:
            parser.add_argument(flag, dest=field.name, action=argparse.BooleanOptionalAction,
                                default=default, help=help_text)
        else:
            parser.add_argument(flag, dest=field.name, type=_converter(tp), default=default,
                                metavar=field.name.upper(), help=help_text)
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--force", action="store_true",
                        help="replace files in --out that symrelu did not write (or that were "
                             "edited since)")
    return parser


def parse_config(name: str, options: list[str]) -> tuple[Any, bool, types.ModuleType]:
    """(Config, progress, module) for ``symrelu experiment NAME OPTIONS``."""
    cfg, progress, _, module, _ = _parse(name, options)
    return cfg, progress, module


def run_folder(name: str, cfg: Any) -> Path:
    """``symrelu-runs/NAME-HASH``: the folder of this configuration when ``--out`` is not given.

    HASH is the first 10 hex digits of the SHA-256 of the Config's fields
    (``out`` excluded, and :data:`WHERE_FIELDS`, which say where the work runs,
    not what it computes) as sorted JSON: one folder per configuration, so an
    interrupted V-C run resumes there with another executor or worker count.
    A field the Config names in ``OMIT_WHEN_DEFAULT`` (V-C's and V-D's
    ``activation``, added later) is left out while it holds its default, so a
    configuration keeps the folder it had before the field existed.

    Examples
    --------
    >>> from symrelu.numeric.experiments import vd
    >>> a = run_folder("vd", vd.Config(inits=2))
    >>> a.parent.name, a.name.startswith("vd-"), len(a.name)
    ('symrelu-runs', True, 13)
    >>> a == run_folder("vd", vd.Config(inits=2, out="elsewhere"))
    True
    >>> a == run_folder("vd", vd.Config(inits=3))
    False
    >>> from symrelu.numeric.experiments import vc
    >>> run_folder("vc", vc.Config()) == run_folder("vc", vc.Config(executor="dask", workers=1))
    True
    >>> run_folder("vc", vc.Config()) == run_folder("vc", vc.Config(activation=("relu", "abs")))
    False
    """
    import hashlib
    import json

    omit = getattr(cfg, "OMIT_WHEN_DEFAULT", ())
    defaults = {f.name: _default(f) for f in dataclasses.fields(cfg)}
    fields = {k: v for k, v in dataclasses.asdict(cfg).items()
              if k != "out" and k not in WHERE_FIELDS
              and not (k in omit and v == defaults[k])}
    text = json.dumps(fields, sort_keys=True, default=str)
    return Path(RUNS) / f"{name}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def _parse(name: str, options: list[str]) -> tuple[Any, bool, bool, types.ModuleType, bool]:
    module = load(name)
    parser = config_parser(name, module)
    ns = vars(parser.parse_args(options))
    quiet = ns.pop("quiet")
    force = ns.pop("force")
    out_given = ns["out"] is not _AUTO_OUT
    if not out_given:
        ns["out"] = _default(next(f for f in dataclasses.fields(module.Config)
                                  if f.name == "out"))
    try:
        cfg = module.Config(**ns)
    except (TypeError, ValueError) as exc:
        raise CLIError(f"experiment {name}: {exc}") from None
    return cfg, not quiet, force, module, out_given


def check_outputs(name: str, out: str | Path | None, *, force: bool = False) -> None:
    """Refuse, before the run, to replace a file in ``out`` that symrelu did not write.

    Checks the names in :data:`OUTPUTS` (the run checks every write again).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "summary.txt").write_text("my notes")
    >>> try:
    ...     check_outputs("vd", d)
    ... except Exception as exc:
    ...     print(type(exc).__name__, "--force" in str(exc))
    OutputExistsError True
    >>> check_outputs("vd", d, force=True)
    """
    from symrelu.numeric.results import OutputPathError, check_output

    if out is None:
        return
    out = Path(out)
    try:
        is_file = out.exists() and not out.is_dir()
    except OSError as exc:  # e.g. a name too long
        raise OutputPathError(f"--out: {exc.strerror or exc}: {out}") from None
    if is_file:
        raise OutputPathError(f"--out {out}: exists and is not a directory")
    for file in OUTPUTS[name]:
        check_output(out / file, force=force)


def check_device(device: str) -> None:
    """Raise :class:`DeviceUnavailableError` when torch cannot use ``device`` here.

    Examples
    --------
    >>> check_device("cpu")
    >>> import torch
    >>> try:
    ...     check_device("cuda:999")
    ... except DeviceUnavailableError as exc:
    ...     print("refused")
    refused
    """
    import torch

    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise CLIError(f"--device {device!r} is not a torch device ({exc})") from None
    if dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0:
            raise DeviceUnavailableError(
                f"--device {device}: CUDA is not available here (torch "
                f"{torch.__version__}, CUDA build: {torch.version.cuda or 'none'}); "
                "use --device cpu")
        if dev.index is not None and dev.index >= count:
            raise DeviceUnavailableError(
                f"--device {device}: this machine has {count} CUDA device(s) "
                f"(cuda:0..cuda:{count - 1})")
    elif dev.type == "mps" and not torch.backends.mps.is_available():
        raise DeviceUnavailableError(f"--device {device}: MPS is not available here; "
                                     "use --device cpu")


def cmd_experiment(args: argparse.Namespace) -> int:
    """Run the experiment and print its summary (and its warnings, on stderr)."""
    from symrelu.cli.paper_cmd import inside_paper_folder
    from symrelu.numeric.results import guarded_outputs

    from symrelu.errors import SymreluWarning

    cfg, progress, force, module, out_given = _parse(args.name, list(args.options))
    if not out_given:
        cfg = dataclasses.replace(cfg, out=str(run_folder(args.name, cfg)))
    out = getattr(cfg, "out", None)
    if out is not None:
        paper = inside_paper_folder(out)
        if paper is not None:
            raise CLIError(f"--out {out} is inside the paper build {paper} (the reference "
                           "results or a 'symrelu paper' folder): its experiments are written "
                           "by 'symrelu paper' alone; leave --out out (a new folder under "
                           f"./{RUNS}/) or name another folder")
    check_outputs(args.name, out, force=force)
    device = getattr(cfg, "device", None)
    if isinstance(device, str):
        check_device(device)
    with warnings.catch_warnings():
        # symrelu's warnings (a corrupt repetition file set aside) are part of the output:
        # one line on stderr as they happen; other warnings keep their usual treatment
        warnings.simplefilter("always", SymreluWarning)
        show = warnings.showwarning

        def one_line(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, SymreluWarning):
                sys.stderr.write(f"symrelu: warning: {' '.join(str(message).split())}\n")
            else:
                show(message, category, filename, lineno, file, line)

        warnings.showwarning = one_line
        with guarded_outputs(force):
            result = module.run(cfg, progress=progress)
    print("\n".join(summary_lines(args.name, result)))
    if out is not None:
        print(f"output folder: {out}")
    return 0
