"""Grading one submission: its cells run in a sandbox, its hidden calls judged here.

`grade_one` never raises: whatever a submission does becomes its result's error or flags. The
score of a test cell comes only from `judge.judge_answer` on the plain answers of its hidden
calls (grading/README.md, rule 1); what the sandbox says about its visible tests can only cost
the cell, as a failing visible test does in nbgrader.
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path

from grading import evidence, judge
from grading.autograded import autograded_notebook
from grading.cells import nbgrader_meta
from grading.course import SOLUTIONS, lesson_notebook
from grading.restore import FLAGGED, restore
from grading.sandbox import ProtocolError, Sandbox, SandboxDied, StartFailed, probe

CELL_TIMEOUT = 60  # seconds a cell may run
CALL_TIMEOUT = 30  # seconds one graded call may run
BUDGET = 600  # seconds one whole submission may take
GRACE = 5  # seconds after a time limit before the sandbox counts as stuck
MAX_RESTARTS = 2
MAX_FLAGS = 60
MAX_DETAILS = 20  # full verdicts of failed hidden calls kept for the instructor


@dataclass
class Job:
    """One submission to grade, as sent to a worker."""

    lesson: str
    student: str
    notebook: bytes | None
    error: str = ""
    data: str | None = None  # MNIST folder to show inside, when the instructor names one
    timeout: int = CELL_TIMEOUT
    figures: bool = False
    budget: float = BUDGET
    slot: int = 0


class OutOfTime(Exception):
    """The submission used up its wall-clock budget."""


def source_notebook(lesson: str) -> dict:
    """The instructor's notebook of a lesson (solutions, hidden tests, points)."""
    return json.loads(lesson_notebook(lesson, SOLUTIONS).read_text())


def new_result(job: Job, source_nb: dict) -> dict:
    """A result with every test cell at 0 and the lesson's maximum score."""
    result = {"student": job.student, "lesson": job.lesson, "error": job.error, "flags": [],
              "notes": [], "grades": {}, "score": 0.0, "max_score": 0.0, "written": [],
              "sandbox": "", "seconds": 0.0, "instructor": [], "details": [],
              "visible_failures": {}, "notebook": None, "cacheable": False}  # fmt: skip
    for cell in source_nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            points = float(meta.get("points", 0))
            result["max_score"] += points
            if meta.get("solution"):
                result["written"].append(meta["grade_id"])
            else:
                result["grades"][meta["grade_id"]] = [0.0, points]
    return result


def launch(job: Job, wait: bool = True) -> Sandbox:
    """A sandbox for the job: its notebook inside, the lesson's imports made while it starts."""
    replayer = judge.replayer(job.lesson, source_notebook(job.lesson))
    data = Path(job.data) if job.data else None
    return Sandbox(lesson_notebook(job.lesson).name, job.notebook or b"", slot=job.slot,
                   data=data, figures=job.figures, preload=tuple(replayer.imports),
                   wait=wait)  # fmt: skip


def grade_one(job: Job, box: Sandbox | None = None) -> dict:
    """Grade one submission; never raises (a problem becomes the result's error). box: a
    sandbox already launched for it (grade_all starts the next one early)."""
    started = time.perf_counter()
    source_nb = source_notebook(job.lesson)
    result = new_result(job, source_nb)
    how = probe()
    result["sandbox"] = how.kind if how.kind == "bwrap" else f"FALLBACK ({how.reason})"
    student_nb = None
    if job.error:
        result["cacheable"] = True  # found at collection: the same files give the same error
    else:
        student_nb = parse(job.notebook, result)
    if student_nb is not None:
        run_guarded(job, student_nb, source_nb, result, box)
    elif box is not None:
        box.close()
    result["score"] = 0.0 if result["error"] else sum(s for s, _ in result["grades"].values())
    result["seconds"] = round(time.perf_counter() - started, 3)
    return evidence.scrubbed(result)


