"""`python -m grading grade LESSON`: collect, grade in sandboxes, feedback, gradebook, CSV.

Per submission (in a worker process, -j N of them): read the notebook (a clear error if it is
missing, doubled or not JSON), restore every test cell and all nbgrader metadata from the
instructor's source notebook, plan the hidden tests in the trusted replay (grading.trusted), run
the cells in a fresh sandbox (grading.sandbox), make the planned calls there, compare the answers
here. Results are cached under OUT/results keyed by a hash of the submission, the source notebook
and the pipeline, so a second run grades only what changed. The parent writes the gradebook
(nbgrader's, SQLite or PostgreSQL), grades CSV, feedback HTML and a summary.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import re
import shutil
import sys
import time
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from grading.course import REPO, SOLUTIONS, cell_text, lesson_notebook, nbgrader_meta

VERSION = "1"
CELL_TIMEOUT = 60  # seconds a cell may run
CALL_TIMEOUT = 30  # seconds one graded call may run
GRACE = 5  # seconds after a time limit before the sandbox is killed
MAX_RESTARTS = 2


@functools.cache
def pipeline_hash() -> str:
    """The running grader's version: changes whenever the grading code changes (so cached
    results are redone)."""
    digest = hashlib.sha256(VERSION.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    digest.update((REPO / "utils" / "checks.py").read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- collecting submissions


@dataclass
class Submission:
    student: str
    path: Path | None
    error: str = ""


STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
# A lesson with its figures is a few MB; anything far larger is refused unread, never loaded.
MAX_NOTEBOOK_BYTES = 64 * 2**20


def collect(where: Path, lesson: str, scratch: Path) -> list[Submission]:
    """Submissions of a lesson from a folder or an LMS zip; bad ones carry an error."""
    if where.is_file() and zipfile.is_zipfile(where):
        where = _unzip(where, scratch / "unzipped", lesson)
    if not where.is_dir():
        raise SystemExit(f"no submissions at {where}")
    wanted = {f"{lesson}.ipynb", lesson_notebook(lesson).name}
    found = []
    for folder in sorted(p for p in where.iterdir() if p.is_dir()):
        student = folder.name
        if not STUDENT.match(student):
            found.append(Submission(student[:40], None, "the folder name is not a student id"))
            continue
        nested = folder / lesson
        notebooks = sorted((nested if nested.is_dir() else folder).glob("*.ipynb"))
        named = [p for p in notebooks if p.name in wanted]
        if len(named) == 1 and named[0].stat().st_size > MAX_NOTEBOOK_BYTES:
            size, limit = named[0].stat().st_size / 2**20, MAX_NOTEBOOK_BYTES / 2**20
            found.append(Submission(student, None, f"the notebook is {size:.0f} MB, over the"
                                    f" {limit:.0f} MB limit: clear its outputs and hand it in"
                                    " again"))  # fmt: skip
        elif len(named) == 1:
            found.append(Submission(student, named[0]))
        elif len(named) > 1:
            names = ", ".join(p.name for p in named)
            found.append(Submission(student, None, f"more than one notebook for {lesson}: {names}"))
        elif notebooks:
            names = ", ".join(p.name for p in notebooks)
            found.append(Submission(student, None, f"no notebook named {' or '.join(sorted(wanted))}"
                                    f" (found {names}): renamed?"))  # fmt: skip
        else:
            found.append(Submission(student, None, "no notebook submitted"))
    return found


def _unzip(archive: Path, dest: Path, lesson: str) -> Path:
    """An LMS download as <student>/<file>.ipynb: folders kept, flat names split at '_'."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.endswith(".ipynb") or info.file_size > 50 * 2**20:
                continue
            parts = [p for p in Path(info.filename).parts if p not in ("", ".", "..", "/")]
            if len(parts) >= 3 and parts[-2] == lesson:
                student, name = parts[-3], parts[-1]
            elif len(parts) >= 2:
                student, name = parts[-2], parts[-1]
            else:
                student, _, name = parts[0].partition("_")
                name = name.rsplit("_", 1)[-1] if "_" in name else name or parts[0]
            student = re.sub(r"[^A-Za-z0-9._@+-]", "-", student)[:100] or "unknown"
            target = dest / student / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
    return dest


