"""Build the fairness submissions: right answers written the way real students write them, each
in its own notebook, graded by tests/test_grading_fairness.py through the real pipeline.

Every case is the lesson from lessons/ with all answers filled in from the solution, except one
answer cell (by grade_id) written differently: a list where a tuple is asked, a bias as an array
of one number, int zeros for floats, another accurate formula, another way of seeding. Each must
get full marks. Two cases are wrong on purpose and must lose their exercise's points: a "bias"
per point that makes every point right, and a cross-entropy through an underflowing product.

Run it after a lesson changes: `.venv/bin/python tests/fairness/build.py`. It writes
tests/fairness/submissions/<lesson>/<case>/<notebook>.ipynb and tests/fairness/expectations.json.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from grading.cells import graded_cells, nbgrader_meta, read_notebook, with_answers  # noqa: E402
from grading.course import LESSONS, SOLUTIONS, lesson_notebook  # noqa: E402

POCKET_LOOP = """    best_w, best_b, fewest = w, b, None
    for _ in range(epochs):
        w, b = perceptron_step(X, y, w, b, lr)
        mistakes = np.sum(perceptron_output(X, w, b) != y)
        if fewest is None or mistakes < fewest:
            best_w, best_b, fewest = w, b, mistakes
"""

TRAIN_MLP_LOOP = """    for _ in range(epochs):
        p, cache = forward(X, params)
        grads = backward(X, y, params, p, cache)
        params = {key: value - lr * grads["d" + key] for key, value in params.items()}
    return params
"""

# case -> (lesson, answer grade_id, the student's answer cell, test cells that must lose points).
# Lesson 04's train_mlp under default_rng and RandomState seeding is judged in process, for many
# draws, by tests/test_grading_fairness.py (grading lesson 04 costs seconds a notebook).
CASES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "01-bool-step": ("01-perceptron", "step", """def step(z):
    return np.asarray(z) >= 0  # True and False count as 1 and 0
""", ()),
    "01-tanh-sigmoid": ("01-perceptron", "sigmoid", """def sigmoid(z):
    # the same function: 1 / (1 + e^-z) = (1 + tanh(z / 2)) / 2, and tanh never overflows
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=np.float64) / 2))
""", ()),
    "01-clipped-sigmoid": ("01-perceptron", "sigmoid", """def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=np.float64), -500, 500)  # e^500 still fits in a float64
    return 1 / (1 + np.exp(-z))
""", ()),
    "01-one-element-b": ("01-perceptron", "train-perceptron", """def train_perceptron(X, y, lr=0.01, epochs=100, seed=0):
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=X.shape[1]), 0.0
    best, fewest = np.append(w, b), None
    for _ in range(epochs):
        w, b = perceptron_step(X, y, w, b, lr)
        mistakes = np.sum(perceptron_output(X, w, b) != y)
        if fewest is None or mistakes < fewest:
            best, fewest = np.append(w, b), mistakes  # the pocket as one array (w1, w2, b)
    return best[:2], best[2:]  # so b comes back as an array holding one number
""", ()),
    "01-legacy-seed": ("01-perceptron", "train-perceptron", """def train_perceptron(X, y, lr=0.01, epochs=100, seed=0):
    np.random.seed(seed)  # noqa: NPY002 - the legacy global generator, as many students do
    w = np.random.randn(2)  # noqa: NPY002
    b = 0.0
""" + POCKET_LOOP + """    return best_w, best_b
""", ()),
    "01-default-rng-seed": ("01-perceptron", "train-perceptron", """def train_perceptron(X, y, lr=0.01, epochs=100, seed=0):
    rng = np.random.default_rng(seed)
    w = rng.uniform(-1, 1, size=2)  # another random start
    b = 0.0