def parse(notebook: bytes | None, result: dict) -> dict | None:
    """The submission as JSON with a list of cells, or None with the result's error set."""
    try:
        student_nb = json.loads(notebook or b"")
        if not isinstance(student_nb, dict) or not isinstance(student_nb.get("cells"), list):
            raise ValueError("no list of cells")
        return student_nb
    except RecursionError:
        result["error"] = "the notebook could not be read: its JSON is nested too deeply"
    except (ValueError, UnicodeDecodeError) as problem:
        result["error"] = f"the notebook could not be read (corrupt, not JSON?): {problem}"[:300]
    result["cacheable"] = True  # the same bytes give the same error
    return None


def run_guarded(job: Job, student_nb: dict, source_nb: dict, result: dict,
                box: Sandbox | None = None) -> None:  # fmt: skip
    """Grade, turning every way a submission can fail the grader into that student's error."""
    try:
        Grading(job, student_nb, source_nb, result, box).run()
        result["cacheable"] = True
    except StartFailed as problem:
        result["error"] = f"the grader's sandbox could not start (not the student's doing): {problem}"[:800]  # fmt: skip
        result["flags"].append("the sandbox could not start: ask the instructor to check it")
    except ProtocolError as problem:  # the student's doing: graded again, it would do it again
        result["error"] = f"the notebook broke the grader's protocol: {problem}"[:500]
        result["flags"].append("the notebook broke the grader's protocol")
        result["cacheable"] = True
    except Exception as problem:  # noqa: BLE001 - one submission never stops the batch
        result["error"] = f"grading failed: {type(problem).__name__}: {problem}"[:500]
        result["instructor"].append(traceback.format_exc()[-2000:])


