"""Build the adversarial submissions of lesson 01 (one real notebook per case) and their expected
outcomes. Run it after lesson 01 changes: `.venv/bin/python tests/adversarial/build.py`.

Each case is a student folder under tests/adversarial/submissions/<case>/ holding what that
student handed in; expectations.json says, per case, the autograded points each test cell must
get (hand-computed), whether the submission must be flagged, and whether it is a per-student
error.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from grading.cells import read_notebook, with_answers  # noqa: E402
from grading.course import LESSONS, SOLUTIONS, lesson_notebook  # noqa: E402

LESSON = "01-perceptron"
POINTS = {
    "step-tests": 1,
    "perceptron-output-tests": 2,
    "sigmoid-tests": 2,
    "perceptron-step-tests": 3,
    "train-perceptron-tests": 3,
}
FULL = dict(POINTS)

WRONG_STEP = "def step(z):\n    return (np.asarray(z) > 0).astype(np.int64)\n"
WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(np.asarray(z, dtype=np.float64))\n"

ENDLESS = """while True:  # never ends
    pass


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""

STUBBORN = """import time

while True:  # ignores the time limit's interrupt
    try:
        time.sleep(0.1)
    except BaseException:
        pass


def sigmoid(z):  # never reached
    return 1 / (1 + np.exp(-z))
"""

EXIT = """import os

os._exit(1)


def sigmoid(z):  # never reached
    return 1 / (1 + np.exp(-z))
"""

HUGE_ALLOCATION = """big = np.ones(20 * 2**30 // 8)  # 20 GB


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""

FORK_BOMB = """import os
import subprocess
import time

try:
    print(subprocess.run(["id"], capture_output=True, text=True).stdout)
except OSError as error:
    print("subprocess failed:", error)
children = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(20)
            os._exit(0)
        children += 1
except OSError as error:
    print(f"fork failed after {children} children: {error}")


def perceptron_output(X, w, b):
    return step(X @ w + b)
"""

PATCHES = """import numpy as np
import torch

import utils.checks

np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
torch.isfinite = lambda x: torch.ones_like(x, dtype=torch.bool)
for _name in ("check_array", "check_scalar", "check_shape", "check_dtype", "check_result"):
    setattr(utils.checks, _name, lambda *a, **k: None)
utils.checks.check_function = lambda fn, ref, cases, name, **k: None
utils.checks.check_judged = lambda *a, **k: None


def step(z):
    return np.zeros(np.shape(z), dtype=np.int64)  # wrong
"""

ALWAYS_EQUAL = """class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __array__(self, *args, **kwargs):
        raise TypeError("no")

    def __getattr__(self, name):
        return self


def step(z):
    return Anything()
"""

HOOKS = """import sys

ip = get_ipython()


def _blank(lines):
    return [] if any("utils.checks" in line for line in lines) else lines


ip.input_transformers_cleanup.append(_blank)
ip.showtraceback = lambda *a, **k: None
sys.settrace(lambda *a: None)


def step(z):
    raise NotImplementedError()
"""

SNOOP = """import glob
import os
import socket
import sys

found = []
for pattern in ["../solutions", "../../solutions", "../../gradebook.db", "../gradebook.db",
                "../*", "../../*", "/work/main/solutions", "/work/main/grading"]:
    found += glob.glob(pattern)
for path in ["../../gradebook.db", "/work/main/solutions/01-perceptron/perceptron.ipynb"]:
    try:
        with open(path) as handle:
            found.append(handle.read(100))
    except OSError as error:
        print("cannot read", path, "-", type(error).__name__)
secrets = []
for root, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr") and root != "/root"]
    secrets += [os.path.join(root, f) for f in files if f.endswith(".db") or "HIDDEN" in f]
    secrets += [os.path.join(root, d) for d in dirs if d in ("solutions", "source", "submitted")]
