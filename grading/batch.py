"""`python -m grading grade LESSON`: the batch. Collect the submissions, check the model solution
in the same sandbox, grade each submission in a worker (grading.grade), write feedback, the
gradebook, the grades CSV and the summary.

Results are cached under OUT/results keyed by a hash of the submission, the source notebook and
the grading code, so a second run grades only what changed; an error is never cached.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from grading.cells import cell_text, nbgrader_meta, read_notebook, with_answers
from grading.course import LESSONS, REPO, SOLUTIONS, lesson_notebook
from grading.grade import BUDGET, CELL_TIMEOUT, Job, grade_one, launch, source_notebook

VERSION = "2"
MODEL = "model-solution"  # the name the model solution's check is reported under


@functools.cache
def pipeline_hash() -> str:
    """The running grader's version: changes whenever the grading code changes (so cached
    results are redone)."""
    digest = hashlib.sha256(VERSION.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    digest.update((REPO / "utils" / "checks.py").read_bytes())
    return digest.hexdigest()[:16]


def notebook_names(lesson: str) -> set[str]:
    """The file names a submission of the lesson may have."""
    return {f"{lesson}.ipynb", lesson_notebook(lesson).name}


# ---------------------------------------------------------------- workers

_SLOT = 0


def _init_worker(slots) -> None:
    """A worker takes a slot (its sandbox uid) and dies with the grader (Ctrl-C included)."""
    import ctypes
    import signal

    global _SLOT
    _SLOT = slots.get()
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _grade_in_worker(job: Job) -> dict:
    job.slot = _SLOT
    return grade_one(job)


def grade_in_turn(jobs: list[Job]) -> list[dict]:
    """Grade jobs one after the other in this process, each next sandbox starting while the
    current submission is graded (two slots, so the two never share a uid)."""
    results, upcoming = [], None
    for index, job in enumerate(jobs):
        box, upcoming = upcoming, None
        job.slot = index % 2
        if index + 1 < len(jobs) and jobs[index + 1].notebook and not jobs[index + 1].error:
            jobs[index + 1].slot = (index + 1) % 2
            try:
                upcoming = launch(jobs[index + 1], wait=False)
            except Exception:  # noqa: BLE001 - it starts again, in turn, and says why there
                upcoming = None
        results.append(grade_one(job, box))
    return results


def grade_all(jobs: list[Job], workers: int) -> list[dict]:
    """Grade jobs in order, in `workers` processes (spawned: a fork could copy torch's threads)."""
    if workers <= 1 or len(jobs) <= 1:
        return grade_in_turn(jobs)
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    slots = context.Queue()
    for k in range(workers):
        slots.put(k)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(slots,)) as pool:  # fmt: skip
        return list(pool.map(_grade_in_worker, jobs))


# ---------------------------------------------------------------- the model solution


class ModelSolutionFailed(SystemExit):
    """The model solution did not earn full marks here: no student is graded."""


def check_model_solution(lesson: str, template: Job) -> dict:
    """Grade the model solution in the same sandbox and environment; stop unless it earns every
    automatic point (a broken environment would otherwise give every student a silent 0)."""
    student = read_notebook(lesson_notebook(lesson, LESSONS))
    model = json.dumps(with_answers(student, source_notebook(lesson))).encode()
    job = Job(lesson, MODEL, model, "", template.data, template.timeout, False, template.budget)
    result = grade_one(job)
    automatic = sum(points for _, points in result["grades"].values())
    score = sum(score for score, _ in result["grades"].values())
    if result["error"] or score < automatic:
        lines = [f"STOPPED: the model solution of {lesson} earns {score:g} of {automatic:g} "
                 "automatic points in this grader's sandbox, so no student was graded.",
                 "Fix the environment (or the lesson) first. What went wrong:"]  # fmt: skip
        if result["error"]:
            lines.append(f"  {result['error']}")
        lines += [f"  {flag}" for flag in result["flags"][:10]]
        lines += [
            f"  grader: {note.strip().splitlines()[-1]}"
            for note in result["instructor"][:5]
            if note.strip()
        ]
        lines += failing_cells(result)
        raise ModelSolutionFailed("\n".join(lines))
    return result


def failing_cells(result: dict) -> list[str]:
    """A line for each test cell that did not pass, then the first verdicts of its hidden calls."""
    lines = [f"  {gid}: 0 of {points:g}" for gid, (score, points) in result["grades"].items()
             if score < points]  # fmt: skip
    return lines + [f"    {detail.splitlines()[0]}" for detail in result["details"][:5]]


