"""`python -m grading grade LESSON`: the batch. Collect the submissions (this grader's share of
them), check the model solution in the same sandbox, grade each submission in a worker
(grading.grade), write the autograded notebooks and the gradebook, then the grades CSV and the
summary from what the gradebook holds (manual marks included).

Results are cached under grades/.cache keyed by a hash of the submission, the source notebook and
the grading code, so a second run grades only what changed; an error is never cached.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from grading.cells import cell_text, nbgrader_meta, read_notebook, with_answers
from grading.course import CONFIG, LESSONS, REPO, SOLUTIONS, lesson_notebook
from grading.grade import BUDGET, CELL_TIMEOUT, Job, grade_one, launch, source_notebook

VERSION = "3"
GRADES = "grades"  # the grader's own files in the course: CSV, summaries, reports, its cache
MODEL = "model-solution"  # the name the model solution's check is reported under


@functools.cache
def pipeline_hash() -> str:
    """The running grader's version: changes whenever the grading code changes (so cached
    results are redone)."""
    digest = hashlib.sha256(VERSION.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    for name in ("grading_mode.py", "mnist.py", "training.py"):  # what grading uses, and checks
        digest.update((REPO / "utils" / name).read_bytes())
    for path in sorted((REPO / "utils" / "checks").glob("*.py")):
        digest.update(path.read_bytes())
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


@dataclass
class Settings:
    """How a batch grades: workers, limits, figures, the MNIST folder, the share of students."""

    jobs: int = 1
    timeout: int = CELL_TIMEOUT
    figures: bool = False
    budget: float = BUDGET
    data: Path | None = None
    shard: tuple[int, int] = (1, 1)  # (k, N): this grader takes the k-th of N shares

    def key(self) -> str:
        """What in the settings changes a result (the cache is valid for these only)."""
        return f"t{self.timeout}-f{self.figures:d}-b{self.budget:g}"


def in_shard(student: str, shard: tuple[int, int]) -> bool:
    """Whether the student is in share k of N (the same split on every machine)."""
    k, n = shard
    return int.from_bytes(hashlib.sha256(student.encode()).digest()[:8], "big") % n == k - 1


def parse_shard(text: str) -> tuple[int, int]:
    """'k/N' as (k, N), checked: 1 <= k <= N."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise SystemExit(f"--shard wants k/N (e.g. 1/2), not {text!r}") from None
    if not 1 <= k <= n:
        raise SystemExit(f"--shard {text}: k must be between 1 and N")
    return k, n


def grade_lesson(lesson: str, submissions: Path | None, course: Path, jobs: int = 1,
                 db: str | None = None, data: Path | None = None, quiet: bool = False,
                 timeout: int = CELL_TIMEOUT, figures: bool = False, budget: float = BUDGET,
                 shard: tuple[int, int] = (1, 1)) -> list[dict]:  # fmt: skip
    """Grade every submission of a lesson (course/submitted by default) and write what nbgrader
    reads (autograded/, the gradebook) and the grader's own files (grades/: CSV, summary)."""
    from grading.gradebook import course_url
    from grading.results import summarise, write_csv

    if data is None and os.environ.get("NN_WORKBOOK_DATA"):
        data = Path(os.environ["NN_WORKBOOK_DATA"]).resolve()
    settings = Settings(jobs, timeout, figures, budget, data, shard)
    grades = course / GRADES
    grades.mkdir(parents=True, exist_ok=True)
    if not (course / CONFIG.name).exists():  # nbgrader's own tools need it to find the folders
        shutil.copy(CONFIG, course / CONFIG.name)
    os.chmod(grades, 0o700)  # nothing in a sandbox runs as this user, but be strict anyway
    found = collected(lesson, submissions or course / "submitted", grades, shard)
    # nbgrader's gradebook takes seconds to import: do it while the sandboxes work.
    threading.Thread(target=__import__, args=("nbgrader.api",), daemon=True).start()
    results, graded, elapsed, how = grade_found(lesson, found, grades / ".cache" / lesson, settings)
    write_autograded(course, lesson, found, results)
    rows = record_and_read(course_url(course, db), lesson, found, results)
    suffix = "" if shard == (1, 1) else f".shard-{shard[0]}-of-{shard[1]}"
    write_json(grades / f"rows-{lesson}{suffix}.json", rows)
    write_csv(grades / f"grades-{lesson}{suffix}.csv", rows)
    summary = summarise(lesson, rows, graded, elapsed, how)
    (grades / f"summary-{lesson}{suffix}.txt").write_text(
        summary, encoding="utf-8", errors="replace"
    )
    if not quiet:
        print(summary)
    return rows