# ---------------------------------------------------------------- restoring the notebook


def restore(student_nb: dict, source_nb: dict) -> tuple[list[dict], list[str]]:
    """The cells to run, in order: the student's cells, every test cell and all nbgrader
    metadata as in the source. Returns (cells, notes on what had to be restored)."""
    notes: list[str] = []
    source_cells = [c for c in source_nb["cells"] if nbgrader_meta(c).get("grade_id")]
    by_id = {nbgrader_meta(c)["grade_id"]: c for c in source_cells}
    order = [nbgrader_meta(c)["grade_id"] for c in source_cells]
    seen: dict[str, int] = {}
    cells: list[dict] = []
    for cell in student_nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        meta = (
            cell.get("metadata", {}).get("nbgrader", {})
            if isinstance(cell.get("metadata"), dict)
            else {}
        )
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        original = by_id.get(gid)
        if gid is not None and original is None:
            notes.append(f"a cell claims grade_id {gid!r}, which the lesson does not have")
        if original is None or gid in seen:
            if gid in seen and not nbgrader_meta(original).get("solution"):
                notes.append(f"cell {gid!r} appears twice; the second copy is ignored")
                continue
            cells.append(
                {"kind": "plain", "cell_type": cell["cell_type"], "source": cell_text(cell)}
            )
            continue
        seen[gid] = len(cells)
        wanted = nbgrader_meta(original)
        if {k: meta.get(k) for k in ("grade", "solution", "locked", "points")} != {
            k: wanted.get(k) for k in ("grade", "solution", "locked", "points")
        }:
            notes.append(f"the nbgrader metadata of {gid!r} was changed; restored")
        if cell.get("cell_type") != original["cell_type"]:
            notes.append(f"the type of cell {gid!r} was changed; restored")
        cells.append(_graded_cell(original, cell, notes))
    # Test cells (and locked cells) the student deleted or stripped go back after their
    # predecessor in the source.
    for index, gid in enumerate(order):
        if gid in seen:
            continue
        original = by_id[gid]
        meta = nbgrader_meta(original)
        if meta.get("solution"):
            notes.append(f"answer cell {gid!r} is missing (or lost its metadata)")
            continue
        notes.append(f"cell {gid!r} was deleted or stripped; put back")
        after = next((seen[g] for g in reversed(order[:index]) if g in seen), -1)
        cells.insert(after + 1, _graded_cell(original, None, notes))
        seen = {g: (i + 1 if i > after else i) for g, i in seen.items()}
        seen[gid] = after + 1
    return cells, notes


def _graded_cell(original: dict, student: dict | None, notes: list[str]) -> dict:
    meta = nbgrader_meta(original)
    gid = meta["grade_id"]
    cell = {"kind": "plain", "cell_type": original["cell_type"], "grade_id": gid,
            "points": meta.get("points", 0)}  # fmt: skip
    if meta.get("solution"):
        cell["kind"] = "answer" if not meta.get("grade") else "manual"
        cell["source"] = cell_text(student) if student is not None else ""
        return cell
    if meta.get("grade"):
        cell["kind"] = "test"
        cell["source"] = cell_text(original)  # the instructor's, hidden blocks included
    else:  # a locked cell: the original, as students see it
        cell["source"] = _visible(cell_text(original))
    if student is not None and _stripped(cell_text(student)) != _stripped(_visible(cell["source"])):
        notes.append(f"locked cell {gid!r} was edited; the original is graded")
    return cell


def _visible(source: str) -> str:
    from grading.trusted import visible_code

    return visible_code(source)


def _stripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


# ---------------------------------------------------------------- grading one submission


@dataclass
class Job:
    lesson: str
    student: str
    path: str | None
    error: str
    out: str
    slot_base: int
    data: str | None
    timeout: int = CELL_TIMEOUT
    figures: bool = False


