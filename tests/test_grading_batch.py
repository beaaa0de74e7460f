"""The grading pipeline's parts: plain data across the wall, restoring cells, the trusted replay of
hidden tests, collecting submissions (folders and LMS zips), the fallback without bubblewrap,
every lesson's hidden tests replayable, and the PostgreSQL gradebook with -j 2."""

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sandbox_helpers import need_bwrap

from grading import judge, sandbox
from grading.batch import grade_lesson
from grading.cells import graded_cells, nbgrader_meta, read_notebook, with_answers
from grading.course import LESSONS, lesson_ids, lesson_notebook
from grading.restore import restore
from grading.sandbox import wire

LESSON = "01-perceptron"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=np.float64))\n"


def notebooks():
    return read_notebook(lesson_notebook(LESSON, LESSONS)), read_notebook(lesson_notebook(LESSON))


# ------------------------------------------------------------------ wire


def test_plain_data_round_trips():
    value = (np.arange(6.0).reshape(2, 3), [1, 2.5, True, None, "x", 2**80], {"a": np.int64(3)})
    back = wire.decode(wire.encode(value))
    assert isinstance(back, tuple) and isinstance(back[1], list)
    np.testing.assert_array_equal(back[0], value[0])
    assert back[1] == [1, 2.5, True, None, "x", 2**80] and back[2]["a"] == 3
    assert type(back[2]["a"]) is np.int64
    big_endian = np.arange(3, dtype=">f8")
    np.testing.assert_array_equal(wire.decode(wire.encode(big_endian)), big_endian)


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


def _array_header(dtype: str, shape: tuple) -> bytes:
    import struct

    head = b"a" + bytes([len(dtype)]) + dtype.encode() + bytes([len(shape)])
    return head + b"".join(struct.pack(">q", n) for n in shape)


@pytest.mark.parametrize(
    "message",
    [
        _array_header("<f8", (10**6, 10**6)),  # 8 TB claimed: refused before any allocation
        _array_header("|O", (1,)) + b"\0" * 8,  # objects (pickles) never cross
        _array_header("<f8", (-1,)),
        b"l" + (2**31).to_bytes(4, "big"),  # more items than bytes
        b"l\0\0\0\1" * 10_000 + b"N",  # 10,000 nested lists
        b"s\0\0\0\5ab",  # truncated text
        b"Nx",  # bytes left over
        b"?",
        b"I\0\0\0\3" + b"1e9",  # an integer that is not digits
    ],
)
def test_malformed_messages_are_refused_cheaply(message):
    with pytest.raises(wire.WireError):
        wire.decode(message)


def test_a_silent_reader_cannot_block_the_sender():
    import time

    read, write = os.pipe()
    os.set_blocking(write, False)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.send(write, {"big": "x" * 2**20}, deadline=time.monotonic() + 0.5)
    assert time.monotonic() - started < 2
    os.close(read)
    os.close(write)


# ------------------------------------------------------------------ restoring cells


def test_restore_puts_back_edited_deleted_and_stripped_test_cells():
    released, source = notebooks()
    student = with_answers(released, source)
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


def test_restore_runs_graded_cells_in_the_lessons_order():
    """A student who moves a test cell to the top (to catch what it binds) gains nothing: graded
    cells run where the source puts them, the student's own cells after their answer."""
    released, source = notebooks()
    student = with_answers(released, source)
    ids = [nbgrader_meta(c).get("grade_id") for c in student["cells"]]
    moved = student["cells"].pop(ids.index("train-perceptron-tests"))
    own = {"cell_type": "code", "metadata": {}, "source": "saved = dict(globals())"}
    student["cells"][:0] = [moved, own]
    cells, notes = restore(student, source)
    order = [c.get("grade_id") for c in cells if c.get("grade_id")]
    expected = [nbgrader_meta(c)["grade_id"] for c in graded_cells(source)]
    assert order == expected
    assert cells[0]["source"] == "saved = dict(globals())"  # before any answer: first
    assert any("moved" in note for note in notes)


# ------------------------------------------------------------------ trusted replay


def test_replay_plans_calls_with_earlier_exercises_swapped():
    _, source = notebooks()
    replayer = judge.Replayer(source)
    cell = next(
        c for c in graded_cells(source) if nbgrader_meta(c)["grade_id"] == "perceptron-step-tests"
    )
    plan = replayer.plan("".join(cell["source"]), "perceptron-step-tests", seed=1)
    assert not plan.problems
    calls = [call for step in plan.steps for call in step.calls]
    assert len(calls) >= 5 and {c.fn for c in calls} == {"perceptron_step"}
    visible = [s for s in plan.steps if s.kind == "visible"][0]
    assert visible.swaps == {"step": "_reference_step", "perceptron_output": "_reference_output"}
    assert set(plan.references) == {"_reference_step", "_reference_output"}
    again = replayer.plan("".join(cell["source"]), "perceptron-step-tests", seed=1)
    np.testing.assert_array_equal(calls[0].args[0], again.steps[-1].calls[0].args[0])


def test_trusted_comparison_ignores_what_the_kernel_says():
    call = judge.Call("sigmoid", (np.zeros(3),), "sigmoid (case 1)", {}, expected=np.full(3, 0.5))
    assert judge.judge_answer(call, True, np.full(3, 0.5), "") is None
    assert "differ" in judge.judge_answer(call, True, np.zeros(3), "")
    assert "raised" in judge.judge_answer(call, False, None, "sigmoid raised ValueError: x")
    assert judge.judge_answer(call, True, [0.5, 0.5, 0.5], "")  # a list is not an array


