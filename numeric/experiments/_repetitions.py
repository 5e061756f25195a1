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
``"processes"``
    Runs the pending repetitions in ``workers`` worker processes (default: one
    per usable core), started with the ``spawn`` method (safe with torch's
    thread pools, portable), each limited to ``worker_threads`` threads
    (``OMP_NUM_THREADS`` and friends), then set up by the caller's
    ``initializer`` (V-C: import torch, ``torch.set_num_threads``), so the
    repetitions' timings leave the start-up out. The task and its results
    travel by pickle; this process writes each result as it arrives, so the
    files, the resume and the progress bar (with its ETA over all workers) are
    those of the other executors. The workers ignore SIGINT: on Ctrl-C this process cancels what
    has not started, terminates the workers (their unfinished repetitions are
    lost, the finished ones are already on disk) and re-raises the
    ``KeyboardInterrupt``. A worker that dies (killed, out of memory) is a
    :class:`WorkerProcessError`.
``"threads"``
    Runs the repetitions one after another in this process; the task uses as
    many threads as it sets (V-C: ``--threads``, default all cores).
``"dask"``
    Submits the pending repetitions to a ``dask.distributed`` scheduler
    (``scheduler="tcp://host:8786"``, or an existing ``distributed.Client``
    passed as ``client``); without either, a local cluster of ``workers``
    worker processes with one thread each is started for the run and closed
    at its end. Results are written by this process as they arrive, with the
    same files and resume semantics as the other executors. A scheduler that
    does not answer within :data:`SCHEDULER_TIMEOUT_S` seconds is a
    :class:`SchedulerUnreachableError`.

Whatever the executor and the number of workers, a repetition's numbers
depend only on the task and its index (V-C seeds each repetition from
``(seed, index)``), so the results are bitwise the same for the same task.
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
    "usable_cores",
    "repetition_path",
    "load_finished",
    "run_repetitions",
    "check_executor",
    "EXECUTORS",
    "START_METHOD",
    "SCHEDULER_TIMEOUT_S",
    "RepetitionMismatchError",
    "SchedulerUnreachableError",
    "WorkerProcessError",
    "CorruptRepetitionWarning",
]

EXECUTORS = ("processes", "threads", "dask")

#: how the worker processes are started: ``spawn`` gives each a fresh interpreter
#: (no copy of a parent's torch thread pool, the same on every platform)
START_METHOD = "spawn"

#: the environment variables that bound a worker's native thread pools
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")

#: seconds to wait for a Dask scheduler to answer before giving up
SCHEDULER_TIMEOUT_S = 10.0

#: the keys every repetition file holds
_KEYS = ("fingerprint", "data")


class RepetitionMismatchError(NumericInputError):
    """A finished repetition file in the output folder was computed with other parameters."""


class SchedulerUnreachableError(EnvironmentProblemError):
    """The Dask scheduler at the given address cannot be reached."""


class WorkerProcessError(EnvironmentProblemError):
    """A worker process died (killed, out of memory) before returning its repetition."""


class CorruptRepetitionWarning(SymreluWarning):
    """A repetition file could not be read; it was set aside and is computed again."""


