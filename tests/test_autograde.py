"""The instructor's round trip: release a lesson, collect submissions, autograde, read scores."""

import pytest
from course_helpers import autograde, scores, submit

from grading.cells import cell_text, graded_cells, nbgrader_meta, read_notebook, with_answers
from grading.course import lesson_ids, lesson_notebook, nbgrader, new_course

# For each graded lesson: one exercise answered wrongly, and the test cells that must lose
# their points for it (and only they). A new graded lesson adds its line here; MORE_WRONG_ANSWERS
# adds students who each get another exercise wrong (the newer exercises).
WRONG_ANSWERS = {
    "01-perceptron": (
        "sigmoid",
        "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=np.float64))\n",
        {"sigmoid-tests"},
    ),
    "02-log-loss": (
        "softmax",
        "def softmax(z):\n"
        "    z = np.asarray(z, dtype=np.float64)\n"
        "    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)\n",
        {"softmax-tests"},
    ),
    "03-gradient-descent": (
        "momentum-adam",
        "def momentum_step(x, velocity, grad, lr, beta):\n"
        "    velocity = beta * velocity + grad\n"
        "    return x - lr * velocity, velocity\n"
        "\n\n"
        "def adam_step(x, m, v, grad, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    m = beta1 * m + (1 - beta1) * grad\n"
        "    v = beta2 * v + (1 - beta2) * grad**2\n"
        "    return x - lr * m / (np.sqrt(v) + eps), m, v  # no bias correction\n"
        "\n\n"
        "def run_optimizer(hessian, minimum, x0, method, lr, steps, beta=0.9):\n"
        "    x, velocity, m, v = x0.copy(), 0 * x0, 0 * x0, 0 * x0\n"
        "    path = [x]\n"
        "    for t in range(1, steps + 1):\n"
        "        grad = hessian @ (x - minimum)\n"
        "        if method == 'gd':\n"
        "            x = x - lr * grad\n"
        "        elif method == 'momentum':\n"
        "            x, velocity = momentum_step(x, velocity, grad, lr, beta)\n"
        "        else:\n"
        "            x, m, v = adam_step(x, m, v, grad, t, lr)\n"
        "        path.append(x)\n"
        "    return np.array(path)\n",
        {"momentum-adam-tests"},
    ),
    "04-backprop": (
        "backward",
        "def backward(X, y, params, p, cache, lam=0.0):\n"
        "    m = len(y)\n"
        "    A1 = cache['A1']\n"
        "    delta_2 = (p - y) / m\n"
        "    delta_1 = np.outer(delta_2, params['W2'])  # forgot tanh'\n"
        "    return {'dW1': X.T @ delta_1 + lam / m * params['W1'], 'db1': delta_1.sum(axis=0),\n"
        "            'dW2': A1.T @ delta_2 + lam / m * params['W2'],\n"
        "            'db2': np.array([delta_2.sum()])}\n",
        {"backward-tests"},
    ),
    "05-cnn": (
        "max-pool2d",
        "def max_pool2d(y, size=2, stride=None):\n"
        "    stride = size if stride is None else stride\n"
        "    windows = np.lib.stride_tricks.sliding_window_view(y, (size, size), axis=(1, 2))\n"
        "    return np.maximum(windows[:, ::stride, ::stride].max(axis=(3, 4)), 0.0)\n",
        {"max-pool2d-tests"},
    ),
    "06-rnn": (
        "bptt",
        "def bptt(xs, y, w1, b1, w2):\n"
        "    hs = [0.0]\n"
        "    for x in xs:\n"
        "        hs.append(max(x * w1 + b1 + hs[-1] * w2, 0.0))\n"
        "    d_w1 = d_b1 = d_w2 = 0.0\n"
        "    d_xs = np.zeros(len(xs))\n"
        "    d_h = hs[-1] - y\n"
        "    for t in reversed(range(len(xs))):\n"
        "        d_w1, d_b1, d_w2 = d_w1 + d_h * xs[t], d_b1 + d_h, d_w2 + d_h * hs[t]\n"
        "        d_xs[t] = d_h * w1\n"
        "        d_h = d_h * w2  # forgot the ReLU's slope\n"
        "    return d_w1, d_b1, d_w2, d_xs\n",
        {"bptt-tests"},
    ),
    "07-mnist": (
        "relu-backward",
        "def relu_backward(dh, z):\n    return dh * (z >= 0)\n",
        {"relu-backward-tests"},
    ),
}


def solution_with(lesson, cell_id, old, new):
    """The solution's code for one answer cell with `old` written as `new` (a student's slip)."""
    source = read_notebook(lesson_notebook(lesson))
    code = next(
        cell_text(c) for c in source["cells"] if nbgrader_meta(c).get("grade_id") == cell_id
    )
    code = "".join(line for line in code.splitlines(True) if "### " not in line)
    assert old in code, f"{lesson}/{cell_id} no longer contains {old!r}"
    return code.replace(old, new)