_WORKER_SLOT = None
_REPLAYERS: dict = {}


def _init_worker(slots) -> None:
    """A worker takes a slot (its sandbox uid) and dies with the grader (Ctrl-C included)."""
    import ctypes
    import signal

    global _WORKER_SLOT
    _WORKER_SLOT = slots.get()
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def grade_one(job: Job) -> dict:
    """Grade one submission; never raises (a problem becomes the result's error)."""
    started = time.perf_counter()
    result = {"student": job.student, "lesson": job.lesson, "error": job.error, "flags": [],
              "notes": [], "grades": {}, "score": 0.0, "max_score": 0.0, "manual": [],
              "sandbox": "", "seconds": 0.0, "instructor": []}  # fmt: skip
    from grading import sandbox

    how = sandbox.probe()
    result["sandbox"] = how.kind if how.kind == "bwrap" else f"FALLBACK ({how.reason})"
    source_nb = source_notebook(job.lesson)
    for cell in source_nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            result["max_score"] += float(meta.get("points", 0))
            if meta.get("solution"):
                result["manual"].append(meta["grade_id"])
            else:
                result["grades"][meta["grade_id"]] = [0.0, float(meta.get("points", 0))]
    if job.error:
        result["seconds"] = time.perf_counter() - started
        return result
    try:
        raw = Path(job.path).read_bytes()
        student_nb = json.loads(raw)
        if not isinstance(student_nb, dict) or not isinstance(student_nb.get("cells"), list):
            raise ValueError("no list of cells")
    except (OSError, ValueError, UnicodeDecodeError) as problem:
        result["error"] = f"the notebook could not be read (corrupt, not JSON?): {problem}"[:300]
        result["seconds"] = time.perf_counter() - started
        return result
    try:
        _grade(job, raw, student_nb, source_nb, result)
    except Exception as problem:  # noqa: BLE001 - one submission never stops the batch
        import traceback

        result["error"] = f"grading failed: {type(problem).__name__}: {problem}"[:500]
        result["instructor"].append(traceback.format_exc()[-2000:])
    result["score"] = sum(score for score, _ in result["grades"].values())
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def _grade(job: Job, raw: bytes, student_nb: dict, source_nb: dict, result: dict) -> None:
    from grading import feedback, sandbox, trusted

    cells, notes = restore(student_nb, source_nb)
    result["notes"] += notes
    result["flags"] += [n for n in notes if "changed" in n or "edited" in n or "stripped" in n]
    key = job.lesson
    if key not in _REPLAYERS:
        _REPLAYERS[key] = trusted.Replayer(source_nb)
    replayer = _REPLAYERS[key]
    seed = int.from_bytes(hashlib.sha256(raw + job.student.encode()).digest()[:8], "big")
    plans = {}
    for index, cell in enumerate(cells):
        if cell["kind"] == "test":
            plans[index] = replayer.plan(cell["source"], cell["grade_id"], seed + index)
            result["instructor"] += plans[index].problems
    slot = (_WORKER_SLOT or 0) + job.slot_base
    name = lesson_notebook(job.lesson).name
    data = Path(job.data) if job.data else None
    runs: list[dict] = [{} for _ in cells]
    skip: set[int] = set()
    box = None
    dead = ""
    restarts = 0
    index = 0
    while index < len(cells):
        cell = cells[index]
        if cell["cell_type"] != "code" or cell["kind"] == "manual" or index in skip:
            index += 1
            continue
        if dead:
            runs[index] = {"status": "not run", "error": None, "outputs": []}
            index += 1
            continue
        if box is None:
            box = sandbox.Sandbox(name, raw, slot=slot, data=data, figures=job.figures)
        try:
            if cell["kind"] == "test":
                runs[index] = _run_test(box, cell, plans[index], result, job.timeout)
            else:
                code = cell["source"]
                runs[index] = box.request({"op": "run", "code": code, "timeout": job.timeout},
                                          job.timeout + GRACE)  # fmt: skip
                result["flags"] += [
                    f for f in runs[index].get("flags", []) if f not in result["flags"]
                ]
            index += 1
        except TimeoutError:
            # The cell ignored its time limit: kill the sandbox, start a fresh one and replay
            # what ran before, without this cell.
            box.close()
            box = None
            result["flags"].append(
                f"cell {index + 1} ignored its time limit; the sandbox was killed"
            )
            runs[index] = {"status": "timeout", "outputs": [],
                           "error": {"ename": "Timeout", "evalue": "killed after the time limit",
                                     "traceback": ""}}  # fmt: skip
            skip.add(index)
            restarts += 1
            if restarts > MAX_RESTARTS:
                dead = "too many cells ignored their time limit"
                continue
            box = sandbox.Sandbox(name, raw, slot=slot, data=data, figures=job.figures)
            for earlier in range(index):
                if earlier in skip or cells[earlier]["cell_type"] != "code":
                    continue
                if cells[earlier]["kind"] in ("answer", "plain"):
                    try:
                        box.request({"op": "run", "code": cells[earlier]["source"],
                                     "timeout": job.timeout}, job.timeout + GRACE)  # fmt: skip
                    except (TimeoutError, sandbox.SandboxDied):
                        skip.add(earlier)
                        box.close()
                        box = sandbox.Sandbox(name, raw, slot=slot, data=data, figures=job.figures)
            index += 1
        except sandbox.SandboxDied as death:
            dead = str(death).splitlines()[0]
            result["flags"].append(f"the notebook's process died in cell {index + 1}: {dead}")
            runs[index] = {"status": "died", "outputs": [],
                           "error": {"ename": "KernelDied", "evalue": dead, "traceback": ""}}  # fmt: skip
            if cell["kind"] == "test":
                result["grades"][cell["grade_id"]][0] = 0.0
            index += 1
    if box is not None:
        try:
            problems = box.request({"op": "integrity"}, 10).get("problems", [])
            result["flags"] += [p for p in problems if p not in result["flags"]]
        except (TimeoutError, sandbox.SandboxDied):
            pass
        box.close()
    for index, cell in enumerate(cells):
        if cell["kind"] == "test" and runs[index].get("status") != "passed":
            result["grades"][cell["grade_id"]][0] = 0.0
    result["feedback"] = feedback.render(job.lesson, job.student, cells, runs, result)