@pytest.mark.parametrize("lesson", [lesson for lesson in lesson_ids() if lesson != "00-welcome"])
def test_every_lessons_hidden_tests_replay_cleanly(lesson):
    """Each hidden block follows the grading contract: replayable without student code."""
    source = read_notebook(lesson_notebook(lesson))
    replayer = judge.Replayer(source)
    for cell in graded_cells(source):
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            text = "".join(cell["source"])
            plan = replayer.plan(text, meta["grade_id"], seed=0)
            assert not plan.problems, plan.problems
            if "BEGIN HIDDEN TESTS" in text:
                assert any(s.calls for s in plan.steps), f"{meta['grade_id']}: no check_function"


# ------------------------------------------------------------------ whole batches


def _class_of_two(folder: Path) -> Path:
    released, source = notebooks()
    for student, notebook in [
        ("ada", with_answers(released, source)),
        ("bob", with_answers(released, source, {"sigmoid": WRONG_SIGMOID})),
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
    assert "NO SANDBOX" in (tmp_path / "out" / "grades" / f"summary-{LESSON}.txt").read_text()


def test_the_instructor_commands_collect_and_grade_an_lms_zip(tmp_path, capsys):
    from grading.__main__ import main

    folder = _class_of_two(tmp_path / "in")
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.rglob("*.ipynb"):
            zf.write(path, path.relative_to(folder))
    course = str(tmp_path / "out")
    main(["collect", LESSON, str(archive), "--course", course])
    main(["grade", LESSON, "--course", course, "-j", "1"])
    assert "ada: 11/13" in capsys.readouterr().out
    rows = (tmp_path / "out" / "grades" / f"grades-{LESSON}.csv").read_text().splitlines()
    assert rows[1].startswith("ada,01-perceptron,11,13,") and rows[2].startswith(
        "bob,01-perceptron,9,13,"
    )
    assert (tmp_path / "out" / "autograded" / "bob" / LESSON / "perceptron.ipynb").exists()


# ------------------------------------------------------------------ no silent wrong grade


def test_a_broken_environment_stops_the_batch_before_any_student(tmp_path, monkeypatch):
    """Rule 9: lesson 07 without MNIST in reach: the model solution would lose points, so no
    student is graded (and nothing is written that looks like grades)."""
    from grading.batch import ModelSolutionFailed
    from grading.course import SOLUTIONS

    lesson = "07-mnist"
    released = read_notebook(lesson_notebook(lesson, LESSONS))
    solved = with_answers(released, read_notebook(lesson_notebook(lesson, SOLUTIONS)))
    folder = tmp_path / "in" / "ada"
    folder.mkdir(parents=True)
    (folder / lesson_notebook(lesson).name).write_text(json.dumps(solved))
    empty = tmp_path / "no-mnist-here"
    empty.mkdir()
    monkeypatch.setenv("NN_WORKBOOK_DATA", str(empty))
    with pytest.raises(ModelSolutionFailed) as stopped:
        grade_lesson(lesson, tmp_path / "in", tmp_path / "out", quiet=True, timeout=30)
    assert "model solution of 07-mnist earns" in str(stopped.value)
    assert not (tmp_path / "out" / "grades" / f"grades-{lesson}.csv").exists()


def test_a_sandbox_that_cannot_start_is_a_flagged_error_never_a_zero_or_cached(
    tmp_path, monkeypatch
):
    """Rule 9: the student is not given 0 for the grader's problem, and the next run retries."""
    import grading.grade

    real = grading.grade.Sandbox

    def failing_for_bob(name, notebook, **kwargs):
        if b"return np.tanh(np.asarray(z" in notebook:  # bob's wrong sigmoid
            raise sandbox.StartFailed("cannot import utils (simulated)")
        return real(name, notebook, **kwargs)

    monkeypatch.setattr(grading.grade, "Sandbox", failing_for_bob)
    folder = _class_of_two(tmp_path / "in")
    results = {r["student"]: r for r in grade_lesson(LESSON, folder, tmp_path / "out", quiet=True)}
    assert results["ada"]["score"] == 11 and not results["ada"]["error"]
    assert "could not start" in results["bob"]["error"] and results["bob"]["flags"]
    monkeypatch.setattr(grading.grade, "Sandbox", real)
    again = {r["student"]: r for r in grade_lesson(LESSON, folder, tmp_path / "out", quiet=True)}
    assert again["bob"]["score"] == 9 and not again["bob"]["error"]


def test_a_sandbox_without_the_course_stops_the_batch(tmp_path, monkeypatch):
    """Rule 9: `utils` not importable inside (here: left out of the jail) used to give every
    student 0; now the model solution cannot start, and the batch stops saying so."""
    from grading.batch import ModelSolutionFailed
    from grading.sandbox import jail

    need_bwrap("the test of a jail without the course (the fallback has no jail) does")
    course = jail._course_files
    monkeypatch.setattr(
        jail, "_course_files", lambda: [f for f in course() if "/utils/" not in f[0]]
    )
    with pytest.raises(ModelSolutionFailed) as stopped:
        grade_lesson(LESSON, _class_of_two(tmp_path / "in"), tmp_path / "out", quiet=True)
    assert "could not start" in str(stopped.value) and "utils" in str(stopped.value)
    assert not (tmp_path / "out" / "grades" / f"grades-{LESSON}.csv").exists()