MORE_WRONG_ANSWERS = {
    "04-backprop": [
        (
            "value-ops",
            solution_with(
                "04-backprop", "value-ops", "self.grad += out.grad", "self.grad = out.grad"
            ),
            {"value-ops-tests"},
        ),
        (
            "value-backward",
            "def value_backward(self):\n"
            "    self.grad = 1.0\n"
            "    stack = [self]\n"
            "    while stack:  # depth first from the output: no topological order\n"
            "        node = stack.pop()\n"
            "        node._backward()\n"
            "        stack.extend(node._prev)\n"
            "\n\n"
            "Value.backward = value_backward\n",
            {"value-backward-tests"},
        ),
    ],
    "05-cnn": [
        (
            "conv2d-loop",
            "def conv2d_loop(x, weight, bias, stride=1, padding=0):\n"
            "    n_out, _, kh, kw = weight.shape\n"
            "    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))\n"
            "    h_out = conv_output_size(x.shape[1], kh, stride, padding)\n"
            "    w_out = conv_output_size(x.shape[2], kw, stride, padding)\n"
            "    out = np.zeros((n_out, h_out, w_out))\n"
            "    for o in range(n_out):\n"
            "        for i in range(h_out):\n"
            "            for j in range(w_out):\n"
            "                window = xp[:, i * stride : i * stride + kh, j * stride : j * stride + kw]\n"
            "                out[o, i, j] = np.sum(window * weight[o, :, ::-1, ::-1]) + bias[o]  # flipped\n"
            "    return out\n",
            {"conv2d-loop-tests"},
        ),
    ],
    "07-mnist": [
        (
            "split-train-validation",
            "def split_train_validation(X, y, n_validation, seed):\n"
            "    return X[n_validation:], y[n_validation:], X[:n_validation], y[:n_validation]\n",
            {"split-train-validation-tests"},
        ),
        (
            "best-epoch",
            "def best_epoch(validation_losses, patience):\n"
            "    return int(np.argmin(validation_losses)) + 1  # patience ignored\n",
            {"best-epoch-tests"},
        ),
    ],
}


def is_graded(lesson):
    return any(
        nbgrader_meta(c).get("grade") for c in graded_cells(read_notebook(lesson_notebook(lesson)))
    )


GRADED = [lesson for lesson in lesson_ids() if is_graded(lesson)]


def autograded_ids(lesson):
    """grade_ids of the cells the computer grades: test cells, not written answers."""
    return {
        nbgrader_meta(c)["grade_id"]
        for c in graded_cells(read_notebook(lesson_notebook(lesson)))
        if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
    }


def wrong_students(lesson):
    """{student: (answer cell, wrong code, test cells that must lose their points)}."""
    cases = [WRONG_ANSWERS[lesson], *MORE_WRONG_ANSWERS.get(lesson, [])]
    return {"one-wrong" if i == 0 else f"one-wrong-{case[0]}": case for i, case in enumerate(cases)}


@pytest.fixture(
    scope="module",
    # One group a lesson: under pytest-xdist each lesson is graded once, on one worker.
    params=[pytest.param(lesson, marks=pytest.mark.xdist_group(lesson)) for lesson in GRADED],
)
def graded(request, tmp_path_factory):
    """Autograde three students of one lesson: solved, untouched, one exercise wrong."""
    lesson = request.param
    root = new_course(tmp_path_factory.mktemp(f"course-{lesson}"), [lesson])
    nbgrader(root, "generate_assignment", lesson, "--force")
    source = read_notebook(lesson_notebook(lesson, root / "solutions"))
    released = read_notebook(lesson_notebook(lesson, root / "lessons"))
    submit(root, lesson, "solved", with_answers(released, source))
    submit(root, lesson, "untouched", released)
    for student, (cell_id, wrong_code, _) in wrong_students(lesson).items():
        submit(root, lesson, student, with_answers(released, source, {cell_id: wrong_code}))
    autograde(root, lesson)
    return lesson, scores(root, lesson)


def test_every_graded_lesson_has_a_wrong_answer_case():
    missing = set(GRADED) - set(WRONG_ANSWERS)
    assert not missing, f"add a wrong answer for {missing} to WRONG_ANSWERS"


def test_solution_scores_full_marks(graded):
    lesson, results = graded
    got = results["solved"]
    for grade_id in autograded_ids(lesson):
        score, max_score = got[grade_id]
        assert max_score > 0 and score == max_score, f"{lesson}/{grade_id}: {score}/{max_score}"


def test_untouched_lesson_scores_zero(graded):
    lesson, results = graded
    got = results["untouched"]
    assert set(got) >= autograded_ids(lesson)
    assert sum(score for score, _ in got.values()) == 0


def test_one_wrong_exercise_loses_exactly_its_points(graded):
    lesson, results = graded
    for student, (_, _, losing) in wrong_students(lesson).items():
        assert losing <= autograded_ids(lesson), f"{lesson}: unknown test cells {losing}"
        got = results[student]
        for grade_id in autograded_ids(lesson):
            score, max_score = got[grade_id]
            expected = 0 if grade_id in losing else max_score
            assert score == expected, (
                f"{lesson}, {student}/{grade_id}: {score}/{max_score}, expected {expected}"
            )