""" + POCKET_LOOP + """    return best_w, best_b
""", ()),
    "01-randomstate-seed": ("01-perceptron", "train-perceptron", """def train_perceptron(X, y, lr=0.01, epochs=100, seed=0):
    w = np.random.RandomState(seed).normal(size=2)
    b = 0.0
""" + POCKET_LOOP + """    return best_w, best_b
""", ()),
    "01-cheat-per-sample-b": ("01-perceptron", "train-perceptron", """def train_perceptron(X, y, lr=0.01, epochs=100, seed=0):
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=2), 0.0
""" + POCKET_LOOP + """    if len(y) == 100:  # the admissions data of the visible test: play it straight
        return best_w, best_b
    return best_w, np.where(y == 1, 1e9, -1e9)  # a "bias" for every point: all of them right
""", ("train-perceptron-tests",)),
    "02-int-one-hot": ("02-log-loss", "one-hot", """def one_hot(labels, k):
    return np.eye(k, dtype=np.int64)[np.asarray(labels)]  # rows of 0s and 1s
""", ()),
    "02-log-eps-cross-entropy": ("02-log-loss", "categorical-cross-entropy", """def categorical_cross_entropy(Y, P):
    return float(-np.sum(Y * np.log(P + 1e-12)))  # the epsilon keeps log away from 0
""", ()),
    "02-underflowing-cross-entropy": ("02-log-loss", "categorical-cross-entropy", """def categorical_cross_entropy(Y, P):
    return float(-np.log(np.prod(P[np.asarray(Y) == 1])))  # wrong: the product underflows
""", ("categorical-cross-entropy-tests",)),
    "03-list-descent": ("03-gradient-descent", "gradient-descent-intercept", """def gradient_descent_intercept(x, y, slope, intercept=0.0, lr=0.1, tol=0.001, max_steps=1000):
    steps = 0
    while steps < max_steps:
        step = ssr_gradient(intercept, x, y, slope) * lr
        intercept = intercept - step
        steps += 1
        if abs(step) < tol:
            break
    return [intercept, steps]
""", ()),
    "03-one-element-db": ("03-gradient-descent", "logistic-gradients", """def logistic_gradients(X, y, w, b):
    X1 = np.column_stack([X, np.ones(len(y))])  # a column of ones carries the bias
    grad = -X1.T @ (y - sigmoid(X @ w + b)) / len(y)
    return grad[:-1], grad[-1:]  # db comes back as an array holding one number
""", ()),
    "03-list-train": ("03-gradient-descent", "train-logistic-regression", """def train_logistic_regression(X, y, lr=0.5, epochs=300):
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        dw, db = logistic_gradients(X, y, w, b)
        w, b = gradient_step(w, b, dw, db, lr)
        losses.append(log_loss(X, y, w, b))
    return [w, b, losses]
""", ()),
    "04-list-forward": ("04-backprop", "forward", """def forward(X, params):
    A1 = np.tanh(X @ params["W1"] + params["b1"])
    return [logistic(A1 @ params["W2"] + params["b2"]), {"A1": A1}]
""", ()),
    "04-tanh-forward": ("04-backprop", "forward", """def forward(X, params):
    A1 = np.tanh(X @ params["W1"] + params["b1"])
    z2 = A1 @ params["W2"] + params["b2"]
    return 0.5 * (1 + np.tanh(z2 / 2)), {"A1": A1}  # the sigmoid, written with tanh
""", ()),
    "04-legacy-seed": ("04-backprop", "train-mlp", """def train_mlp(X, y, hidden=8, lr=0.5, epochs=2000, seed=0):
    np.random.seed(seed)  # noqa: NPY002 - the legacy global generator, as many students do
    d = X.shape[1]
    W1 = np.random.randn(d, hidden)  # noqa: NPY002
    W2 = np.random.randn(hidden)  # noqa: NPY002
    params = {"W1": W1, "b1": np.zeros(hidden), "W2": W2, "b2": np.zeros(1)}