def _run_test(box, cell: dict, plan, result: dict, timeout: int) -> dict:
    """One test cell: visible code with a nonce, then the planned calls; scored here."""
    from grading import trusted
    from grading.sandbox import wire

    gid = cell["grade_id"]
    failures: list[str] = []
    outputs: list[dict] = []
    errors = []
    current_swaps: dict = {}
    before = box.request({"op": "integrity"}, 10).get("problems", [])

    def set_swaps(swaps: dict) -> None:
        nonlocal current_swaps
        if swaps == current_swaps:
            return
        box.request({"op": "unswap"}, 10)
        if swaps:
            reply = box.request({"op": "swap", "defs": plan.defs, "bindings": swaps}, 10)
            if not reply.get("ok"):
                result["instructor"].append(f"{gid}: {reply.get('error')}")
        current_swaps = swaps

    for step in plan.steps:
        if step.kind == "visible":
            set_swaps(step.swaps)
            nonce = uuid.uuid4().hex
            code = step.code.rstrip() + f"\nprint({nonce!r})\n"
            reply = box.request({"op": "run", "code": code, "timeout": timeout},
                                timeout + GRACE)  # fmt: skip
            seen_nonce = False
            for output in reply.get("outputs", []):
                if output.get("name") == "stdout" and nonce in output.get("text", ""):
                    seen_nonce = True
                    output["text"] = output["text"].replace(nonce + "\n", "").replace(nonce, "")
                outputs.append(output)
            if reply.get("status") != "ok":
                errors.append(reply.get("error") or {})
                failures.append("the visible tests failed")
            elif not seen_nonce:
                failures.append("the test cell did not really run")
                result["flags"].append(
                    f"test cell {gid!r} did not really run (its code was changed)"
                )
        else:
            for call in step.calls:
                set_swaps(call.swaps)
                reply = box.request({"op": "call", "fn": call.fn, "args": wire.encode(call.args),
                                     "timeout": min(timeout, CALL_TIMEOUT)},
                                    min(timeout, CALL_TIMEOUT) + GRACE)  # fmt: skip
                value, error, ok = None, str(reply.get("error", ""))[:600], bool(reply.get("ok"))
                if ok:
                    try:
                        value = wire.decode(reply.get("value"))
                    except (wire.WireError, ValueError, TypeError) as problem:
                        ok, error = False, f"the answer could not be read: {problem}"
                verdict = trusted.judge_answer(call, ok, value, error)
                if verdict:
                    failures.append(f"hidden test {verdict}")
    set_swaps({})
    after = box.request({"op": "integrity"}, 10)
    problems = [p for p in after.get("problems", []) if p not in before] + before
    result["flags"] += [f for f in after.get("flags", []) if f not in result["flags"]]
    if problems:
        failures.append("the notebook machinery was tampered with: " + "; ".join(problems))
        result["flags"] += [p for p in problems if p not in result["flags"]]
    if plan.problems:
        failures.append("the grader could not replay every hidden test (the instructor is told)")
    status = "passed" if not failures else "failed"
    if status == "passed":
        result["grades"][gid][0] = result["grades"][gid][1]
    return {"status": status, "outputs": outputs, "error": errors[0] if errors else None,
            "failures": failures[:12]}  # fmt: skip


