r"""Does a paper build reproduce the reference results? One verdict per section.

A build's results are compared with a reference build (by default the
committed ``reports/`` of the symrelu checkout): each section's ``results``
(its step record) and, for Section V, its experiment's ``results.json``.
Provenance, timings, file paths and the free-text notes are not compared.

Verdicts:

* ``bitwise``: every number and string is identical (deterministic steps);
* ``within rtol R``: the strings agree and the largest relative difference of
  the numbers is R, at most :data:`RTOL` (floating-point summation order);
* ``statistically``: Section V-C (training on threads whose count may differ):
  the paper's checks agree and every final-epoch mean of the 100 repetitions
  lies within 3 standard errors of the reference mean (two-sample);
* ``DIFFERS``: anything else, with the first differing value named;
* ``no reference`` / ``not compared``: nothing to compare with.

Examples
--------
>>> a = {"results": {"dc": 0.5, "exact": "1/pi"}}
>>> compare_section("sec4", a, a).verdict
'bitwise'
>>> b = {"results": {"dc": 0.5 * (1 + 1e-14), "exact": "1/pi"}}
>>> print(compare_section("sec4", b, a).line())
sec4: reproduces within rtol 1e-14
>>> c = {"results": {"dc": 0.6, "exact": "1/pi"}}
>>> print(compare_section("sec4", c, a).line())
sec4: DIFFERS: results.dc: 0.6 against 0.5 (relative 0.2)
"""

from __future__ import annotations

import contextlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["RTOL", "Comparison", "compare_section", "load_build", "compare_builds",
           "seconds_from_scratch", "EXPERIMENT_OF"]

#: largest relative difference still reported as a reproduction (rounding of sums)
RTOL = 1e-9
#: the experiment folder of each Section V step
EXPERIMENT_OF = {"sec5a": "va", "sec5b": "vb", "sec5c": "vc", "sec5d": "vd"}
#: keys never compared: where and when a result was made, not what it is
_SKIP = {"provenance", "seconds", "machine", "figures", "paths", "path", "timing"}


@dataclass(frozen=True)
class Comparison:
    """The verdict for one section: ``verdict`` and a one-line ``detail``."""

    key: str
    verdict: str
    detail: str = ""

    @property
    def reproduces(self) -> bool | None:
        """True/False, or None when nothing was compared."""
        if self.verdict in ("no reference", "not compared"):
            return None
        return self.verdict != "DIFFERS"

    def line(self) -> str:
        """What ``symrelu paper`` prints for this section."""
        if self.verdict == "bitwise":
            return f"{self.key}: reproduces bitwise" + (f" ({self.detail})" if self.detail
                                                          else "")
        if self.verdict.startswith("within"):
            return f"{self.key}: reproduces {self.verdict}"
        if self.verdict == "statistically":
            return f"{self.key}: reproduces statistically ({self.detail})"
        return f"{self.key}: {self.verdict}" + (f": {self.detail}" if self.detail else "")


