"""Files: the ownership manifest under concurrent writers, --out never replaces a user's file,
corrupt repetition files are set aside and recomputed, modes follow the umask."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from symrelu.cli import files
from symrelu.cli.experiment_cmd import OUTPUTS
from symrelu.cli.files import OutputGuard
from symrelu.cli.main import main
from symrelu.numeric import results
from symrelu.numeric.experiments import _repetitions
from symrelu.numeric.experiments._repetitions import (
    CorruptRepetitionWarning,
    RepetitionMismatchError,
    load_finished,
    repetition_path,
    run_repetitions,
)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_manifest_name():
    assert files.MANIFEST == results.MANIFEST == ".symrelu-outputs.json"


# ------------------------------------------------------------------ umask


@pytest.fixture
def umask():
    old = os.umask(0o022)
    os.umask(old)

    def set_umask(mask: int) -> None:
        os.umask(mask)

    yield set_umask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_files_get_the_umask_mode(tmp_path, umask, mask):
    umask(mask)
    # the reference: a file created the ordinary way under the same umask
    (tmp_path / "plain.txt").write_text("x")
    expected = stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)
    assert expected == 0o666 & ~mask
    written = [
        results.atomic_write_text(tmp_path / "a.txt", "a"),
        results.atomic_write_json(tmp_path / "sub" / "b.json", {"b": 1}),
        OutputGuard().write(tmp_path / "c.tex", "c"),
        tmp_path / results.MANIFEST,  # written by the guard
    ]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert stat.S_IMODE((tmp_path / "sub").stat().st_mode) == 0o777 & ~mask


def test_replacing_a_file_takes_the_umask_mode(tmp_path, umask):
    umask(0o022)
    target = tmp_path / "r.json"
    target.write_text("{}")
    target.chmod(0o600)
    results.atomic_write_text(target, "[]")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


@pytest.mark.parametrize("mask", ["022", "077"])
def test_cli_files_get_the_umask_mode(tmp_path, mask):
    # `symrelu report` as a user runs it, in a shell with that umask
    script = "import sys; from symrelu.cli.main import main; sys.exit(main())"
    subprocess.run(f"umask {mask}; {sys.executable} -c '{script}' report 1@5 --order 0 "
                   "--no-figure -o out/r.tex", shell=True, check=True, cwd=tmp_path,
                   capture_output=True)
    want = 0o666 & ~int(mask, 8)
    for name in ("r.tex", "r.json", results.MANIFEST):
        assert stat.S_IMODE((tmp_path / "out" / name).stat().st_mode) == want, name


# ------------------------------------------------------------------ concurrent writers


def _writer(directory: str, k: int, n: int, start) -> None:
    start.wait()
    guard = OutputGuard()
    for j in range(n):
        guard.write(Path(directory) / f"r{k}-{j}.tex", f"{k} {j}")
        guard.write(Path(directory) / f"r{k}-{j}.json", f"[{k}, {j}]")


def test_manifest_survives_six_concurrent_writers(tmp_path):
    # six processes, released at once by a barrier, each writing 2 x 10 files in one folder
    # (`symrelu report` writes its .tex and .json through the same OutputGuard.write)
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(6)
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), k, 10, start)) for k in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    names = {f"r{k}-{j}.{ext}" for k in range(6) for j in range(10) for ext in ("tex", "json")}
    manifest = results.read_manifest(tmp_path)
    assert set(manifest) == names
    # every entry is the SHA-256 of the file's content (recomputed here with hashlib)
    import hashlib

    for name in names:
        assert manifest[name] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    # a rerun accepts its own files, and no temporary file is left behind
    guard = OutputGuard()
    for name in names:
        guard.write(tmp_path / name, "again")
    assert {p.name for p in tmp_path.iterdir()} == names | {results.MANIFEST}


@pytest.mark.slow
def test_six_concurrent_report_runs(tmp_path):
    # the case: six `symrelu report` runs at once in one folder
    script = "import sys; from symrelu.cli.main import main; sys.exit(main())"
    procs = [subprocess.Popen([sys.executable, "-c", script, "report", f"1@{k + 1}", "--order",
                               "0", "--no-figure", "-o", f"r{k}.tex"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(6)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    want = {f"r{k}.{ext}" for k in range(6) for ext in ("tex", "json")}
    assert set(results.read_manifest(tmp_path)) == want
    code = main(["report", "1@1", "--order", "0", "--no-figure", "-o", str(tmp_path / "r0.tex")])
    assert code == 0


# ------------------------------------------------------------------ guarded writes


def test_guarded_outputs_refuses_users_files_and_force_replaces(tmp_path):
    user = tmp_path / "summary.txt"
    user.write_text("the user's own")
    with results.guarded_outputs():
        with pytest.raises(results.OutputExistsError, match="summary.txt.*--force"):
            results.atomic_write_text(user, "ours")
        results.atomic_write_text(tmp_path / "results.json", "{}")
        results.atomic_write_text(tmp_path / "results.json", "{ }")  # ours: replaced
    assert user.read_text() == "the user's own"
    # edited since symrelu wrote it: the user's now
    (tmp_path / "results.json").write_text("edited")
    with results.guarded_outputs(), pytest.raises(results.OutputExistsError):
        results.atomic_write_text(tmp_path / "results.json", "{}")
    with results.guarded_outputs(force=True):
        results.atomic_write_text(user, "ours")
    assert user.read_text() == "ours" and results.is_ours(user)
    # outside the block, writes are plain atomic writes (the library's default)
    results.atomic_write_text(tmp_path / "free.txt", "x")
    assert "free.txt" not in results.read_manifest(tmp_path)


VD_TINY = ["--inits", "2", "--samples-per-class", "4", "--threads", "1", "--quiet"]


@pytest.mark.torch
def test_experiment_out_never_replaces_a_users_file(capsys, tmp_path):
    pytest.importorskip("torch")
    out = tmp_path / "vd"
    out.mkdir()
    mine = {"summary.txt": "my summary", "results.json": '{"mine": 1}', "fig5.png": "png"}
    for name, text in mine.items():
        (out / name).write_text(text)
    code, _, err = run(capsys, "experiment", "vd", *VD_TINY, "--out", str(out))
    assert code == 2 and err.count("\n") == 1
    assert "--force" in err and "results.json" in err
    for name, text in mine.items():
        assert (out / name).read_text() == text
    assert not results.read_manifest(out)  # refused before anything was written
    # --force replaces them; the rerun then needs no --force (the files are ours)
    assert run(capsys, "experiment", "vd", *VD_TINY, "--out", str(out), "--force")[0] == 0
    assert (out / "summary.txt").read_text() != "my summary"
    assert run(capsys, "experiment", "vd", *VD_TINY, "--out", str(out))[0] == 0


@pytest.mark.torch
def test_experiment_checks_every_write_not_only_the_known_names(capsys, tmp_path, monkeypatch):
    pytest.importorskip("torch")
    from symrelu.cli import experiment_cmd

    monkeypatch.setitem(experiment_cmd.OUTPUTS, "vd", ())  # no check before the run
    out = tmp_path / "vd"
    out.mkdir()
    (out / "fig5.pdf").write_text("my figure")
    code, _, err = run(capsys, "experiment", "vd", *VD_TINY, "--out", str(out))
    assert code == 2 and "fig5.pdf" in err and "--force" in err
    assert (out / "fig5.pdf").read_text() == "my figure"


@pytest.mark.torch
@pytest.mark.parametrize("name, argv", [
    ("vd", VD_TINY),
    ("vc", ["--reps", "1", "--epochs", "1", "--samples-per-class", "8", "--threads", "1",
            "--quiet"]),
])
def test_outputs_table_lists_what_the_experiment_writes(capsys, tmp_path, name, argv):
    pytest.importorskip("torch")
    out = tmp_path / name
    assert run(capsys, "experiment", name, *argv, "--out", str(out))[0] == 0
    written = {p.name for p in out.iterdir() if p.is_file()} - {results.MANIFEST}
    assert written and written <= set(OUTPUTS[name])
    assert set(results.read_manifest(out)) == written  # every file recorded


# ------------------------------------------------------------------ corrupt repetition files


def _square(i: int) -> dict:
    return {"sq": i * i}


def _records(tmp_path, n=3):
    done, _ = run_repetitions(_square, n, out_dir=tmp_path, fingerprint={"k": 1}, progress=False)
    return done


@pytest.mark.parametrize("damage, problem", [
    (lambda text: text[: len(text) // 2], "not valid JSON"),
    (lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "data"}),
     "missing its key(s) 'data'"),
    (lambda text: json.dumps({"index": 1}), "missing its key(s) 'fingerprint', 'data'"),
    (lambda text: "[1, 2]", "not a JSON object"),
    (lambda text: "\udcff", "not valid JSON"),
])
def test_corrupt_repetition_is_set_aside_and_recomputed(tmp_path, damage, problem):
    assert _records(tmp_path) == {i: _square(i) for i in range(3)}
    path = repetition_path(tmp_path, 1)
    bad = damage(path.read_text()).encode("utf-8", "surrogateescape")
    path.write_bytes(bad)
    with pytest.warns(CorruptRepetitionWarning) as caught:
        done = _records(tmp_path)
    message = str(caught[0].message)
    assert str(path) in message and problem in message and "rep-00001.json.corrupt-1" in message
    assert done == {i: _square(i) for i in range(3)}  # recomputed: the task's own value
    assert (tmp_path / "repetitions" / "rep-00001.json.corrupt-1").read_bytes() == bad
    assert json.loads(path.read_text())["data"] == _square(1)
    # a second corruption goes to the next free name
    path.write_text("{")
    with pytest.warns(CorruptRepetitionWarning, match="corrupt-2"):
        _records(tmp_path)
    assert (tmp_path / "repetitions" / "rep-00001.json.corrupt-2").read_text() == "{"


def test_other_parameters_are_still_an_error(tmp_path):
    _records(tmp_path)
    with pytest.raises(RepetitionMismatchError, match="rep-00000.json"):
        load_finished(tmp_path, {"k": 2}, range(3))


def test_unknown_executor_is_a_symrelu_error():
    from symrelu.errors import SymreluError

    with pytest.raises(SymreluError, match="executor"):
        run_repetitions(_square, 1, out_dir=None, fingerprint={}, executor="spark")


@pytest.mark.torch
@pytest.mark.parametrize("damage", ["truncated", "missing keys"])
def test_vc_resume_with_a_corrupt_repetition(capsys, tmp_path, damage):
    pytest.importorskip("torch")
    out = tmp_path / "vc"
    argv = ["experiment", "vc", "--reps", "2", "--epochs", "1", "--samples-per-class", "8",
            "--threads", "1", "--no-figures", "--quiet", "--out", str(out)]
    assert run(capsys, *argv)[0] == 0
    path = repetition_path(out, 1)
    original = json.loads(path.read_text())
    text = path.read_text()
    if damage == "truncated":
        path.write_text(text[: len(text) // 2])
    else:
        path.write_text(json.dumps({"index": 1, "seconds": 1.0}))
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    assert f"symrelu: warning: repetition file {path}" in err
    assert path.with_name("rep-00001.json.corrupt-1").exists()
    # recomputed with the same seed: the same numbers as the first run
    assert json.loads(path.read_text())["data"] == original["data"]
    record = json.loads((out / "results.json").read_text())
    assert record["complete"] and record["repetitions"] == [0, 1]


def test_no_warning_leaks_from_a_clean_resume(tmp_path):
    _records(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _records(tmp_path)


def test_scheduler_timeout_is_short():
    assert 0 < _repetitions.SCHEDULER_TIMEOUT_S <= 30
