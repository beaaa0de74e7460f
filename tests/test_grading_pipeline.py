"""The grading pipeline's parts: plain data across the wall, restoring cells, the trusted replay of
hidden tests, collecting submissions (folders and LMS zips), the fallback without bubblewrap,
every lesson's hidden tests replayable, and the PostgreSQL gradebook with -j 2."""

import json
import os
import shutil
import subprocess
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import free_port

from grading import sandbox, trusted
from grading.course import (
    LESSONS,
    answer,
    graded_cells,
    lesson_ids,
    lesson_notebook,
    nbgrader_meta,
    read_notebook,
)
from grading.gradebook import scores as gradebook_scores
from grading.pipeline import collect, grade_lesson, restore
from grading.sandbox import wire

LESSON = "01-perceptron"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=np.float64))\n"


def notebooks():
    return read_notebook(lesson_notebook(LESSON, LESSONS)), read_notebook(lesson_notebook(LESSON))


# ------------------------------------------------------------------ wire


def test_plain_data_round_trips():
    value = (np.arange(6.0).reshape(2, 3), [1, 2.5, True, None, "x"], {"a": np.int64(3)})
    back = wire.decode(json.loads(json.dumps(wire.encode(value))))
    assert isinstance(back, tuple) and isinstance(back[1], list)
    np.testing.assert_array_equal(back[0], value[0])
    assert back[1] == [1, 2.5, True, None, "x"] and back[2]["a"] == 3


