"""Fair to right answers: the submissions of tests/fairness/ (one right answer each, written the
way real students write them) graded through the real pipeline, one batch per lesson, in the
bubblewrap sandbox; each gets its expected points per test cell: full marks, except the two
deliberately wrong answers. Then the judges in process, on several hidden draws: they take a
trained answer however it was seeded, and reject a pocket-less perceptron and a bias per point.
And two static checks of the solution notebooks: every hidden comparison states its tolerances,
and every exercise text says how it is checked."""

import ast
import fcntl
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from sandbox_helpers import need_bwrap

import utils.checks
from grading.batch import grade_lesson
from grading.cells import cell_text, read_notebook
from grading.course import SOLUTIONS, lesson_ids, lesson_notebook

HERE = Path(__file__).resolve().parent / "fairness"
EXPECTED = json.loads((HERE / "expectations.json").read_text())

HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS", re.S | re.M
)

pytestmark = pytest.mark.xdist_group("grading-fairness")


@pytest.fixture(scope="session")
def batches(tmp_path_factory):
    """Each lesson's fairness submissions, graded once as one batch (on first use). Under
    pytest-xdist the workers share the batch: one grades it, the others wait and read it from
    the pipeline's own cache."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    done: dict[str, dict[str, dict]] = {}

    def graded(lesson: str) -> dict[str, dict]:
        if lesson not in done:
            out = shared / f"fairness-{lesson}"
            with open(shared / f"fairness-{lesson}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                results = grade_lesson(
                    lesson, HERE / "submissions" / lesson, out, jobs=1, quiet=True
                )
            done[lesson] = {result["student"]: result for result in results}
        return done[lesson]

    return graded


def test_every_case_has_a_submission_and_every_submission_a_case():
    found = {p.parent.name for p in (HERE / "submissions").glob("*/*/*.ipynb")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_gets_its_points(batches, case):
    need_bwrap("the fairness suite's tests")
    expected = EXPECTED[case]
    got = batches(expected["lesson"])[case]
    assert not got["error"], got["error"]
    scores = {gid: score for gid, (score, _) in got["grades"].items()}
    failures = json.dumps(got.get("instructor"), indent=1)
    assert scores == expected["scores"], (expected["answer"], got["flags"], failures)
    assert not got["instructor"], got["instructor"]  # the hidden tests replayed cleanly


def _hidden_calls():
    """(lesson, grade_id, call) for every check_function call in a solution's hidden tests."""
    for lesson in lesson_ids():
        for cell in read_notebook(lesson_notebook(lesson, SOLUTIONS))["cells"]:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            for code in HIDDEN.findall(cell_text(cell)):
                for node in ast.walk(ast.parse(code)):
                    if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(
                        "check_function"
                    ):
                        yield lesson, grade_id, node


def test_every_hidden_comparison_states_both_tolerances():
    # The grader's trusted replay has defaults of its own: say rtol and atol every time.
    calls = list(_hidden_calls())
    assert calls
    for lesson, grade_id, call in calls:
        keywords = {k.arg for k in call.keywords}
        assert {"rtol", "atol"} <= keywords, f"{lesson}/{grade_id}: {ast.unparse(call)[:80]}"


@pytest.mark.parametrize("lesson", lesson_ids())
def test_every_exercise_text_says_how_it_is_checked(lesson):
    cells = read_notebook(lesson_notebook(lesson, SOLUTIONS))["cells"]
    text = ""  # the markdown from the exercise's heading on
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "markdown":
            text = cell_text(cell) if "### Exercise" in cell_text(cell) else text + cell_text(cell)
        elif meta.get("solution"):
            assert re.search(r"[Cc]hecked", text), (
                f"{lesson}/{meta['grade_id']}: the exercise text does not say how it is checked"
            )
            text = ""


# ------------------------------------------------- the judges, in process, for many seeds
# A judge must take a right answer however the student seeded it. The pipeline's batches above
# see one hidden draw per submission; here each judge meets several draws and several seedings.


