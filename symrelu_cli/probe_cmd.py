"""``symrelu probe``: the spectral probe of a 1-D torch model (:mod:`symrelu.numeric.probe_model`).

``symrelu probe --model PKG.MODULE:FACTORY [--weights FILE.pt] SIGNAL --fs FS``
imports ``PKG.MODULE`` (the working directory is put on ``sys.path`` first,
so a local ``nets.py`` is found), calls ``FACTORY()`` (or takes the attribute
itself when it is already a ``torch.nn.Module``), loads a state dict from
``--weights`` (``torch.load(..., weights_only=True)``), puts the model in eval
mode and float64 (``--dtype float32`` keeps float32) and probes it.

Output: a table of layers (default) or the ``symrelu.probe/1`` JSON document
(``--json``): the probe's :meth:`symrelu.numeric.probe_model.Probe.to_dict` plus
``"schema"``. Bad model paths, a module that is not a 1-D signal path and a
signal at or above Nyquist exit with code 2 and one line; a missing torch with 3.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any

from symrelu.cli._util import CLIError, UnavailableError, emit, json_text, text_table

__all__ = ["cmd_probe", "add_probe_parser", "load_model"]


def add_probe_parser(sub: Any, fmt: Any) -> None:
    """Register ``probe`` on the subcommand parser ``sub``."""
    p = sub.add_parser(
        "probe", help="probe a 1-D torch model: every activation's spectrum predicted exactly",
        description="Feed a periodic multi-tone to a torch model and predict every activation "
                    "layer's output spectrum from its pre-activation: in band (continuous-time "
                    "coefficients) and aliased (folded back from above Nyquist), against the "
                    "measured DFT.",
        formatter_class=fmt)
    p.add_argument("signal", help='the input signal, e.g. "1@3 + 0.5@7" (see symrelu --help)')
    p.add_argument("--model", required=True, metavar="MODULE:FACTORY",
                   help="import path of a function returning the torch.nn.Module (or the "
                        "module object itself), e.g. mypkg.nets:make_model")
    p.add_argument("--weights", default=None, metavar="FILE",
                   help="a state dict saved with torch.save (loaded with weights_only=True)")
    p.add_argument("--fs", required=True, help="sampling rate of the input (exact value)")
    p.add_argument("--periods", type=int, default=8,
                   help="whole periods in every layer's steady-state window (default 8)")
    p.add_argument("--n", type=int, default=None,
                   help="input length in samples, for a model that needs one (default: from "
                        "the periods and the receptive field)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="run the model in this precision (default float64)")
    p.add_argument("--no-first-layer", action="store_true",
                   help="skip the exact first-layer prediction from the analytic signal")
    p.add_argument("--json", action="store_true", help="print the symrelu.probe/1 JSON document")


def load_model(spec: str, weights: str | None = None) -> Any:
    """Import ``MODULE:FACTORY`` and return the model (weights loaded); CLIError if it fails."""
    import torch

    if spec.count(":") != 1 or not all(spec.split(":")):
        raise CLIError(f"--model {spec!r}: write MODULE:FACTORY, e.g. mypkg.nets:make_model")
    mod_name, attr = spec.split(":")
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        module = importlib.import_module(mod_name)
    except ImportError as exc:
        raise CLIError(f"--model {spec!r}: cannot import {mod_name!r} ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - the user's module failed while importing
        raise CLIError(f"--model {spec!r}: importing {mod_name!r} raised "
                       f"{type(exc).__name__}: {exc}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise CLIError(f"--model {spec!r}: {mod_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if not isinstance(obj, torch.nn.Module):
        if not callable(obj):
            raise CLIError(f"--model {spec!r} is a {type(obj).__name__}, neither a "
                           "torch.nn.Module nor a function returning one")
        try:
            obj = obj()
        except Exception as exc:  # noqa: BLE001 - the user's factory failed
            raise CLIError(f"--model {spec!r}: calling {attr}() raised "
                           f"{type(exc).__name__}: {exc}") from None
        if not isinstance(obj, torch.nn.Module):
            raise CLIError(f"--model {spec!r}: {attr}() returned a {type(obj).__name__}, "
                           "not a torch.nn.Module")
    if weights is not None:
        try:
            state = torch.load(weights, map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise CLIError(f"--weights {weights!r}: no such file") from None
        except Exception as exc:  # noqa: BLE001 - an unreadable or unsafe file
            raise CLIError(f"--weights {weights!r}: cannot load a state dict "
                           f"({type(exc).__name__}: {exc})") from None
        if not isinstance(state, dict):
            raise CLIError(f"--weights {weights!r} holds a {type(state).__name__}, "
                           "not a state dict")
        try:
            obj.load_state_dict(state)
        except RuntimeError as exc:
            raise CLIError(f"--weights {weights!r} does not fit the model: "
                           f"{str(exc).splitlines()[0]}") from None
    return obj


def cmd_probe(args: argparse.Namespace) -> int:
    """``symrelu probe --model MODULE:FACTORY SIGNAL --fs FS``."""
    try:
        import torch  # noqa: F401
    except ModuleNotFoundError as exc:
        raise UnavailableError(f"symrelu probe needs torch: {exc}") from None
    from symrelu.cli.commands import parse_signal
    from symrelu.numeric.probe_model import probe

    sig = parse_signal(args.signal)
    if args.periods < 1:
        raise CLIError(f"--periods must be a positive integer (got {args.periods})")
    if args.n is not None and args.n < 1:
        raise CLIError(f"--n must be a positive integer (got {args.n})")
    model = load_model(args.model, args.weights).eval()
    model = model.double() if args.dtype == "float64" else model.float()
    p = probe(model, sig, args.fs, args.periods, n=args.n,
              first_layer=not args.no_first_layer)
    doc = {"schema": "symrelu.probe/1", "model": args.model, "weights": args.weights,
           **p.to_dict()}
    if args.json:
        emit(json_text(doc))
        return 0
    import numpy as np

    def med(a: Any) -> str:
        return "" if a is None else f"{float(np.median(a)):.4g}"

    def top(a: Any) -> str:
        return "" if a is None else f"{float(np.max(a)):.1e}"

    rows = [["layer", "kind", "status", "fs", "window", "DC (median)", "DC share",
             "aliased share", "max error"]]
    for r in p.layers:
        w = r.window
        rows.append([r.name, r.kind + (f" {r.activation}" if r.activation else ""), r.status,
                     "" if r.fs is None else f"{r.fs:g}",
                     "" if w is None else f"[{w.start}, {w.stop}) {w.periods}x{w.period}",
                     med(r.dc), med(r.dc_share), med(r.aliased_fraction),
                     top(r.prediction_error)])
    text = (f"signal {doc['signal']} at fs {p.fs:g}: period {p.period} samples, input "
            f"{p.n} samples, {p.dtype}\n" + text_table(rows))
    notes = [f"  {r.name}: {r.note}" for r in p.layers if r.note]
    if notes:
        text += "\n\nnotes:\n" + "\n".join(notes)
    fl = p.first_layer
    if fl is not None:
        text += (f"\n\nfirst layer {fl.conv} -> {fl.activation} from the analytic signal: "
                 f"steady-state DC max |exact - model| = {float(fl.error_steady.max()):.1e}")
        if fl.error_window is not None:
            text += (f"; finite window of {fl.window_n} samples (filtered_dc): "
                     f"{float(fl.error_window.max()):.1e}")
    emit(text)
    return 0