# The notebook's own folder, its home and the installed packages' test data are no secrets.
home = os.path.dirname(os.getcwd())
found = [p for p in found if os.path.realpath(p) not in (os.getcwd(), home)]
secrets = [p for p in secrets if not p.startswith((sys.prefix, os.path.realpath(sys.prefix)))]
try:
    socket.create_connection(("pypi.org", 443), timeout=3)
    print("network: reachable")
except OSError as error:
    print("network: unreachable -", type(error).__name__)
print(f"found {len(found)} paths next to the notebook and {len(secrets)} secrets")


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""

FLOOD = """import sys

import matplotlib.pyplot as plt

print("x" * 50_000_000)
sys.stderr.write("e" * 10_000_000)
fig, ax = plt.subplots(figsize=(15, 15), dpi=80)  # 1200 x 1200 px of noise: a 2.6 MB PNG
ax.imshow(np.random.default_rng(0).random((600, 600)))
plt.show()


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""

WARNS = """import sys
import warnings as warn_module


def step(z):
    warn_module.warn("step: a harmless warning", stacklevel=2)
    print("a note on stderr", file=sys.stderr)
    return (np.asarray(z) >= 0).astype(np.int64)
"""

# ---- rules 1-5 of grading/README.md: the student controls everything inside the sandbox

# The executor's own module, found from the running cell's frames (IPython puts the notebook's
# namespace in sys.modules["__main__"], so `import __main__` is not it).
FIND_RUNNER = """import sys


def _runner():
    frame = sys._getframe()
    while frame is not None:
        if "Channel" in frame.f_globals and "State" in frame.f_globals:
            return frame.f_globals
        frame = frame.f_back
    raise RuntimeError("no executor found")


R = _runner()
"""

CAPTURE = """import sys

STOLEN = {}


def _steal(*args):
    # Keep whatever stands in for an earlier exercise (a function not written in a cell).
    for name in ("step", "perceptron_output", "perceptron_step"):
        code = getattr(globals().get(name), "__code__", None)
        if code is not None and not code.co_filename.startswith("<") and name not in STOLEN:
            STOLEN[name] = globals()[name]


get_ipython().events.register("post_execute", _steal)
sys.setprofile(lambda frame, event, arg: _steal())
"""

CAPTURED_STEP = "def step(z):\n    return STOLEN['step'](z)\n"
CAPTURED_OUTPUT = (
    "def perceptron_output(X, w, b):\n    return STOLEN['perceptron_output'](X, w, b)\n"
)

USE_STOLEN = """for name, fn in STOLEN.items():
    try:
        print(name, fn(np.zeros((1, 2)), np.zeros(2), 0.0))
    except Exception as error:
        print(name, "refused:", error)
"""

PRINT_EVERYTHING = """import sys


def _show(event, args):
    if event in ("compile", "exec"):
        print("code:", str(args)[:3000])


def _calls(frame, event, arg, seen=[0]):  # noqa: B006 - a counter
    if event == "call" and seen[0] < 300:
        seen[0] += 1
        print("call:", frame.f_code.co_name, str(frame.f_locals)[:300])


sys.addaudithook(_show)
sys.setprofile(_calls)


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""

FAKE_RUNS = (
    FIND_RUNNER
    + """import re

_ip = get_ipython()
_real_run_cell = _ip.run_cell


def _fake_run_cell(raw_cell, *args, **kwargs):
    for nonce in re.findall(r"print\\('([0-9a-f]{32})'\\)", raw_cell):
        print(nonce)
    return _real_run_cell("pass", *args, **kwargs)


_ip.run_cell = _fake_run_cell
R["integrity"] = lambda shell, baseline: []
R["State"].flags.clear()
R["note"] = lambda flag: None
"""
)