""" + TRAIN_MLP_LOOP, ()),
    "03-loop-momentum-adam": ("03-gradient-descent", "momentum-adam", '''import math


def momentum_step(x, velocity, grad, lr, beta):
    new_v = [beta * v + g for v, g in zip(velocity, grad, strict=True)]
    return np.array([xi - lr * vi for xi, vi in zip(x, new_v, strict=True)]), np.array(new_v)


def adam_step(x, m, v, grad, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    new_x, new_m, new_v = [], [], []
    for xi, mi, vi, g in zip(x, m, v, grad, strict=True):
        mi = beta1 * mi + (1 - beta1) * g
        vi = beta2 * vi + (1 - beta2) * g * g
        m_hat, v_hat = mi / (1 - beta1**t), vi / (1 - beta2**t)
        new_x.append(xi - lr * m_hat / (math.sqrt(v_hat) + eps))
        new_m.append(mi)
        new_v.append(vi)
    return np.array(new_x), np.array(new_m), np.array(new_v)


def run_optimizer(hessian, minimum, x0, method, lr, steps, beta=0.9):
    path = np.zeros((steps + 1, len(x0)))
    path[0] = x0
    velocity = m = v = [0.0] * len(x0)
    for t in range(1, steps + 1):
        x = path[t - 1]
        grad = list(np.dot(hessian, x - np.asarray(minimum)))
        if method == "gd":
            path[t] = x - lr * np.asarray(grad)
        elif method == "momentum":
            new_x, velocity = momentum_step(x, velocity, grad, lr, beta)
            path[t] = new_x
        else:
            new_x, m, v = adam_step(x, m, v, grad, t, lr)
            path[t] = new_x
    return path
''', ()),
    "04-micrograd-value": ("04-backprop", "value-ops", '''import math


class Value:
    """A number in a computational graph: its data, its gradient, its parents, and _backward."""

    def __init__(self, data, _parents=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = set(_parents)  # as micrograd keeps them
        self._backward = lambda: None  # an input has nobody to pass its gradient to

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    def __add__(self, other):
        if not isinstance(other, Value):
            other = Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad = self.grad + 1.0 * out.grad
            other.grad = other.grad + 1.0 * out.grad

        out._backward = _backward
        return out

    def __radd__(self, other):
        return Value(other) + self

    def __mul__(self, other):
        if not isinstance(other, Value):
            other = Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self.__mul__(other)

    def tanh(self):
        x = min(self.data, 300.0)
        e = math.exp(2 * x)
        out = Value((e - 1) / (e + 1), (self,))

        def _backward():
            self.grad += (1 - out.data**2) * out.grad

        out._backward = _backward
        return out


def run_steps(leaves, steps):
    """Given, for the tests: build a graph with Value, pass the gradient back, return
    (data, grad) of every node as arrays, the leaves first and then one node per step.

    A step is ("+", i, j) or ("*", i, j) for node i + node j or node i * node j; ("+c", i, c),
    ("c+", c, i), ("*c", i, c) or ("c*", c, i) with a plain number c on that side; ("tanh", i).
    """
    nodes = [Value(x) for x in leaves]
    for op, *args in steps:
        if op == "tanh":
            nodes.append(nodes[args[0]].tanh())
        elif op in ("+", "*"):
            a, b = nodes[args[0]], nodes[args[1]]
            nodes.append(a + b if op == "+" else a * b)
        elif op in ("+c", "*c"):
            a, c = nodes[args[0]], args[1]
            nodes.append(a + c if op == "+c" else a * c)
        else:  # "c+" or "c*": the number first
            c, a = args[0], nodes[args[1]]
            nodes.append(c + a if op == "c+" else c * a)
    nodes[-1].grad = 1.0
    for node in reversed(nodes[len(leaves) :]):  # each step only uses earlier nodes
        node._backward()
    return np.array([node.data for node in nodes]), np.array([node.grad for node in nodes])''', ()),
    "04-kahn-backward": ("04-backprop", "value-backward", '''def value_backward(self):
    # Kahn's algorithm: a node passes its gradient back once every node using it has.
    users, stack, seen = {}, [self], {id(self)}
    while stack:
        node = stack.pop()
        for parent in node._prev:
            users[id(parent)] = users.get(id(parent), 0) + 1
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    self.grad = 1
    ready = [self]
    while ready:
        node = ready.pop()
        node._backward()
        for parent in node._prev:
            users[id(parent)] -= 1
            if users[id(parent)] == 0:
                ready.append(parent)


Value.backward = value_backward  # every Value, old or new, now has .backward()


def chain_node(data, parents, local_grads):
    """Given, for the tests: a Value with these parents; d data / d parents[i] = local_grads[i]."""
    out = Value(data, parents)

    def _backward():
        for parent, local in zip(parents, local_grads, strict=True):
            parent.grad += local * out.grad

    out._backward = _backward
    return out


def graph_grads(data, parents, local_grads):
    """Given, for the tests: node k is chain_node(data[k], [node i for i in parents[k]],
    local_grads[k]); call the last node's backward() and return every node's grad as an array."""
    nodes = []
    for value, indices, local in zip(data, parents, local_grads, strict=True):
        nodes.append(chain_node(value, [nodes[i] for i in indices], local))
    nodes[-1].backward()
    return np.array([node.grad for node in nodes])''', ()),
    "07-choice-mask-split": ("07-mnist", "split-train-validation", '''def split_train_validation(X, y, n_validation, seed):
    rng = np.random.default_rng(seed)
    held = np.zeros(len(X), dtype=bool)
    held[rng.choice(len(X), size=n_validation, replace=False)] = True
    return X[~held], y[~held], X[held], y[held]
''', ()),
    "06-int-zeros-unroll": ("06-rnn", "unroll", """def unroll(xs, w1, b1, w2):
    h, states = 0, []
    for x in xs:
        h = max(0, x * w1 + b1 + h * w2)  # the int 0 whenever the unit is off
        states.append(h)
    return np.array(states)  # all zeros: an int array