class Grading:
    """One submission's run: its sandbox (restarted when a cell ignores its time limit), each
    cell's outcome, and the result being filled in."""

    def __init__(self, job: Job, student_nb: dict, source_nb: dict, result: dict,
                 box: Sandbox | None = None) -> None:  # fmt: skip
        self.job, self.result, self.source_nb = job, result, source_nb
        self.cells, notes = restore(student_nb, source_nb)
        result["notes"] += notes
        self.flag(*[n for n in notes if any(word in n for word in FLAGGED)])
        self.plans = self.plan_tests(source_nb)
        self.runs: list[dict] = [{} for _ in self.cells]
        self.deadline = time.monotonic() + job.budget
        self.box = box
        self.restarts = 0
        self.stopped = ""  # why the remaining cells do not run
        self.passed: set[str] = set()  # the student's functions whose test cell passed

    def plan_tests(self, source_nb: dict) -> dict[int, judge.CellPlan]:
        """The trusted plan of every test cell, its cases seeded by the submission."""
        replayer = judge.replayer(self.job.lesson, source_nb)
        digest = hashlib.sha256((self.job.notebook or b"") + self.job.student.encode()).digest()
        seed = int.from_bytes(digest[:8], "big")
        plans = {}
        for index, cell in enumerate(self.cells):
            if cell["kind"] == "test":
                plans[index] = replayer.plan(cell["source"], cell["grade_id"], seed + index)
                self.result["instructor"] += plans[index].problems
        return plans

    def flag(self, *flags: str) -> None:
        """Add flags, each once, at most MAX_FLAGS in all."""
        kept = self.result["flags"]
        for flag in flags:
            if flag not in kept and len(kept) < MAX_FLAGS:
                kept.append(flag)

    def run(self) -> None:
        """Every cell in order, then the scores and the autograded notebook."""
        try:
            for index, cell in enumerate(self.cells):
                if cell["cell_type"] == "code" and cell["kind"] != "written":
                    self.runs[index] = self.cell(index)
        finally:
            if self.box is not None:
                self.flag(*[f"asked the grader for {name} outside its test"
                            for name in self.box.refused])  # fmt: skip
                self.box.close()
        for index, cell in enumerate(self.cells):
            if cell["kind"] != "test":
                continue
            gid, run = cell["grade_id"], self.runs[index]
            if run.get("status") == "passed":
                self.result["grades"][gid][0] = self.result["grades"][gid][1]
            elif run.get("error"):
                error = run["error"]
                message = f"{error.get('ename', '')}: {error.get('evalue', '')}".strip(": ")
                self.result["visible_failures"][gid] = (
                    message.splitlines()[0][:300] if message else ""
                )
        self.result["notebook"] = autograded_notebook(self.source_nb, self.cells, self.runs)

    def cell(self, index: int) -> dict:
        """Run one code cell; its outcome (never raises for what the submission does)."""
        if self.stopped:
            return {"status": "not run", "outputs": [], "error": None, "failures": [self.stopped]}
        cell = self.cells[index]
        try:
            if cell["kind"] == "test":
                return self.test(self.plans[index])
            return self.code(cell["source"])
        except TimeoutError:
            self.restart(index)
            return {"status": "timeout", "outputs": [], "error": {"ename": "Timeout",
                    "evalue": "killed after the time limit", "traceback": ""}}  # fmt: skip
        except SandboxDied as death:
            self.stop(
                f"the notebook's process died in cell {index + 1}: {str(death).splitlines()[0]}"
            )
            return {"status": "died", "outputs": [], "error": {"ename": "KernelDied",
                    "evalue": self.stopped, "traceback": ""}}  # fmt: skip
        except OutOfTime:
            self.stop(f"the notebook used up its {self.job.budget:g} s budget in cell {index + 1}")
            return {"status": "not run", "outputs": [], "error": None, "failures": [self.stopped]}

    def stop(self, why: str) -> None:
        """No more cells run: the sandbox is gone or the budget spent."""
        self.stopped = why
        self.flag(why)
        if self.box is not None:
            self.box.close()
            self.box = None

    def sandbox(self) -> Sandbox:
        """The running sandbox, started on first use."""
        if self.box is None:
            self.box = launch(self.job)
        return self.box

    def request(self, message: dict, timeout: float, serve=None) -> dict:
        """One request within the budget; OutOfTime when the budget, not the cell, runs out."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise OutOfTime
        try:
            reply = self.sandbox().request(message, min(timeout, left), serve)
        except TimeoutError:
            if self.deadline - time.monotonic() <= 0.5:
                raise OutOfTime from None
            raise
        self.flag(*evidence.flags(reply))
        return reply

    def proxied(self, swaps: dict[str, str]) -> dict[str, str]:
        """The swapped names the grader must answer: an earlier exercise that passed its own
        test stays the student's (that gains nothing, and saves the round trips)."""
        return {name: target for name, target in swaps.items() if name not in self.passed}

    def code(self, source: str, proxies: dict[str, str] | None = None,
             plan: judge.CellPlan | None = None) -> dict:  # fmt: skip
        """Run code as a cell (proxies: the names the grader answers, from the plan's
        references); its validated outcome."""
        timeout = self.job.timeout
        serve = judge.proxy_server(plan, proxies, CALL_TIMEOUT) if proxies else None
        message = {"op": "run", "code": source, "timeout": timeout, "proxies": list(proxies or {})}
        return evidence.run_reply(self.request(message, timeout + GRACE, serve))

    def restart(self, index: int) -> None:
        """A cell ignored its time limit: a fresh sandbox, the earlier code cells run again (a
        replayed cell that hangs again is dropped)."""
        self.flag(f"cell {index + 1} ignored its time limit; the sandbox was killed")
        while True:
            self.box.close()
            self.box = None
            self.restarts += 1
            if self.restarts > MAX_RESTARTS:
                self.stop("too many cells ignored their time limit")
                return
            try:
                for earlier in range(index):
                    if self.replayable(earlier):
                        current = earlier
                        self.code(self.cells[earlier]["source"])
                return
            except TimeoutError:
                self.runs[current] = {"status": "timeout", "outputs": [], "error": None}
            except SandboxDied as death:
                self.stop(f"the notebook's process died replaying cell {current + 1}: {death}")
                return
            except OutOfTime:
                self.stop(f"the notebook used up its {self.job.budget:g} s budget")
                return

    def replayable(self, index: int) -> bool:
        """Whether an earlier cell runs again in a fresh sandbox (the student's code did run)."""
        cell = self.cells[index]
        return (cell["cell_type"] == "code" and cell["kind"] in ("answer", "plain", "locked")
                and self.runs[index].get("status") in ("ok", "error"))  # fmt: skip

    def test(self, plan: judge.CellPlan) -> dict:
        """A test cell: visible code (with a nonce), then the hidden calls; scored here."""
        failures: list[str] = []
        outputs: list[dict] = []
        error = None
        if plan.calls == 0:
            failures.append("this test cell makes no hidden call, so nothing can score it")
            self.result["instructor"].append(f"{plan.grade_id}: no hidden call to score it")
        if plan.problems:
            failures.append(
                "the grader could not replay every hidden test (the instructor is told)"
            )
        before = evidence.problems(self.request({"op": "integrity"}, 10))
        for step in plan.steps:
            if failures:
                break  # like nbgrader: a cell stops at its first failure
            if step.kind == "visible":
                nonce = uuid.uuid4().hex
                code = step.code.rstrip() + f"\nprint({nonce!r})\n"
                run = self.code(code, self.proxied(step.swaps), plan)
                seen = any(nonce in o.get("text", "") for o in run["outputs"])
                outputs += without_nonce(run["outputs"], nonce)
                if run["status"] != "ok":
                    error = run["error"]
                    failures.append("the visible tests failed")
                elif not seen:
                    failures.append("the test cell did not really run")
                    self.flag(
                        f"test cell {plan.grade_id!r} did not really run (its code was changed)"
                    )
            else:
                failures += self.hidden_calls(step.calls, plan)
        problems = [
            p for p in evidence.problems(self.request({"op": "integrity"}, 10)) if p not in before
        ]
        if problems:
            failures.append("the notebook machinery was tampered with: " + "; ".join(problems))
            self.flag(*problems)
        status = "passed" if not failures else "failed"
        if status == "passed":
            self.passed |= {call.fn for step in plan.steps for call in step.calls}
        return {"status": status, "outputs": outputs, "error": error, "failures": failures[:12]}

    def hidden_calls(self, calls: list[judge.Call], plan: judge.CellPlan) -> list[str]:
        """Make a step's calls in a child the sandbox forks for them; what was wrong."""
        failures = []
        reply = self.request({"op": "fork"}, 10)
        ended = reply.get("op") == "forked-ended"
        for call in calls:
            if ended:
                failures.append(f"hidden test {call.name}: not run (the notebook's process ended)")
                continue
            seconds = min(self.job.timeout, CALL_TIMEOUT)
            swaps = self.proxied(call.swaps)
            message = {"op": "call", "fn": call.fn, "args": call.args, "timeout": seconds,
                       "proxies": list(swaps)}  # fmt: skip
            serve = judge.proxy_server(plan, swaps, seconds) if swaps else None
            reply = self.request(message, seconds + GRACE, serve)
            if reply.get("op") == "forked-ended":
                ended = True
                failures.append(f"hidden test {call.name}: the notebook's process ended during it")
                continue
            ok, value, error = evidence.call_reply(reply)
            verdict = judge.judge_answer(call, ok, value, error)
            if verdict:
                failures.append(f"hidden test {judge.for_student(call, ok, verdict)}")
                if len(self.result["details"]) < MAX_DETAILS:  # for the instructor only
                    self.result["details"].append(f"{plan.grade_id}: {verdict}"[:2000])
        if not ended and self.request({"op": "end"}, 10).get("op") != "forked-ended":
            event = self.sandbox().receive_event(10)  # the parent: its child has ended
            if event.get("op") != "forked-ended":
                raise ProtocolError("no word that the test's child process ended")
        return failures


def without_nonce(outputs: list[dict], nonce: str) -> list[dict]:
    """Outputs with the nonce line taken out of the stdout text."""
    for output in outputs:
        if output.get("name") == "stdout":
            output["text"] = output["text"].replace(nonce + "\n", "").replace(nonce, "")
    return outputs