FORGED_REPLY = (
    FIND_RUNNER
    + """
R["wire"].send(R["Channel"].replies, {"re": 999, "status": "ok", "outputs": []})


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""
)

RECORD_SEQ = (
    FIND_RUNNER
    + """
_receive = R["wire"].receive
SEQ = [0]


def _recording(fd, deadline=None):
    message = _receive(fd, deadline)
    SEQ[0] = message.get("seq", SEQ[0])
    return message


R["wire"].receive = _recording
"""
)

OWN_REPLY_AND_HANG = """import signal
import time

signal.signal(signal.SIGALRM, signal.SIG_IGN)
R["wire"].send(R["Channel"].replies, {"re": SEQ[0], "status": "ok", "outputs": [],
                                       "error": None, "flags": []})
while True:  # never reads the next request
    time.sleep(1)
"""

SLEEPY = "import time\n\ntime.sleep(9)\n"

MANY_FLAGS = (
    FIND_RUNNER
    + """
R["State"].flags.extend(f"flag {i}" for i in range(50_000))


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""
)

ODD_FLAG = (
    FIND_RUNNER
    + """
R["State"].flags.append({"not": "a string"})


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""
)

FORMULA_FLAGS = (
    FIND_RUNNER
    + """
R["State"].flags[:0] = ['=HYPERLINK("http://evil.example/","click me")',
                            "\\x1b[2J\\x1b[1;1Hall 11 points, nothing to see\\r\\x07"]


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""
)

SURROGATE = """print("\\ud800")  # a lone surrogate: no valid UTF-8 in any file written from it


def step(z):
    return (np.asarray(z) >= 0).astype(np.int64)
"""

PROXY_FLOOD = (
    FIND_RUNNER
    + """import os
import select
import signal
import struct

signal.signal(signal.SIGALRM, signal.SIG_IGN)
_body = R["wire"].encode({"ref": "step", "args": [None] * 8000, "kwargs": {}})
_frames = (struct.pack(">I", len(_body)) + _body) * 8
os.set_blocking(R["Channel"].replies, False)
os.set_blocking(R["Channel"].requests, False)
_pending = memoryview(_frames)
while True:  # keep the grader's pipe full of requests to answer, throw its answers away
    _readable, _writable, _ = select.select([R["Channel"].requests], [R["Channel"].replies], [])
    if _readable:
        try:
            os.read(R["Channel"].requests, 1 << 20)
        except BlockingIOError:
            pass
    if _writable:
        try:
            _pending = _pending[os.write(R["Channel"].replies, _pending) :]
        except BlockingIOError:
            pass
        if len(_pending) < len(_frames) // 2:
            _pending = memoryview(bytes(_pending) + _frames)
"""
)

MEMORY_BOMB = """def perceptron_step(X, y, w, b, lr):
    try:  # the grader answers perceptron_output: make its reference broadcast to (n, n)
        perceptron_output(np.ones((30_000, 1)), np.ones(1), np.ones((30_000, 1)))
    except Exception as error:
        print("the grader said:", str(error)[:200])
    return np.asarray(w, dtype=np.float64), float(b)
"""

LEAKY_SIGMOID = """def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    if z.size > 4:  # not a visible example: make the grader show the input
        raise ValueError("hidden input: " + repr(z.tolist()))
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""

LEAKY_STEP = """def step(z):
    z = np.asarray(z)
    if z.size > 5:  # not a visible example: a wrong answer, to see what was expected
        return np.full(z.shape, -7)
    return (z >= 0).astype(np.int64)
"""

STUB_OUTPUT = "def perceptron_output(X, w, b):\n    raise NotImplementedError()\n"

# ---- rule 10: fair to correct answers the grader has to answer for

EXTRA_ARGUMENT_STEP = """def perceptron_step(X, y, w, b, lr, verbose=False):
    w = np.array(w, dtype=np.float64)
    for x_i, y_i in zip(X, y, strict=True):
        prediction = 1 if x_i @ w + b >= 0 else 0
        if prediction != y_i:
            w = w + lr * (y_i - prediction) * x_i  # wrong: b is never updated
        if verbose:
            print(w, b)
    return w, float(b)
