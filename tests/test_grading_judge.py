"""The trusted replay of hidden tests and the comparison that scores them: calls planned with
earlier exercises swapped, the kernel's word ignored, every lesson's hidden tests replayable."""

import numpy as np
import pytest

from grading import judge
from grading.cells import graded_cells, nbgrader_meta, read_notebook
from grading.course import LESSONS, lesson_ids, lesson_notebook

LESSON = "01-perceptron"


def notebooks():
    return read_notebook(lesson_notebook(LESSON, LESSONS)), read_notebook(lesson_notebook(LESSON))


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