# ---------------------------------------------------------------- the batch


def submission_key(data: bytes | None, error: str, lesson: str, settings: str) -> str:
    """What a cached result is valid for: the grader, the lesson, the submission, the settings."""
    digest = hashlib.sha256(pipeline_hash().encode())
    digest.update(lesson_notebook(lesson, SOLUTIONS).read_bytes())
    digest.update(error.encode())
    digest.update(data or b"")
    digest.update(settings.encode())
    return digest.hexdigest()


def cached(cache: Path, student: str, key: str) -> dict | None:
    """The stored result for this key, if any."""
    try:
        old = json.loads((cache / f"{student}.json").read_text())
    except (OSError, ValueError):
        return None
    return old if isinstance(old, dict) and old.get("key") == key else None


def grade_lesson(lesson: str, submissions: Path, out: Path, jobs: int = 1,
                 db: str | None = None, data: Path | None = None, quiet: bool = False,
                 timeout: int = CELL_TIMEOUT, figures: bool = False,
                 budget: float = BUDGET) -> list[dict]:  # fmt: skip
    """Grade every submission of a lesson; write gradebook, CSV, feedback and summary."""
    from grading import gradebook
    from grading.collect import collect
    from grading.results import summarise, write_csv
    from grading.sandbox import font_cache, probe

    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)  # nothing in a sandbox runs as this user, but be strict anyway
    cache = out / "results" / lesson
    cache.mkdir(parents=True, exist_ok=True)
    if data is None and os.environ.get("NN_WORKBOOK_DATA"):
        data = Path(os.environ["NN_WORKBOOK_DATA"]).resolve()
    found = collect(submissions, lesson, notebook_names(lesson), out / ".scratch")
    # nbgrader's gradebook takes seconds to import: do it while the sandboxes work.
    threading.Thread(target=__import__, args=("nbgrader.api",), daemon=True).start()
    how = probe()
    if how.kind != "bwrap":
        print(f"!!!!!!!! WARNING: no bubblewrap sandbox ({how.reason}). Submissions run with "
              "rlimits in a scratch folder only: NOT isolated from this machine.", file=sys.stderr)  # fmt: skip
    settings = f"t{timeout}-f{figures:d}-b{budget:g}"
    template = Job(lesson, "", None, "", str(data) if data else None, timeout, figures, budget)
    todo, results = [], {}
    for sub in found:
        key = submission_key(sub.data, sub.error, lesson, settings)
        old = cached(cache, sub.student, key)
        if old is not None:
            results[sub.student] = old
        else:
            todo.append((sub, key))
    started = time.perf_counter()
    if todo:
        font_cache()
        _warm_up(lesson)
        check_model_solution(lesson, template)
    job_list = [Job(lesson, s.student, s.data, s.error, template.data, timeout, figures, budget)
                for s, _ in todo]  # fmt: skip
    fresh = grade_all(job_list, jobs)
    elapsed = time.perf_counter() - started
    for (sub, key), result in zip(todo, fresh, strict=True):
        result["key"] = key
        if result.pop("cacheable", False):  # never a crash, a sandbox that failed, a break
            (cache / f"{sub.student}.json").write_text(json.dumps(result))
        results[sub.student] = result
    ordered = [results[s.student] for s in found]
    for result in ordered:
        if result.get("feedback"):
            target = out / "feedback" / result["student"] / lesson / "feedback.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(result["feedback"], encoding="utf-8", errors="replace")
    gradebook.record(
        db or f"sqlite:///{out / 'gradebook.db'}", lesson, source_notebook(lesson), ordered
    )
    write_csv(out / f"grades-{lesson}.csv", ordered)
    summary = summarise(lesson, ordered, len(todo), elapsed, how)
    (out / f"summary-{lesson}.txt").write_text(summary, encoding="utf-8", errors="replace")
    if not quiet:
        print(summary)
    return ordered


def _warm_up(lesson: str) -> None:
    """Import what the trusted replay needs before the workers start (once, not per worker)."""
    from grading import judge

    source = source_notebook(lesson)
    replayer = judge.replayer(lesson, source)
    for cell in source["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            replayer.plan(cell_text(cell), meta["grade_id"], seed=0)