"""

EXTRA_ARGUMENT_TRAIN = """def train_perceptron(X, y, lr=0.01, epochs=100, seed=0):
    rng = np.random.default_rng(seed)
    w, b = rng.normal(size=X.shape[1]), 0.0
    best_w, best_b, fewest = w, b, None
    for _ in range(epochs):
        w, b = perceptron_step(X, y, w, b, lr, verbose=False)
        mistakes = np.sum(perceptron_output(X, w, b) != y)
        if fewest is None or mistakes < fewest:
            best_w, best_b, fewest = w, b, mistakes
    return best_w, best_b
"""


def grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def code_cell(source: str) -> dict:
    """A student's own code cell."""
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}  # fmt: skip


def source_of(notebook: dict, gid: str) -> str:
    """The text of the cell with this grade id."""
    return next("".join(c["source"]) for c in notebook["cells"] if grade_id(c) == gid)


def main() -> None:
    released = read_notebook(lesson_notebook(LESSON, LESSONS))
    source = read_notebook(lesson_notebook(LESSON, SOLUTIONS))
    solved = with_answers(released, source)
    out = HERE / "submissions"
    shutil.rmtree(out, ignore_errors=True)
    cases: dict[str, dict] = {}

    def add(name: str, notebook: dict | bytes | None, scores: dict, flagged: bool = False,
            error: bool = False, filename: str = "01-perceptron.ipynb", issue: str = "") -> None:  # fmt: skip
        folder = out / name
        folder.mkdir(parents=True)
        (folder / ".keep").touch()
        if isinstance(notebook, bytes):
            (folder / filename).write_bytes(notebook)
        elif notebook is not None:
            (folder / filename).write_text(json.dumps(notebook, indent=1) + "\n")
        cases[name] = {"scores": scores, "flagged": flagged, "error": error, "issue": issue}

    def zero(*ids: str) -> dict:
        return {k: (0 if k in ids else v) for k, v in POINTS.items()}

    add("01-endless-loop", with_answers(solved, source, {"step": ENDLESS}), zero("step-tests"),
        issue="1: an endless loop is stopped; what depends on it gets 0")  # fmt: skip
    add("01b-endless-stubborn", with_answers(solved, source, {"sigmoid": STUBBORN}),
        zero("sigmoid-tests"), flagged=True,
        issue="1: a loop that swallows the interrupt: sandbox killed, the rest still graded")  # fmt: skip
    add("02-os-exit", with_answers(solved, source, {"sigmoid": EXIT}),
        zero("sigmoid-tests", "perceptron-step-tests", "train-perceptron-tests"), flagged=True,
        issue="2: the kernel dies: earlier grades kept, the rest 0, flagged")  # fmt: skip
    add("03-huge-allocation", with_answers(solved, source, {"step": HUGE_ALLOCATION}),
        zero("step-tests"), issue="3: 20 GB: memory limit, 0 for that part")  # fmt: skip
    add("04-fork-bomb", with_answers(solved, source, {"perceptron-output": FORK_BOMB}), FULL,
        flagged=True, issue="4: fork bomb and subprocess: process limit, flagged")  # fmt: skip
    edited = with_answers(solved, source, {"sigmoid": WRONG_SIGMOID})
    for cell in edited["cells"]:
        if grade_id(cell) == "sigmoid-tests":
            cell["source"] = "pass  # tests? what tests?\n"
    add("05-edited-test", edited, zero("sigmoid-tests"), flagged=True,
        issue="5: an edited test cell is restored and graded as the original")  # fmt: skip
    deleted = copy.deepcopy(solved)
    deleted["cells"] = [
        c for c in deleted["cells"] if grade_id(c) not in ("step-tests", "sigmoid-tests")
    ]
    add("06-deleted-tests", deleted, FULL, issue="6: deleted test cells are put back and graded")
    flipped = with_answers(solved, source, {"sigmoid": WRONG_SIGMOID})
    for cell in flipped["cells"]:
        if grade_id(cell) == "sigmoid-tests":
            cell["metadata"]["nbgrader"].update(grade=False, solution=True, locked=False)
            cell["source"] = "pass\n"
        if grade_id(cell) == "perceptron-step-tests":
            del cell["metadata"]["nbgrader"]
            cell["source"] = "pass\n"
    add("07-flipped-metadata", flipped, zero("sigmoid-tests"), flagged=True,
        issue="7: flipped or stripped nbgrader metadata is restored, flagged")  # fmt: skip
    patched = with_answers(solved, source, {"step": PATCHES, "sigmoid": WRONG_SIGMOID})
    add("08-monkeypatch", patched, zero("step-tests", "sigmoid-tests"),
        issue="8: patched numpy/torch/utils checks give no points for wrong answers")  # fmt: skip
    add("09-always-equal", with_answers(solved, source, {"step": ALWAYS_EQUAL}), zero("step-tests"),
        issue="9: an object whose __eq__ and __bool__ are always true gets no points")  # fmt: skip
    hooks = with_answers(released, source, {"step": HOOKS})
    add("10-ipython-hooks", hooks, zero(*POINTS), flagged=True,
        issue="10: input transformer, sys.settrace, showtraceback: no points, flagged")  # fmt: skip
    add("11-snooping", with_answers(solved, source, {"step": SNOOP}), FULL, flagged=True,
        issue="11: nothing to read outside its folder, no network; flagged")  # fmt: skip
    add("12-flood", with_answers(solved, source, {"step": FLOOD}), FULL,
        issue="12: 50 MB of output and a huge figure: capped, feedback stays small")  # fmt: skip
    add("13-warnings", with_answers(solved, source, {"step": WARNS}), FULL,
        issue="13: a correct answer that warns on stderr keeps full marks")  # fmt: skip
    add("14a-renamed", solved, zero(*POINTS), error=True, filename="perceptron (1).ipynb",
        issue="14: a renamed notebook is a clear per-student error")  # fmt: skip
    add("14b-duplicated", solved, zero(*POINTS), error=True,
        issue="14: two notebooks for one lesson are a clear per-student error")  # fmt: skip
    (out / "14b-duplicated" / "perceptron.ipynb").write_text(json.dumps(solved))
    # Written by the test into its copy (a corrupt file here would break `make lint`).
    add("14c-corrupt", None, zero(*POINTS), error=True,
        issue="14: a corrupt notebook is a clear per-student error")  # fmt: skip
    # Written by the test too: a sparse file just over the size limit, refused without reading it.
    add("14d-oversized", None, zero(*POINTS), error=True,
        issue="14: an oversized notebook is a clear per-student error, never read into memory")  # fmt: skip
    add("15-correct", solved, FULL, issue="15: the control: full marks")
    add("16-one-wrong", with_answers(solved, source, {"step": WRONG_STEP}), zero("step-tests"),
        issue="a wrong step loses only its own points")  # fmt: skip
    stolen = with_answers(
        solved, source, {"step": CAPTURED_STEP, "perceptron-output": CAPTURED_OUTPUT}
    )
    ids = [grade_id(c) for c in stolen["cells"]]
    moved = stolen["cells"].pop(ids.index("train-perceptron-tests"))
    stolen["cells"][:0] = [code_cell(CAPTURE), moved]
    stolen["cells"].append(code_cell(USE_STOLEN))
    add("17-stolen-references", stolen, zero("step-tests", "perceptron-output-tests"),
        flagged=True, issue="rules 2, 3: a moved test cell and captured proxies gain nothing")  # fmt: skip
    add("18-print-everything", with_answers(solved, source, {"step": PRINT_EVERYTHING}), FULL,
        issue="rule 2: hooks that print all code and calls show no hidden test")  # fmt: skip
    fake = with_answers(
        released, source, {"sigmoid": source_of(solved, "sigmoid") + "\n\n" + FAKE_RUNS}
    )
    add("19-fake-test-runs", fake, zero("perceptron-step-tests", "train-perceptron-tests"),
        issue="rule 1: a replaced run_cell with forged nonces, cleared flags: only real answers")  # fmt: skip
    add("20-forged-reply", with_answers(solved, source, {"step": FORGED_REPLY}), zero(*POINTS),
        error=True, issue="rule 5: a reply to no request is that student's error")  # fmt: skip
    hang = with_answers(solved, source, {"step": source_of(solved, "step") + "\n\n" + RECORD_SEQ,
                                   "train-perceptron": source_of(solved, "train-perceptron")
                                   + "\n\n" + OWN_REPLY_AND_HANG})  # fmt: skip
    add("21-own-reply-then-hang", hang, zero("train-perceptron-tests"), flagged=True,
        issue="rule 5: its own reply, SIGALRM ignored, never reads: the grader never blocks")  # fmt: skip
    sleepy = copy.deepcopy(solved)
    at = [grade_id(c) for c in sleepy["cells"]].index("step") + 1
    sleepy["cells"][at:at] = [code_cell(SLEEPY) for _ in range(6)]
    add("22-over-budget", sleepy, zero(*POINTS), flagged=True,
        issue="rule 5: six long cells use up the submission's budget; the batch goes on")  # fmt: skip
    add("23a-many-flags", with_answers(solved, source, {"step": MANY_FLAGS}), FULL, flagged=True,
        issue="rule 5: 50,000 flags are capped and cost no time")  # fmt: skip
    add("23b-odd-flag", with_answers(solved, source, {"step": ODD_FLAG}), zero(*POINTS), error=True,
        issue="rule 5: a flag that is not a string is that student's error, never a crash")  # fmt: skip
    # Written by the test (ruff cannot read it): 100,000 nested brackets.
    add("24-deep-json", None, zero(*POINTS), error=True,
        issue="rule 5: 100,000 nested brackets are a clear error, not a RecursionError")  # fmt: skip
    add("25-formula-flags", with_answers(solved, source, {"step": FORMULA_FLAGS}), FULL, flagged=True,
        issue="rule 8: a formula and terminal escapes in flags are neutralised")  # fmt: skip
    extra = with_answers(solved, source, {"perceptron-step": EXTRA_ARGUMENT_STEP,
                                    "train-perceptron": EXTRA_ARGUMENT_TRAIN})  # fmt: skip
    add("27-extra-argument", extra, zero("perceptron-step-tests"),
        issue="rule 10: a wrong helper with an extra optional argument costs only its own cell")  # fmt: skip
    add("28-surrogate", with_answers(solved, source, {"step": SURROGATE}), FULL,
        issue="rule 5: a lone surrogate in the output is no crash of the batch or its files")  # fmt: skip
    flood = copy.deepcopy(solved)
    at = [grade_id(c) for c in flood["cells"]].index("step") + 1
    flood["cells"].insert(at, code_cell(PROXY_FLOOD))
    add("29-proxy-flood", flood, FULL, flagged=True,
        issue="rule 5: a flood of requests for the grader to answer cannot outrun the deadline")  # fmt: skip
    bomb = with_answers(
        solved, source, {"perceptron-step": MEMORY_BOMB, "perceptron-output": STUB_OUTPUT}
    )
    add("30-memory-bomb", bomb, zero("perceptron-output-tests", "perceptron-step-tests"),
        issue="rule 5: a reference fed hostile shapes gets no more memory than it needs")  # fmt: skip
    leak = with_answers(solved, source, {"sigmoid": LEAKY_SIGMOID, "step": LEAKY_STEP})
    add("31-leak-expected-values", leak, zero("step-tests", "sigmoid-tests"),
        issue="rule 2: feedback on hidden calls shows no expected value and no hidden input")  # fmt: skip
    # Written by the test: links, refused at collection (git would keep them as links).
    add("26a-symlinked-notebook", None, zero(*POINTS), error=True,
        issue="rule 6: a notebook that is a link to another student's is refused")  # fmt: skip
    add("26b-dev-zero", None, zero(*POINTS), error=True,
        issue="rule 6: a notebook that is a link to /dev/zero is refused, never read")  # fmt: skip
    (HERE / "expectations.json").write_text(json.dumps(cases, indent=1) + "\n")
    # Lint-clean like every notebook in the repository (the cheats are in the code, not in style).
    subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "format", "-q", str(out)], check=True
    )
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