# ---------------------------------------------------------------- the batch


def submission_key(path: Path | None, error: str, lesson: str) -> str:
    digest = hashlib.sha256(pipeline_hash().encode())
    digest.update(lesson_notebook(lesson, SOLUTIONS).read_bytes())
    digest.update(error.encode())
    if path is not None:
        try:
            digest.update(path.read_bytes())
        except OSError as problem:
            digest.update(str(problem).encode())
    return digest.hexdigest()


def grade_lesson(lesson: str, submissions: Path, out: Path, jobs: int = 1,
                 db: str | None = None, data: Path | None = None, quiet: bool = False,
                 timeout: int = CELL_TIMEOUT, figures: bool = False) -> list[dict]:  # fmt: skip
    """Grade every submission of a lesson; write gradebook, CSV, feedback and summary."""
    from grading import gradebook, sandbox

    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)  # nothing in a sandbox runs as this user, but be strict anyway
    cache = out / "results" / lesson
    cache.mkdir(parents=True, exist_ok=True)
    if data is None and os.environ.get("NN_WORKBOOK_DATA"):
        data = Path(os.environ["NN_WORKBOOK_DATA"]).resolve()
    found = collect(submissions, lesson, out / ".scratch")
    import threading

    # nbgrader's gradebook takes seconds to import: do it while the sandboxes work.
    threading.Thread(target=__import__, args=("nbgrader.api",), daemon=True).start()
    how = sandbox.probe()
    if how.kind != "bwrap":
        print(f"!!!!!!!! WARNING: no bubblewrap sandbox ({how.reason}). Submissions run with "
              "rlimits in a scratch folder only: NOT isolated from this machine.", file=sys.stderr)  # fmt: skip
    todo, results = [], {}
    for sub in found:
        key = submission_key(sub.path, sub.error, lesson) + f"-t{timeout}-f{figures:d}"
        cached = cache / f"{sub.student}.json"
        if cached.exists():
            try:
                old = json.loads(cached.read_text())
                if old.get("key") == key:
                    results[sub.student] = old
                    continue
            except ValueError:
                pass
        todo.append((sub, key))
    job_list = [Job(lesson, s.student, str(s.path) if s.path else None, s.error, str(out), 0,
                    str(data) if data else None, timeout, figures) for s, _ in todo]  # fmt: skip
    started = time.perf_counter()
    if job_list:
        _warm_up(lesson, how)  # once here, not once per worker
    if jobs <= 1 or len(job_list) <= 1:
        fresh = [grade_one(job) for job in job_list]
    else:
        import multiprocessing

        # spawn, not fork: the trusted replay may have started torch's thread pools here, and a
        # forked copy of them hangs. Spawned workers are still our children (and die with us).
        context = multiprocessing.get_context("spawn")
        slots = context.Queue()
        for k in range(jobs):
            slots.put(k)
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                 initargs=(slots,)) as pool:  # fmt: skip
            fresh = list(pool.map(grade_one, job_list))
    elapsed = time.perf_counter() - started
    for (sub, key), result in zip(todo, fresh, strict=True):
        result["key"] = key
        (cache / f"{sub.student}.json").write_text(json.dumps(result))
        results[sub.student] = result
    ordered = [results[s.student] for s in found]
    for result in ordered:
        if result.get("feedback"):
            target = out / "feedback" / result["student"] / lesson / "feedback.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(result["feedback"])
    gradebook.record(
        db or f"sqlite:///{out / 'gradebook.db'}", lesson, source_notebook(lesson), ordered
    )
    write_csv(out / f"grades-{lesson}.csv", ordered)
    summary = summarise(lesson, ordered, len(todo), elapsed, how)
    (out / f"summary-{lesson}.txt").write_text(summary)
    if not quiet:
        print(summary)
    return ordered


