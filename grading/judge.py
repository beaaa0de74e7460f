"""The trusted side of a hidden test: replay the instructor's hidden code without student code.

For each test cell of the SOURCE notebook, the hidden blocks run here with every name the
student defines replaced by a stub, and with utils.checks.check_function / check_judged replaced
by recorders (the grading contract: references and judges are self-contained, cases never call a
student function). That yields a plan: the calls to make in the sandbox (which function, on which
inputs, with which earlier exercises swapped for references) and what each answer must match.
The sandbox only ever sees the inputs; the comparison happens back here, with plain numpy on
plain data, so nothing the student patches in the kernel can change a score.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import functools
import inspect
import random
import re
import resource
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from grading.cells import cell_text, nbgrader_meta
from utils.checks import ATOL, RTOL

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n(.*?)^[ \t]*### END HIDDEN TESTS[^\n]*\n?",
                    re.S | re.M)  # fmt: skip


def segments(source: str) -> list[tuple[str, str]]:
    """A test cell as ('visible' | 'hidden', code) pieces in order."""
    pieces, at = [], 0
    for match in HIDDEN.finditer(source):
        if source[at : match.start()].strip():
            pieces.append(("visible", source[at : match.start()]))
        pieces.append(("hidden", match.group(1)))
        at = match.end()
    if source[at:].strip():
        pieces.append(("visible", source[at:]))
    return pieces


def visible_code(source: str) -> str:
    """The cell as students see it: the hidden blocks removed."""
    return "".join(code for kind, code in segments(source) if kind == "visible")


def defined_names(code: str) -> set[str]:
    """Top-level names a piece of code defines (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


class Stub:
    """Stands for a student's function while the hidden code is replayed."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args, **kwargs):
        return None

    def __repr__(self) -> str:
        return f"<the student's {self.name}>"


@dataclass
class Call:
    """One call of a student function that the sandbox must make, and how to judge its answer."""

    fn: str
    args: tuple
    name: str
    swaps: dict[str, str]  # student name -> reference function bound in its place
    expected: object = None
    judge: object = None
    rtol: float = RTOL
    atol: float = ATOL


@dataclass
class Step:
    """A piece of a test cell for the sandbox: visible code to run, or calls to make."""

    kind: str  # "visible" or "calls"
    code: str = ""
    swaps: dict[str, str] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)


@dataclass
class CellPlan:
    """What the sandbox must do for one test cell, and the references that answer its proxies."""

    grade_id: str
    steps: list[Step]
    references: dict[str, Callable]  # hidden function name -> the function, here only
    problems: list[str]  # for the instructor: where the replay of hidden code went wrong

    @property
    def calls(self) -> int:
        """How many hidden calls decide this cell's score."""
        return sum(len(step.calls) for step in self.steps)


class Replayer:
    """Trusted replay of one source notebook's hidden tests (one per worker, reused)."""

    def __init__(self, source_nb: dict) -> None:
        self.source_nb = source_nb
        self.student_names: set[str] = set()
        self.setup: list[str] = []
        for cell in source_nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            text = cell_text(cell)
            meta = nbgrader_meta(cell)
            if meta.get("solution"):
                self.student_names |= defined_names(text)
            elif not (meta.get("grade") and not meta.get("solution")):
                self.setup.append(text)
        self.imports = []
        for text in self.setup:
            with contextlib.suppress(SyntaxError):
                for node in ast.parse(text).body:
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        self.imports.append(ast.unparse(node))

    def namespace(self) -> dict:
        ns: dict = {"__name__": "__main__", "np": np}
        for statement in self.imports:
            with contextlib.suppress(Exception):
                exec(statement, ns)
        for name in self.student_names:
            ns[name] = Stub(name)
        return ns

    def plan(self, source: str, grade_id: str, seed: int) -> CellPlan:
        """What the sandbox must do for one test cell, with cases drawn from `seed`."""
        ns = self.namespace()
        pieces = segments(source)
        hidden_defs = _function_names("\n".join(code for kind, code in pieces if kind == "hidden"))
        steps: list[Step] = []
        problems: list[str] = []
        current: list[Call] = []

        def swaps_now() -> dict[str, str]:
            swapped = {}
            for name in self.student_names:
                value = ns.get(name)
                if isinstance(value, Stub) and value.name == name:
                    continue
                target = getattr(value, "__name__", None)
                if target in hidden_defs:
                    swapped[name] = target
            return swapped

        def check_function(fn, reference, cases, name, rtol=RTOL, atol=ATOL):
            cases = list(cases)
            if not isinstance(fn, Stub):
                problems.append(f"{grade_id}: check_function({name!r}) tests {fn!r}, not a "
                                "student function, so it cannot be replayed")  # fmt: skip
                return
            for i, args in enumerate(cases):
                expected = reference(*copy.deepcopy(tuple(args)))
                current.append(Call(fn.name, tuple(args), f"{name} (case {i + 1})", swaps_now(),
                                    expected=expected, rtol=rtol, atol=atol))  # fmt: skip

        def check_judged(fn, judge, cases, name):
            if not isinstance(fn, Stub):
                problems.append(f"{grade_id}: check_judged({name!r}) tests {fn!r}, not a "
                                "student function, so it cannot be replayed")  # fmt: skip
                return
            for i, args in enumerate(list(cases)):
                current.append(Call(fn.name, tuple(args), f"{name} (case {i + 1})", swaps_now(),
                                    judge=judge))  # fmt: skip

        with _recording(ns, check_function, check_judged), _seeded(seed):
            for kind, code in pieces:
                if kind == "visible":
                    steps.append(Step("visible", code=code, swaps=swaps_now()))
                    continue
                current = []
                try:
                    exec(compile(code, f"<hidden tests of {grade_id}>", "exec"), ns)
                except Exception as error:  # noqa: BLE001 - the instructor must hear about it
                    problems.append(f"{grade_id}: replaying the hidden tests stopped with "
                                    f"{type(error).__name__}: {error}")  # fmt: skip
                if current:
                    steps.append(Step("calls", calls=current))
        used = {t for step in steps for t in step.swaps.values()}
        used |= {t for step in steps for call in step.calls for t in call.swaps.values()}
        references = {name: ns[name] for name in used if callable(ns.get(name))}
        return CellPlan(grade_id, steps, references, problems)


_REPLAYERS: dict[str, Replayer] = {}


def replayer(lesson: str, source_nb: dict) -> Replayer:
    """The replay of a lesson's source notebook, made once per process."""
    if lesson not in _REPLAYERS:
        _REPLAYERS[lesson] = Replayer(source_nb)
    return _REPLAYERS[lesson]


def _function_names(code: str) -> set[str]:
    """The top-level functions that code defines."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


@contextlib.contextmanager
def _recording(ns: dict, check_function, check_judged):
    """utils.checks.check_function / check_judged replaced by recorders while replaying."""
    import utils.checks as checks

    saved = checks.check_function, checks.check_judged
    for key, value in list(ns.items()):
        if value is saved[0]:
            ns[key] = check_function
        elif value is saved[1]:
            ns[key] = check_judged
    checks.check_function, checks.check_judged = check_function, check_judged
    try:
        yield
    finally:
        checks.check_function, checks.check_judged = saved


@contextlib.contextmanager
def _seeded(seed: int):
    """Unseeded generators made reproducible: the same submission gets the same cases."""
    original = np.random.default_rng
    counter = iter(range(10**9))

    def default_rng(seed_arg=None):
        if seed_arg is None:
            seed_arg = [seed, next(counter)]
        return original(seed_arg)

    np.random.default_rng = default_rng
    random.seed(seed)
    np_state = np.random.get_state()  # noqa: NPY002 - the legacy global generator, too
    np.random.seed(seed % 2**32)  # noqa: NPY002
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
    try:
        yield
    finally:
        np.random.default_rng = original
        np.random.set_state(np_state)  # noqa: NPY002


class TooLong(Exception):
    """Instructor code ran past its time limit on a submission's data."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Interrupt the block after `seconds` (main thread only; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise TooLong(f"ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@functools.lru_cache(maxsize=256)
def _parameters(fn: Callable) -> tuple[inspect.Parameter, ...] | None:
    try:
        return tuple(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None


HEADROOM = 2 * 2**30  # bytes instructor code may allocate on a submission's data


@contextlib.contextmanager
def memory_headroom(extra: int = HEADROOM):
    """Cap this process's address space at what it uses now plus `extra` for the block, so a
    reference or judge fed hostile shapes (an (n, 1) + (n,) broadcast) gets a MemoryError
    instead of the grader's machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = _address_space()
    if used is None:
        yield
        return
    cap = used + extra if hard == resource.RLIM_INFINITY else min(hard, used + extra)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int | None:
    """This process's virtual memory size in bytes (None where /proc does not tell)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None


def fitted(fn: Callable, args: list, kwargs: dict) -> tuple[list, dict]:
    """args and kwargs cut to what fn takes: a student's helper may have an extra optional
    argument that the reference standing in for it does not know."""
    parameters = _parameters(fn)
    if parameters is None:
        return args, kwargs
    kinds = {p.kind for p in parameters}
    if inspect.Parameter.VAR_POSITIONAL not in kinds:
        positional = [
            p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        args = args[: len(positional)]
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        names = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        taken = {p.name for p in list(parameters)[: len(args)]}
        kwargs = {k: v for k, v in kwargs.items() if k in names and k not in taken}
    return args, kwargs


def proxy_server(plan: CellPlan, swaps: dict[str, str], seconds: float) -> Callable[[dict], dict]:
    """What answers the sandbox's proxy requests during one step: the reference for each name
    the step swaps, run here on the plain inputs; any other name is refused."""

    def serve(request: dict) -> dict:
        name, args, kwargs = request.get("ref"), request.get("args"), request.get("kwargs")
        target = swaps.get(name) if isinstance(name, str) else None
        if target not in plan.references:
            return {"ok": False, "error": f"the grader does not answer {str(name)[:80]!r} here"}
        if not isinstance(args, (list, tuple)) or not isinstance(kwargs, dict):
            return {"ok": False, "error": "a malformed request"}
        fn = plan.references[target]
        args, kwargs = fitted(fn, list(args), {k: v for k, v in kwargs.items() if type(k) is str})
        try:
            with time_limit(seconds), memory_headroom(), np.errstate(all="ignore"):
                return {"ok": True, "value": fn(*args, **kwargs)}
        except Exception as failure:  # noqa: BLE001 - the student's inputs did not fit
            return {"ok": False, "error": f"raised {type(failure).__name__}: {failure}"[:600]}

    return serve


JUDGE_SECONDS = 60  # a judge or comparison of one answer


def judge_answer(call: Call, ok: bool, value: object, error: str) -> str | None:
    """None when the student's answer to a call is right, else what is wrong (no hidden code;
    for the instructor: it may quote expected values, see for_student)."""
    from utils.checks import check_result

    if not ok:
        return f"{call.name}: {error}"
    try:
        with time_limit(JUDGE_SECONDS), memory_headroom(), np.errstate(all="ignore"):
            if call.judge is not None:
                call.judge(*copy.deepcopy(call.args), value)
            else:
                check_result(value, call.expected, call.name, call.rtol, call.atol)
    except AssertionError as failure:
        text = str(failure)[:1500]
        return text if call.judge is None else f"{call.name}: {text}"
    except Exception as failure:  # noqa: BLE001 - the answer did not fit the judge
        return (f"{call.name}: the answer could not be checked "
                f"({type(failure).__name__}: {str(failure)[:300]})")  # fmt: skip
    return None


FAILED_CALL = [  # what a failed hidden call may tell the student (the sandbox's text is untrusted)
    (re.compile(r"ran longer than the time limit"), "ran longer than the time limit"),
    (
        re.compile(r"cannot compare"),
        "returned something other than numbers, arrays or tuples/lists/dicts of them",
    ),  # fmt: skip
    (re.compile(r"is not defined"), "is not defined (or not a function)"),
    (re.compile(r"\braised ([A-Za-z_][A-Za-z0-9_.]{0,60})"), r"raised \1"),
]
EXPECTED = re.compile(r"\b(should be|expected) [^,;:()\n]*")


def for_student(call: Call, ok: bool, verdict: str) -> str:
    """A hidden call's verdict as the student may see it: what kind of thing was wrong, never an
    expected value, a reference's result or a hidden input."""
    if not ok:
        for pattern, shown in FAILED_CALL:
            match = pattern.search(verdict)
            if match:
                return f"{call.name}: {match.expand(shown)} on a hidden input"
        return f"{call.name}: failed on a hidden input"
    first = verdict.splitlines()[0] if verdict else ""
    return EXPECTED.sub(lambda m: f"{m.group(1)} something else", first)[:300]
