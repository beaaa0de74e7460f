"""Restoring a submission's cells from the lesson: edited, deleted and stripped test cells put
back, graded cells run in the lesson's order (grading/README.md, rule 3)."""

from grading.cells import graded_cells, nbgrader_meta, read_notebook, with_answers
from grading.course import LESSONS, lesson_notebook
from grading.restore import restore

LESSON = "01-perceptron"


def notebooks():
    return read_notebook(lesson_notebook(LESSON, LESSONS)), read_notebook(lesson_notebook(LESSON))


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