def usable_cores() -> int:
    """The number of CPU cores this process may run on (its affinity mask where known).

    Examples
    --------
    >>> usable_cores() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):  # Linux; elsewhere every core is usable
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


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
    executor: str = "threads",
    workers: int | None = None,
    worker_threads: int = 1,
    initializer: Callable[[], None] | None = None,
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
        module-level function or a ``functools.partial`` of one) for the
        ``"processes"`` and ``"dask"`` executors.
    n : int
        Number of repetitions.
    out_dir : path or None
        Where finished repetitions are stored; None keeps everything in memory
        (no resume).
    fingerprint : mapping
        The parameters that determine a repetition's numbers.
    executor : {"threads", "processes", "dask"}
        Where to run the pending repetitions (see the module docstring).
    workers : int, optional
        Worker processes for ``"processes"`` and for the local Dask cluster
        (default: :func:`usable_cores`; never more than the pending
        repetitions). Not allowed with ``"threads"`` or a Dask scheduler.
    worker_threads : int
        Native threads per worker process of ``"processes"`` (1).
    initializer : callable, optional
        Called once in each worker process of ``"processes"`` before its first
        repetition (picklable, like ``task``).
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
    check_executor(executor, workers, scheduler if client is None else "client")
    if not isinstance(worker_threads, int) or isinstance(worker_threads, bool) \
            or worker_threads < 1:
        raise NumericInputError(
            f"worker_threads must be a positive integer (got {worker_threads!r})")
    fingerprint = _normalise(fingerprint)
    done = load_finished(out_dir, fingerprint, range(n)) if out_dir is not None else {}
    pending = [i for i in range(n) if i not in done]
    seconds: dict[int, float] = {}
    workers = usable_cores() if workers is None else workers

    def finish(i: int, data: dict, dt: float) -> None:
        data = _normalise(data)
        if out_dir is not None:
            _write(out_dir, fingerprint, i, data, dt)
        done[i] = data
        seconds[i] = dt
        if on_update is not None:
            on_update(dict(done))
        if bar is not None:
            bar.update(1)

    bar = None
    if progress:
        from tqdm.auto import tqdm

        k = min(workers, len(pending))
        if executor == "processes" and pending:
            desc = f"{desc} ({k} processes)"
        elif executor == "dask" and pending:
            remote = client is not None or scheduler is not None
            desc = f"{desc} (Dask)" if remote else f"{desc} (local Dask cluster, {k} processes)"
        bar = tqdm(total=n, initial=len(done), desc=desc, unit="rep", smoothing=0.1)
    try:
        if not pending:
            pass
        elif executor == "threads":
            for i in pending:
                finish(*_timed(task, i))
        elif executor == "processes":
            _run_processes(task, pending, min(workers, len(pending)), worker_threads,
                           initializer, finish)
        else:
            _run_dask(task, pending, scheduler, client, min(workers, len(pending)), finish)
    finally:
        if bar is not None:
            bar.close()
    return done, seconds


def check_executor(executor: str, workers: int | None = None, scheduler: Any = None) -> None:
    """Raise :class:`~symrelu.numeric.errors.NumericInputError` for a bad executor setting.

    ``workers`` (a positive integer or None) belongs to ``"processes"`` and to
    the local cluster of ``"dask"``; ``scheduler`` to ``"dask"`` alone.

    Examples
    --------
    >>> check_executor("processes", 2)
    >>> try:
    ...     check_executor("threads", 2)
    ... except ValueError as exc:
    ...     print(exc)
    workers applies to executor 'processes' or 'dask' (executor 'threads' runs the \
repetitions one after another in this process; set its thread count instead)
    """
    if executor not in EXECUTORS:
        raise NumericInputError(
            f"executor must be one of {', '.join(map(repr, EXECUTORS))} (got {executor!r})")
    if workers is not None:
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise NumericInputError(f"workers must be a positive integer (got {workers!r})")
        if executor == "threads":
            raise NumericInputError(
                "workers applies to executor 'processes' or 'dask' (executor 'threads' runs "
                "the repetitions one after another in this process; set its thread count "
                "instead)")
        if executor == "dask" and scheduler is not None:
            raise NumericInputError(
                "workers sets the size of a local Dask cluster; with a scheduler the "
                "cluster's own workers run the repetitions (leave workers out)")
    if scheduler is not None and executor != "dask":
        raise NumericInputError(
            f"a Dask scheduler applies to executor 'dask' only (executor is {executor!r})")


def _timed(task: Callable[[int], dict], i: int) -> tuple[int, dict, float]:
    t0 = time.perf_counter()
    data = task(i)
    return i, data, time.perf_counter() - t0


def _init_worker(threads: int, initializer: Callable[[], None] | None) -> None:
    """Set up a worker process: Ctrl-C left to the parent, bounded native threads."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(threads)
    if initializer is not None:
        initializer()


def _run_processes(task, pending, workers, threads, initializer, finish) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(max_workers=workers,
                               mp_context=multiprocessing.get_context(START_METHOD),
                               initializer=_init_worker, initargs=(threads, initializer))
    futures = {}
    clean = False
    try:
        futures = {pool.submit(_timed, task, i): i for i in pending}
        for fut in as_completed(futures):
            try:
                result = fut.result()
            except BrokenProcessPool:
                raise WorkerProcessError(
                    f"a worker process died while computing repetition {futures[fut]} "
                    "(killed, out of memory, or started from a script whose top level "
                    "runs the experiment without an `if __name__ == '__main__':` guard, "
                    "which the spawn start method needs); the finished repetitions are "
                    "kept, a rerun computes the rest") from None
            finish(*result)
        clean = True
    finally:
        if clean:
            pool.shutdown(wait=True)
        else:  # Ctrl-C or an error: stop now, the finished repetitions are on disk
            pool.shutdown(wait=False, cancel_futures=True)
            mine = set(multiprocessing.active_children()) - before
            for proc in mine:
                proc.terminate()
            for proc in mine:
                proc.join(timeout=10)


def _run_dask(task, pending, scheduler, client, workers, finish) -> None:
    from distributed import Client, as_completed

    own = client is None
    cluster = None
    if own and scheduler is None:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    elif own:
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
            finish(*fut.result())
    finally:
        unfinished = [f for f in futures if not f.done()]
        if unfinished:
            client.cancel(unfinished)
        if own:
            client.close()
        if cluster is not None:
            cluster.close()