class Rigged(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [object(), Rigged(1.0), np.array([object()]), {1.5: 2}])
def test_anything_but_plain_data_is_refused(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


def test_an_array_subclass_crosses_as_a_plain_array():
    class Odd(np.ndarray):
        def __eq__(self, other):
            return True

    back = wire.decode(wire.encode(np.zeros(3).view(Odd)))
    assert type(back) is np.ndarray


def test_pickled_arrays_are_refused():
    import base64
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    message = {"t": "np", "scalar": False, "b": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(ValueError):
        wire.decode(message)


# ------------------------------------------------------------------ restoring cells


def test_restore_puts_back_edited_deleted_and_stripped_test_cells():
    released, source = notebooks()
    student = answer(released, source)
    kept = []
    for cell in student["cells"]:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid == "step-tests":
            continue  # deleted
        if gid == "sigmoid-tests":
            cell["source"] = "pass"  # edited
        if gid == "perceptron-step-tests":
            del cell["metadata"]["nbgrader"]  # stripped
        kept.append(cell)
    student["cells"] = kept
    cells, notes = restore(student, source)
    tests = [c for c in cells if c["kind"] == "test"]
    ids = [c["grade_id"] for c in tests]
    assert ids == [
        "step-tests",
        "perceptron-output-tests",
        "sigmoid-tests",
        "perceptron-step-tests",
        "train-perceptron-tests",
    ]
    originals = {nbgrader_meta(c).get("grade_id"): "".join(c["source"]) for c in source["cells"]}
    assert all(c["source"] == originals[c["grade_id"]] for c in tests)
    text = " ".join(notes)
    assert "'step-tests' was deleted" in text and "'sigmoid-tests' was edited" in text
    assert "'perceptron-step-tests' was deleted or stripped" in text
    # each put-back test cell follows its own answer
    order = [c.get("grade_id") for c in cells if c.get("grade_id")]
    assert order.index("step-tests") == order.index("step") + 1


# ------------------------------------------------------------------ trusted replay


def test_replay_plans_calls_with_earlier_exercises_swapped():
    _, source = notebooks()
    replayer = trusted.Replayer(source)
    cell = next(
        c for c in graded_cells(source) if nbgrader_meta(c)["grade_id"] == "perceptron-step-tests"
    )
    plan = replayer.plan("".join(cell["source"]), "perceptron-step-tests", seed=1)
    assert not plan.problems
    calls = [call for step in plan.steps for call in step.calls]
    assert len(calls) >= 5 and {c.fn for c in calls} == {"perceptron_step"}
    visible = [s for s in plan.steps if s.kind == "visible"][0]
    assert visible.swaps == {"step": "_reference_step", "perceptron_output": "_reference_output"}
    assert "def _reference_step" in plan.defs and "_reference_perceptron_step" not in plan.defs
    again = replayer.plan("".join(cell["source"]), "perceptron-step-tests", seed=1)
    np.testing.assert_array_equal(calls[0].args[0], again.steps[-1].calls[0].args[0])


def test_trusted_comparison_ignores_what_the_kernel_says():
    call = trusted.Call("sigmoid", (np.zeros(3),), "sigmoid (case 1)", {}, expected=np.full(3, 0.5))
    assert trusted.judge_answer(call, True, np.full(3, 0.5), "") is None
    assert "differ" in trusted.judge_answer(call, True, np.zeros(3), "")
    assert "raised" in trusted.judge_answer(call, False, None, "sigmoid raised ValueError: x")
    assert trusted.judge_answer(call, True, [0.5, 0.5, 0.5], "")  # a list is not an array


@pytest.mark.parametrize("lesson", [lesson for lesson in lesson_ids() if lesson != "00-welcome"])
def test_every_lessons_hidden_tests_replay_cleanly(lesson):
    """Each hidden block follows the grading contract: replayable without student code."""
    source = read_notebook(lesson_notebook(lesson))
    replayer = trusted.Replayer(source)
    for cell in graded_cells(source):
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            text = "".join(cell["source"])
            plan = replayer.plan(text, meta["grade_id"], seed=0)
            assert not plan.problems, plan.problems
            if "BEGIN HIDDEN TESTS" in text:
                assert any(s.calls for s in plan.steps), f"{meta['grade_id']}: no check_function"


# ------------------------------------------------------------------ collecting


def test_collect_reads_folders_and_lms_zips(tmp_path):
    released, source = notebooks()
    solved = json.dumps(answer(released, source))
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ada/01-perceptron.ipynb", solved)
        zf.writestr("bob_12345_perceptron.ipynb", solved)
        zf.writestr("../../evil/01-perceptron.ipynb", solved)
    found = {s.student: s for s in collect(archive, LESSON, tmp_path / "scratch")}
    assert found["ada"].path and found["bob"].path and not found["ada"].error
    assert all(tmp_path in s.path.parents for s in found.values() if s.path)


# ------------------------------------------------------------------ fallback and PostgreSQL


def _class_of_two(folder: Path) -> Path:
    released, source = notebooks()
    for student, notebook in [
        ("ada", answer(released, source)),
        ("bob", answer(released, source, {"sigmoid": WRONG_SIGMOID})),
    ]:
        (folder / student).mkdir(parents=True)
        (folder / student / f"{LESSON}.ipynb").write_text(json.dumps(notebook))
    return folder


def test_fallback_without_bubblewrap_grades_and_says_so_loudly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NN_GRADING_NO_BWRAP", "1")
    sandbox.probe.cache_clear()
    try:
        results = grade_lesson(LESSON, _class_of_two(tmp_path / "in"), tmp_path / "out", quiet=True)
    finally:
        sandbox.probe.cache_clear()
    assert [r["score"] for r in results] == [11, 9]
    assert all(r["sandbox"].startswith("FALLBACK") for r in results)
    assert "WARNING: no bubblewrap sandbox" in capsys.readouterr().err
    assert "NO SANDBOX" in (tmp_path / "out" / f"summary-{LESSON}.txt").read_text()


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@pytest.fixture
def postgres(tmp_path):
    """A throwaway PostgreSQL server on a free port, run by the postgres user when we are root."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        message = "!!!!!!!! PostgreSQL is not installed: the PostgreSQL gradebook test SKIPS"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
    # Not under pytest's tmp_path: the postgres user cannot enter root's 0700 folders.
    data = Path(tempfile.mkdtemp(prefix="nn-grading-pg-"))
    user = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
        user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    run = lambda *cmd: subprocess.run([*user, *cmd], check=True, capture_output=True)  # noqa: E731
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "grader", "--auth=trust")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w", "-o",
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start")  # fmt: skip
    try:
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "grades")
        yield f"postgresql://grader@127.0.0.1:{port}/grades"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)


def test_postgresql_gradebook_with_two_workers(tmp_path, postgres):
    if sandbox.probe().kind != "bwrap":
        warnings.warn("!!!!!!!! no bubblewrap: PostgreSQL test in the fallback", stacklevel=2)
    folder = _class_of_two(tmp_path / "in")
    results = grade_lesson(LESSON, folder, tmp_path / "out", jobs=2, db=postgres, quiet=True)
    assert {r["student"]: r["score"] for r in results} == {"ada": 11, "bob": 9}
    held = gradebook_scores(postgres, LESSON)
    assert held["ada"]["sigmoid-tests"] == 2 and held["bob"]["sigmoid-tests"] == 0
    assert not (tmp_path / "out" / "gradebook.db").exists()


def test_the_instructor_command_grades_an_lms_zip(tmp_path, capsys):
    from grading.__main__ import main

    folder = _class_of_two(tmp_path / "in")
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.rglob("*.ipynb"):
            zf.write(path, path.relative_to(folder))
    main(
        ["grade", LESSON, "--submissions", str(archive), "--out", str(tmp_path / "out"), "-j", "1"]
    )
    assert "ada: 11/13" in capsys.readouterr().out
    rows = (tmp_path / "out" / f"grades-{LESSON}.csv").read_text().splitlines()
    assert rows[1].startswith("ada,01-perceptron,11,13,") and rows[2].startswith(
        "bob,01-perceptron,9,13,"
    )
    assert (tmp_path / "out" / "feedback" / "bob" / LESSON / "feedback.html").exists()