def collected(lesson: str, where: Path, grades: Path, shard: tuple[int, int]) -> list:
    """The lesson's submissions at `where` that this grader's share holds."""
    from grading.collect import collect

    found = collect(where, lesson, notebook_names(lesson), grades / ".scratch")
    return [sub for sub in found if in_shard(sub.student, shard)]


def grade_found(lesson: str, found: list, cache: Path, settings: Settings) -> tuple:
    """Each submission's result (from the cache when nothing changed); how many were graded now,
    in how many seconds, and in which kind of sandbox."""
    from grading.sandbox import font_cache, probe

    cache.mkdir(parents=True, exist_ok=True)
    how = probe()
    if how.kind != "bwrap":
        print(f"!!!!!!!! WARNING: no bubblewrap sandbox ({how.reason}). Submissions run with "
              "rlimits in a scratch folder only: NOT isolated from this machine.", file=sys.stderr)  # fmt: skip
    data = str(settings.data) if settings.data else None
    template = Job(lesson, "", None, "", data, settings.timeout, settings.figures, settings.budget)
    todo, results = [], {}
    for sub in found:
        key = submission_key(sub.data, sub.error, lesson, settings.key())
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
    job_list = [replace(template, student=s.student, notebook=s.data, error=s.error)
                for s, _ in todo]  # fmt: skip
    fresh = grade_all(job_list, settings.jobs)
    for (sub, key), result in zip(todo, fresh, strict=True):
        result["key"] = key
        if result.pop("cacheable", False):  # never a crash, a sandbox that failed, a break
            (cache / f"{sub.student}.json").write_text(json.dumps(result))
        results[sub.student] = result
    return [results[s.student] for s in found], len(todo), time.perf_counter() - started, how


def write_autograded(course: Path, lesson: str, found: list, results: list[dict]) -> None:
    """Each graded notebook where formgrader and generate_feedback look for it."""
    from grading.autograded import write_folder

    name = lesson_notebook(lesson).name
    for sub, result in zip(found, results, strict=True):
        if result.get("notebook") is not None:
            write_folder(course / "autograded" / sub.student / lesson, name, result["notebook"],
                         sub.timestamp, sub.secret)  # fmt: skip


def record_and_read(url: str, lesson: str, found: list, results: list[dict]) -> list[dict]:
    """Record the scores in the gradebook, then each student's row as the gradebook has it now
    (manual marks, what still waits for a person, late penalties)."""
    from grading import gradebook

    stamps = {sub.student: sub.timestamp for sub in found}
    gradebook.record(url, lesson, source_notebook(lesson), results, stamps)
    marks = gradebook.marks(url, lesson)
    return [row(result, marks[result["student"]]) for result in results]  # record made each one


def write_json(path: Path, rows: list[dict]) -> None:
    """The batch's rows, for the class report (timestamps as text)."""
    from grading.files import write_atomic

    write_atomic(path, json.dumps(rows, default=str))


def saved_rows(course: Path, lesson: str, db: str | None = None) -> list[dict]:
    """The lesson's rows from its last batches (every share; the newest row of a student wins),
    with the marks the gradebook holds now (written answers marked since)."""
    from grading import gradebook

    folder = course / GRADES
    files = [*folder.glob(f"rows-{lesson}.shard-*.json"), folder / f"rows-{lesson}.json"]
    by_student: dict[str, dict] = {}
    for path in sorted((f for f in files if f.is_file()), key=lambda f: f.stat().st_mtime):
        by_student.update({r["student"]: r for r in json.loads(path.read_text())})
    if not by_student:
        return []
    marks = gradebook.marks(gradebook.course_url(course, db), lesson)
    return [with_marks(saved, marks[student]) if student in marks else saved
            for student, saved in sorted(by_student.items())]  # fmt: skip


def with_marks(fields: dict, marked: dict) -> dict:
    """A row's fields with what the gradebook holds for the student, and the cells that still
    wait for a person."""
    waiting = [gid for gid, cell in marked["cells"].items() if cell["pending"]]
    return {**fields, **marked, "pending": waiting}


def row(result: dict, marked: dict) -> dict:
    """A student's row for the CSV, summary and report: the gradebook's marks, the grader's
    flags, error and visible-test failures."""
    keep = ("student", "lesson", "grades", "flags", "error", "sandbox", "instructor", "details",
            "visible_failures", "notes", "seconds")  # fmt: skip
    fields = {key: result.get(key) for key in keep}
    fields["visible_failures"] = fields["visible_failures"] or {}
    return with_marks(fields, marked)


def _warm_up(lesson: str) -> None:
    """Import what the trusted replay needs before the workers start (once, not per worker)."""
    from grading import judge

    source = source_notebook(lesson)
    replayer = judge.replayer(lesson, source)
    for cell in source["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            replayer.plan(cell_text(cell), meta["grade_id"], seed=0)