def _warm_up(lesson: str, how) -> None:
    """Build the font cache and import what the trusted replay needs before forking workers."""
    from grading import sandbox, trusted

    sandbox.font_cache()
    source = source_notebook(lesson)
    replayer = _REPLAYERS.setdefault(lesson, trusted.Replayer(source))
    for cell in source["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            replayer.plan(cell_text(cell), meta["grade_id"], seed=0)


def source_notebook(lesson: str) -> dict:
    """The instructor's notebook of a lesson (solutions, hidden tests, points)."""
    return json.loads(lesson_notebook(lesson, SOLUTIONS).read_text())


def write_csv(path: Path, results: list[dict]) -> None:
    """One row a student: total, each test cell, manual items pending, flags, error, sandbox."""
    grade_ids = sorted({g for r in results for g in r["grades"]})
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "lesson", "score", "max_score", *grade_ids,
                         "manual_pending", "flagged", "flags", "error", "sandbox"])  # fmt: skip
        for r in results:
            writer.writerow([r["student"], r["lesson"], _num(r["score"]), _num(r["max_score"]),
                             *[_num(r["grades"].get(g, [0, 0])[0]) for g in grade_ids],
                             " ".join(r["manual"]), "yes" if r["flags"] else "",
                             " | ".join(r["flags"])[:2000], r["error"], r["sandbox"]])  # fmt: skip


def _num(x: float) -> str:
    return f"{x:g}"


def summarise(lesson: str, results: list[dict], graded: int, elapsed: float, how) -> str:
    lines = [f"{lesson}: {len(results)} submissions, {graded} graded now "
             f"({len(results) - graded} unchanged, from the cache) in {elapsed:.1f} s"]  # fmt: skip
    if how.kind != "bwrap":
        lines.append(
            f"!!!!!!!! WARNING: NO SANDBOX ({how.reason}); rlimits and a scratch folder only"
        )
    for r in results:
        status = (
            f"ERROR: {r['error']}" if r["error"] else f"{_num(r['score'])}/{_num(r['max_score'])}"
        )
        lines.append(
            f"  {r['student']}: {status}"
            + (f"  [manual: {', '.join(r['manual'])}]" if r["manual"] and not r["error"] else "")
        )
        for flag in r["flags"][:8]:
            lines.append(f"      FLAG: {flag}")
        for note in r["instructor"][:3]:
            lines.append(f"      grader: {note.splitlines()[-1] if note else ''}")
    return "\n".join(lines) + "\n"