def _leaves(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if k in _SKIP:
                continue
            out |= _leaves(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(obj, list):
        out = {}
        for i, v in enumerate(obj):
            out |= _leaves(v, f"{prefix}[{i}]")
        return out
    return {prefix: obj}


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _generic(key: str, new: dict, ref: dict) -> Comparison:
    a, b = _leaves(new), _leaves(ref)
    if set(a) != set(b):
        only = sorted(set(a) ^ set(b))
        return Comparison(key, "DIFFERS", f"{len(only)} value(s) in one build only, e.g. "
                                          f"{only[0]}")
    worst, where = 0.0, ""
    for path in sorted(a):
        x, y = a[path], b[path]
        if x == y and type(x) is type(y):
            continue
        fx, fy = _number(x), _number(y)
        if fx is None or fy is None:
            return Comparison(key, "DIFFERS", f"{path}: {x!r} against {y!r}")
        if math.isnan(fx) and math.isnan(fy):
            continue
        rel = abs(fx - fy) / abs(fy) if fy else abs(fx)  # relative to the reference
        if rel > worst:
            worst, where = rel, f"{path}: {x!r} against {y!r} (relative {rel:.3g})"
    if worst == 0.0:
        return Comparison(key, "bitwise")
    if worst <= RTOL:
        return Comparison(key, f"within rtol {worst:.1g}", where)
    return Comparison(key, "DIFFERS", where)


def _statistical(key: str, new: dict, ref: dict) -> Comparison:
    """V-C: the checks agree; each final-epoch mean within 3 standard errors of the reference."""
    fn, fr = new.get("finding") or {}, ref.get("finding") or {}
    if fn.get("checks") != fr.get("checks"):
        return Comparison(key, "DIFFERS", f"the paper's checks: {fn.get('checks')} against "
                                          f"{fr.get('checks')}")
    n_new = len(new.get("repetitions") or []) or 1
    n_ref = len(ref.get("repetitions") or []) or 1
    worst, where = 0.0, ""
    for metric, models in (fr.get("final_epoch") or {}).items():
        for model, st in models.items():
            other = ((fn.get("final_epoch") or {}).get(metric) or {}).get(model)
            if other is None:
                return Comparison(key, "DIFFERS", f"final_epoch.{metric}.{model} missing")
            se = math.sqrt(other["std"] ** 2 / n_new + st["std"] ** 2 / n_ref)
            gap = abs(other["mean"] - st["mean"])
            z = gap / se if se > 0 else (0.0 if gap == 0 else math.inf)
            if z > worst:
                worst, where = z, f"final_epoch.{metric}.{model}.mean"
    if worst <= 3:
        return Comparison(key, "statistically",
                          f"checks agree; final-epoch means within {worst:.2f} standard errors "
                          f"of the reference's, at most 3 allowed; {n_new} against {n_ref} "
                          "repetitions")
    return Comparison(key, "DIFFERS", f"{where} is {worst:.1f} standard errors from the "
                                      "reference's (3 allowed)")


def compare_section(key: str, new: dict, ref: dict | None) -> Comparison:
    """Compare one section of two builds (``{"results": ..., "experiment": ...}`` dicts).

    ``experiment`` (the experiment's results.json) is compared bitwise or
    within :data:`RTOL`, statistically for ``sec5c``.
    """
    if not ref:
        return Comparison(key, "no reference", "the reference build has no such section")
    parts = [_generic(key, {"results": new.get("results")}, {"results": ref.get("results")})]
    ne, re_ = new.get("experiment"), ref.get("experiment")
    if ne is not None or re_ is not None:
        if ne is None or re_ is None:
            parts.append(Comparison(key, "DIFFERS", "the experiment's results.json is missing "
                                                    "in one build"))
        elif key == "sec5c":
            parts.append(_statistical(key, ne, re_))
        else:
            parts.append(_generic(key, ne, re_))
    for c in parts:
        if c.verdict == "DIFFERS":
            return c
    stat = [c for c in parts if c.verdict == "statistically"]
    if stat:
        return stat[0]
    within = [c for c in parts if c.verdict.startswith("within")]
    return within[0] if within else parts[0]


def load_build(folder: str | Path, *, quick: bool = False) -> dict[str, dict]:
    """``{key: {"results", "experiment", "seconds", "quick"}}`` of the build in ``folder``.

    ``seconds_from_scratch`` is added where an experiment's ``timing.json``
    gives the time of its repetitions (V-C: a resumed step's own seconds are
    those of the resume).

    Reads ``steps/KEY.json`` and, for Section V, ``NAME/results.json`` (quick
    builds: ``quick/NAME/results.json``). An unreadable file counts as missing.

    Examples
    --------
    >>> import tempfile
    >>> load_build(tempfile.mkdtemp())
    {}
    """
    folder = Path(folder)
    out: dict[str, dict] = {}
    for step in sorted((folder / "steps").glob("*.json")):
        if step.name.startswith("."):  # the folder's manifest, not a step
            continue
        try:
            rec = json.loads(step.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(rec, dict) or rec.get("failed"):
            continue
        key = step.stem
        entry = {"results": rec.get("results"), "seconds": rec.get("seconds"),
                 "quick": rec.get("quick"), "experiment": None}
        name = EXPERIMENT_OF.get(key)
        if name:
            path = folder / ("quick" if rec.get("quick") else "") / name / "results.json"
            with contextlib.suppress(OSError, ValueError):
                entry["experiment"] = json.loads(path.read_text())
            # a resumed step records seconds of the resume only: the repetitions' own times
            # (V-C's timing.json) say how long a computation from scratch takes
            with contextlib.suppress(OSError, ValueError, AttributeError, TypeError):
                timing = json.loads((path.parent / "timing.json").read_text())
                entry["seconds_from_scratch"] = seconds_from_scratch(timing)
        out[key] = entry
    return out


def seconds_from_scratch(timing: dict) -> float:
    """The wall time a V-C run from scratch takes, from the run's ``timing.json``.

    A run that computed every repetition itself records its own wall time; a resumed run
    records only the resume's, so the repetitions' own times are added up and divided by
    the workers that ran them side by side (``"processes"``, ``"dask"``; one otherwise).

    Examples
    --------
    >>> seconds_from_scratch({"seconds_per_repetition": {"0": 10, "1": 12},
    ...                       "repetitions_computed": 2, "wall_seconds": 23.5})
    23.5
    >>> seconds_from_scratch({"seconds_per_repetition": {"0": 10, "1": 12, "2": 14},
    ...                       "repetitions_computed": 1, "executor": "processes", "workers": 2})
    18.0
    """
    per = [float(v) for v in timing["seconds_per_repetition"].values()]
    wall = timing.get("wall_seconds")
    if timing.get("repetitions_computed") == len(per) and isinstance(wall, (int, float)):
        return float(wall)
    side_by_side = timing.get("workers") if timing.get("executor") in ("processes", "dask") else 1
    return sum(per) / max(1, int(side_by_side or 1))


def compare_builds(new: dict[str, dict], ref: dict[str, dict], keys: list[str]
                   ) -> list[Comparison]:
    """One :class:`Comparison` per key; a quick build is not compared with a full one."""
    res = []
    for key in keys:
        n, r = new.get(key), ref.get(key)
        if n is None:
            res.append(Comparison(key, "not compared", "not built in this run"))
        elif r is None:
            res.append(Comparison(key, "no reference", "not in the reference build"))
        elif bool(n.get("quick")) != bool(r.get("quick")):
            # sizes differ: a section computed alike at both sizes (e.g. Section IV) can
            # still reproduce; any difference is expected and not reported as one
            c = compare_section(key, n, r)
            size = "quick build" if n.get("quick") else "the reference is a quick build"
            if c.reproduces:
                res.append(Comparison(key, c.verdict, "; ".join(
                    x for x in (c.detail, f"{size}, this section is the same at both sizes")
                    if x)))
            else:
                res.append(Comparison(key, "not compared",
                                      f"{size}; the reference is full size" if n.get("quick")
                                      else size))
        else:
            res.append(compare_section(key, n, r))
    return res
