"""Resumable runner for independent repetitions, in-process or on Dask.

An experiment made of independent repetitions (V-C: one repetition trains the
three CNNs once) hands this module a picklable ``task(index) -> dict`` and an
output directory. Every finished repetition is written atomically to its own
file ``<out>/repetitions/rep-00007.json`` holding the repetition's data and a
*fingerprint* of the parameters that determine its numbers. A rerun with the
same directory loads the finished files, checks their fingerprints and only
computes what is missing, so nothing finished is ever recomputed or lost; a
file with a different fingerprint is an error (results from two different
configurations are never mixed: :class:`RepetitionMismatchError`). A file that
cannot be read (truncated JSON, missing keys) is set aside as
``rep-00007.json.corrupt-1`` with a :class:`CorruptRepetitionWarning` naming
it, and that repetition is computed again.

After each finished repetition the caller's ``on_update(done)`` callback runs
(the experiments rewrite their aggregate results file there, atomically), so an
interrupted run (Ctrl-C) always leaves a consistent aggregate of the
repetitions finished so far.

Executors
---------
``"local"``
    Runs the repetitions one after another in this process.
``"dask"``
    Submits the pending repetitions to a ``dask.distributed`` scheduler
    (``scheduler="tcp://host:8786"``, or an existing ``distributed.Client``
    passed as ``client``); results are written by this process as they arrive,
    with the same files and resume semantics as the local executor. A scheduler
    that does not answer within :data:`SCHEDULER_TIMEOUT_S` seconds is a
    :class:`SchedulerUnreachableError`.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from symrelu.numeric.errors import NumericInputError
from symrelu.numeric.results import OutputPathError, atomic_write_json

from symrelu.errors import EnvironmentProblemError, SymreluWarning

__all__ = [
    "repetition_path",
    "load_finished",
    "run_repetitions",
    "EXECUTORS",
    "SCHEDULER_TIMEOUT_S",
    "RepetitionMismatchError",
    "SchedulerUnreachableError",
    "CorruptRepetitionWarning",
]

EXECUTORS = ("local", "dask")

#: seconds to wait for a Dask scheduler to answer before giving up
SCHEDULER_TIMEOUT_S = 10.0

#: the keys every repetition file holds
_KEYS = ("fingerprint", "data")


class RepetitionMismatchError(NumericInputError):
    """A finished repetition file in the output folder was computed with other parameters."""


class SchedulerUnreachableError(EnvironmentProblemError):
    """The Dask scheduler at the given address cannot be reached."""


class CorruptRepetitionWarning(SymreluWarning):
    """A repetition file could not be read; it was set aside and is computed again."""


def repetition_path(out_dir: str | os.PathLike, index: int) -> Path:
    """Path of the file holding repetition ``index`` under ``out_dir``.

    Examples
    --------
    >>> repetition_path("reports/vc", 7).as_posix()
    'reports/vc/repetitions/rep-00007.json'
    """
    return Path(out_dir) / "repetitions" / f"rep-{int(index):05d}.json"


def load_finished(
    out_dir: str | os.PathLike, fingerprint: Mapping[str, Any], indices: Iterable[int]
) -> dict[int, dict]:
    """Load the finished repetitions among ``indices`` from ``out_dir``.

    Returns ``{index: data}``. Raises :class:`RepetitionMismatchError` when a
    finished file was produced with a different fingerprint (other
    parameters). A file that cannot be read (not JSON, truncated, missing its
    keys) is renamed to ``<name>.corrupt-<n>`` with a
    :class:`CorruptRepetitionWarning` naming it, and left out, so that
    repetition is computed again.

    Examples
    --------
    >>> import tempfile
    >>> load_finished(tempfile.mkdtemp(), {"seed": 0}, range(3))
    {}
    """
    fingerprint = _normalise(fingerprint)
    done: dict[int, dict] = {}
    for i in indices:
        path = repetition_path(out_dir, i)
        if not path.exists():
            continue
        record = _read_record(path)
        if record is None:
            continue
        if _normalise(record["fingerprint"]) != fingerprint:
            raise RepetitionMismatchError(
                f"{path} was computed with parameters {record['fingerprint']!r}, "
                f"not {fingerprint!r}; use another output directory or delete it"
            )
        done[i] = record["data"]
    return done


def _read_record(path: Path) -> dict | None:
    """The record in ``path``, or None after setting a corrupt file aside."""
    try:
        record = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = f"not valid JSON ({exc})"
    except OSError as exc:
        raise OutputPathError(f"cannot read {path}: {exc.strerror or exc}") from None
    else:
        if not isinstance(record, dict):
            problem = f"not a JSON object (a {type(record).__name__})"
        elif missing := [k for k in _KEYS if k not in record]:
            problem = f"missing its key(s) {', '.join(map(repr, missing))}"
        elif not isinstance(record["data"], dict):
            problem = f"its 'data' is not a JSON object (a {type(record['data']).__name__})"
        else:
            return record
    aside = _set_aside(path)
    warnings.warn(
        f"repetition file {path} is {problem}; moved it to {aside.name} and computing "
        "that repetition again",
        CorruptRepetitionWarning,
        stacklevel=3,
    )
    return None


def _set_aside(path: Path) -> Path:
    """Rename ``path`` to the first free ``<name>.corrupt-<n>``; return the new path."""
    n = 1
    while (target := path.with_name(f"{path.name}.corrupt-{n}")).exists():
        n += 1
    try:
        os.rename(path, target)
    except OSError as exc:
        raise OutputPathError(f"cannot set aside {path}: {exc.strerror or exc}") from None
    return target


def _normalise(obj: Any) -> Any:
    # JSON round trip, so tuples and lists compare equal to what was stored.
    return json.loads(json.dumps(obj, sort_keys=True, default=str))


def _write(out_dir, fingerprint, index, data, seconds) -> None:
    record = {"fingerprint": fingerprint, "index": index, "seconds": seconds, "data": data}
    atomic_write_json(repetition_path(out_dir, index), record)


def run_repetitions(
    task: Callable[[int], dict],
    n: int,
    *,
    out_dir: str | os.PathLike | None,
    fingerprint: Mapping[str, Any],
    executor: str = "local",
    scheduler: str | None = None,
    client: Any = None,
    progress: bool = True,
    desc: str = "repetitions",
    on_update: Callable[[dict[int, dict]], None] | None = None,
) -> tuple[dict[int, dict], dict[int, float]]:
    """Run repetitions ``0..n-1`` of ``task``, resuming from ``out_dir``.

    Parameters
    ----------
    task : callable
        ``task(index) -> dict`` (JSON-serialisable). Must be picklable (a
        module-level function or a ``functools.partial`` of one) for Dask.
    n : int
        Number of repetitions.
    out_dir : path or None
        Where finished repetitions are stored; None keeps everything in memory
        (no resume).
    fingerprint : mapping
        The parameters that determine a repetition's numbers.
    executor : {"local", "dask"}
        Where to run the pending repetitions.
    scheduler : str, optional
        Address of a Dask scheduler (``"tcp://host:8786"``) for ``executor="dask"``.
    client : distributed.Client, optional
        An existing Dask client (takes precedence over ``scheduler``).
    progress : bool
        Show a tqdm progress bar.
    desc : str
        Label of the progress bar.
    on_update : callable, optional
        Called with the dict of all finished repetitions after each one finishes.

    Returns
    -------
    done : dict
        ``{index: data}`` for every repetition (all ``n`` unless interrupted).
    seconds : dict
        Wall time of each repetition computed in this call.

    Examples
    --------
    >>> done, _ = run_repetitions(lambda i: {"sq": i * i}, 3, out_dir=None,
    ...                           fingerprint={}, progress=False)
    >>> [done[i]["sq"] for i in range(3)]
    [0, 1, 4]
    """
    if executor not in EXECUTORS:
        raise NumericInputError(f"executor must be one of {EXECUTORS} (got {executor!r})")
    fingerprint = _normalise(fingerprint)
    done = load_finished(out_dir, fingerprint, range(n)) if out_dir is not None else {}
    pending = [i for i in range(n) if i not in done]
    seconds: dict[int, float] = {}

    def finish(i: int, data: dict, dt: float) -> None:
        data = _normalise(data)
        if out_dir is not None:
            _write(out_dir, fingerprint, i, data, dt)
        done[i] = data
        seconds[i] = dt
        if on_update is not None:
            on_update(dict(done))

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, initial=len(done), desc=desc, unit="rep", smoothing=0.1)
    try:
        if executor == "local":
            for i in pending:
                t0 = time.perf_counter()
                data = task(i)
                finish(i, data, time.perf_counter() - t0)
                if bar is not None:
                    bar.update(1)
        else:
            _run_dask(task, pending, scheduler, client, finish, bar)
    finally:
        if bar is not None:
            bar.close()
    return done, seconds


def _timed(task: Callable[[int], dict], i: int) -> tuple[int, dict, float]:
    t0 = time.perf_counter()
    data = task(i)
    return i, data, time.perf_counter() - t0


def _run_dask(task, pending, scheduler, client, finish, bar) -> None:
    from distributed import Client, as_completed

    own = client is None
    if own:
        if scheduler is None:
            raise NumericInputError(
                "executor='dask' needs a scheduler address (e.g. tcp://host:8786)")
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise SchedulerUnreachableError(
                f"cannot reach the Dask scheduler at {scheduler!r} within "
                f"{SCHEDULER_TIMEOUT_S:g} s ({type(exc).__name__}: {exc}); start one "
                "(dask scheduler) or check the address"
            ) from None
        except ValueError as exc:  # distributed's parse of the address
            raise NumericInputError(
                f"scheduler {scheduler!r} is not a Dask address such as tcp://host:8786 ({exc})"
            ) from None
    futures = []
    try:
        futures = [client.submit(_timed, task, i, pure=False) for i in pending]
        for fut in as_completed(futures):
            i, data, dt = fut.result()
            finish(i, data, dt)
            if bar is not None:
                bar.update(1)
    finally:
        unfinished = [f for f in futures if not f.done()]
        if unfinished:
            client.cancel(unfinished)
        if own:
            client.close()