def _judged_calls(lesson, grade_id, seed, monkeypatch):
    """(judge, args) for every check_judged case of a test cell's hidden blocks, drawn with seed."""
    notebook = read_notebook(lesson_notebook(lesson, SOLUTIONS))
    student_names = {
        node.name
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        and cell.get("metadata", {}).get("nbgrader", {}).get("solution")
        for node in ast.parse(cell_text(cell)).body
        if isinstance(node, ast.FunctionDef)
    }
    cell = next(
        c
        for c in notebook["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id
    )
    calls = []
    counter = iter(range(1000))
    draw = np.random.default_rng
    with monkeypatch.context() as patch:
        patch.setattr(
            np.random, "default_rng", lambda s=None: draw([seed, next(counter)] if s is None else s)
        )
        patch.setattr(
            utils.checks,
            "check_judged",
            lambda fn, judge, cases, name: calls.extend((judge, c) for c in cases),
        )
        namespace = {"np": np, "utils": utils} | dict.fromkeys(student_names)
        for block in HIDDEN.findall(cell_text(cell)):
            exec(compile(block, f"<hidden tests of {grade_id}>", "exec"), namespace)
    assert calls
    return calls


def _passes_every_judge(lesson, grade_id, seeds, train, monkeypatch):
    """train's answer to every judged case of the cell's hidden tests, for each draw, is accepted
    (a judge raises AssertionError otherwise)."""
    for seed in seeds:
        for judge, args in _judged_calls(lesson, grade_id, seed, monkeypatch):
            judge(*args, train(*args))


def _perceptron_step(X, y, w, b, lr):
    """The perceptron trick, as the hidden tests swap it in for the student's."""
    w, b = np.array(w, dtype=np.float64), float(b)
    for x_i, y_i in zip(X, y, strict=True):
        p = 1 if x_i @ w + b >= 0 else 0
        if y_i == 1 and p == 0:
            w, b = w + lr * x_i, b + lr
        elif y_i == 0 and p == 1:
            w, b = w - lr * x_i, b - lr
    return w, b


def _legacy_normal(seed, *shape):
    state = np.random.get_state()  # noqa: NPY002 - left as it was for the rest of the suite
    try:
        np.random.seed(seed)  # noqa: NPY002 - the legacy global generator, as students use it
        return np.random.randn(*shape)  # noqa: NPY002
    finally:
        np.random.set_state(state)  # noqa: NPY002


STARTS = {  # how students seed their random start: seed, shape -> array
    "default_rng": lambda seed, *shape: np.random.default_rng(seed).normal(size=shape),
    "default_rng, uniform": lambda seed, *shape: np.random.default_rng(seed).uniform(-1, 1, shape),
    "legacy np.random.seed": _legacy_normal,
    "RandomState": lambda seed, *shape: np.random.RandomState(seed).normal(size=shape),
}


def _train_perceptron(start, pocket=True):
    """train_perceptron from the given random start; the pocket, or else simply the last line."""

    def train(X, y, lr=0.01, epochs=100, seed=0):
        w, b = start(seed, 2), 0.0
        best = None
        for _ in range(epochs):
            w, b = _perceptron_step(X, y, w, b, lr)
            wrong = np.sum((X @ w + b >= 0) != (y == 1))
            if not pocket or best is None or wrong < best[0]:
                best = (wrong, w, b)
        return best[1], best[2]

    return train


@pytest.mark.xdist_group("fairness-judges")
@pytest.mark.parametrize("start", sorted(STARTS))
def test_the_perceptron_judges_take_the_pocket_however_it_was_seeded(start, monkeypatch):
    train = _train_perceptron(STARTS[start])
    _passes_every_judge("01-perceptron", "train-perceptron-tests", range(4), train, monkeypatch)


@pytest.mark.xdist_group("fairness-judges")
def test_the_pocket_judge_rejects_the_last_line_and_a_bias_per_point(monkeypatch):
    last_line = _train_perceptron(STARTS["legacy np.random.seed"], pocket=False)
    for seed in range(4):
        rejected = []
        for judge, args in _judged_calls(
            "01-perceptron", "train-perceptron-tests", seed, monkeypatch
        ):
            w, b = last_line(*args)
            with pytest.raises(AssertionError, match=r"b should be a single number.*shape"):
                judge(*args, (w, np.where(args[1] == 1, 1e9, -1e9)))
            try:
                judge(*args, [w, b])
            except AssertionError as failure:
                rejected.append(str(failure))
        assert any("the pocket" in message for message in rejected), (seed, rejected)


def _train_mlp(start):
    """train_mlp (lesson 04) with its own random start; full-batch gradient descent."""

    def train(X, y, hidden=8, lr=0.5, epochs=2000, seed=0):
        d, m = X.shape[1], len(y)
        weights = start(seed, d * hidden + hidden)
        params = {"W1": weights[: d * hidden].reshape(d, hidden), "b1": np.zeros(hidden),
                  "W2": weights[d * hidden :], "b2": np.zeros(1)}  # fmt: skip
        for _ in range(epochs):
            A1 = np.tanh(X @ params["W1"] + params["b1"])
            p = 1 / (1 + np.exp(-(A1 @ params["W2"] + params["b2"])))
            d2 = (p - y) / m
            d1 = np.outer(d2, params["W2"]) * (1 - A1**2)
            grads = {
                "W1": X.T @ d1,
                "b1": d1.sum(axis=0),
                "W2": A1.T @ d2,
                "b2": d2.sum(keepdims=True),
            }
            params = {key: value - lr * grads[key] for key, value in params.items()}
        return params

    return train


@pytest.mark.xdist_group("fairness-judges")
@pytest.mark.parametrize("start", sorted(STARTS))
def test_the_mlp_judge_takes_a_trained_network_however_it_was_seeded(start, monkeypatch):
    train = _train_mlp(STARTS[start])
    _passes_every_judge("04-backprop", "train-mlp-tests", range(2), train, monkeypatch)