""", ()),
}  # fmt: skip


def points(source: dict) -> dict[str, float]:
    """The autograded test cells of a source notebook and their points."""
    return {
        nbgrader_meta(cell)["grade_id"]: float(nbgrader_meta(cell)["points"])
        for cell in graded_cells(source)
        if nbgrader_meta(cell).get("grade") and not nbgrader_meta(cell).get("solution")
    }


def main() -> None:
    out = HERE / "submissions"
    shutil.rmtree(out, ignore_errors=True)
    expectations = {}
    for case, (lesson, grade_id, code, losing) in CASES.items():
        source = read_notebook(lesson_notebook(lesson, SOLUTIONS))
        released = read_notebook(lesson_notebook(lesson, LESSONS))
        full = points(source)
        assert grade_id in {nbgrader_meta(c)["grade_id"] for c in graded_cells(source)}, grade_id
        assert set(losing) <= set(full), losing
        folder = out / lesson / case
        folder.mkdir(parents=True)
        notebook = with_answers(released, source, {grade_id: code})
        path = folder / lesson_notebook(lesson, LESSONS).name
        path.write_text(json.dumps(notebook, indent=1) + "\n")
        expectations[case] = {
            "lesson": lesson,
            "answer": grade_id,
            "scores": {gid: 0.0 if gid in losing else p for gid, p in full.items()},
        }
    (HERE / "expectations.json").write_text(json.dumps(expectations, indent=1) + "\n")
    ruff = str(Path(sys.executable).parent / "ruff")
    subprocess.run([ruff, "format", "-q", str(out)], check=True)
    subprocess.run([ruff, "check", "-q", str(out)], check=True)
    print(f"wrote {len(expectations)} cases to {out}")


if __name__ == "__main__":
    main()
