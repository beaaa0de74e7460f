"""Class reports: an HTML page per lesson and one for the course, for the instructor.

A lesson page shows, per exercise (a test cell or a written answer marked by hand), the mean of
the marked answers, the share of full marks, a histogram, and the most common failing visible-test
message; then the students below a threshold on the lesson total, the flagged submissions and the
errors. The course page shows each lesson's totals, and a student x lesson table of totals.

Each page is one file that opens offline: CSS inline, figures as inline SVG drawn by matplotlib
(no script, no external file, no network). The output is the same for the same input (fixed SVG
hash salt, no SVG metadata, the time of generation passed in).

Every string that came out of a sandbox (flags, errors, visible-test messages, student ids from a
zip) is hostile: each is read only up to a bound, stripped of escape sequences and control
characters, put on one line, cut (grading/untrusted.py), and HTML-escaped. Only the first flags
are looked at, so tens of thousands of them cost nothing. No text from a submission goes into a
figure. Each page is written all or nothing, readable by its owner only (grading/files.py).
"""

from __future__ import annotations

import html
import io
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from grading.files import lesson_file_part, write_atomic
from grading.untrusted import as_list, as_text, one_line

MAX_TEXT = 300  # characters of one untrusted string shown
MAX_NAME = 60  # characters of a student's id shown
SHOWN_FLAGS = 3  # flags shown for a flagged submission
BINS = 10  # histogram bins, unless every score is a whole number of at most MAX_DISCRETE
MAX_DISCRETE = 12
FULL = 1e-9  # a score this close to the maximum is full marks
FIGSIZE = (3.4, 1.7)  # inches
BAR, MARKER = "#4c72b0", "#b42318"
SVG_RC = {
    "svg.hashsalt": "nn-workbook-report",
    "svg.fonttype": "none",  # text as <text>: small, and no glyph definitions
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}  # no <metadata>

CSS = """
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;
--bad:#b42318;--link:#0550ae}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:#fff;max-width:78rem;margin:0 auto;padding:1.5rem}
header{border-bottom:2px solid var(--line);margin-bottom:1rem}
h1{margin:.2rem 0;font-size:1.7rem}
h2{margin-top:2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;font-size:1.3rem}
a{color:var(--link)}
.facts{color:var(--muted);margin:.3rem 0 .8rem;padding:0;list-style:none;display:flex;
flex-wrap:wrap;gap:.2rem 1.4rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(19rem,1fr));gap:1rem}
.card{border:1px solid var(--line);border-radius:8px;padding:.8rem 1rem;break-inside:avoid}
.card h3{margin:0 0 .2rem;font-size:1.05rem}
.card p{margin:.2rem 0}
figure{margin:.4rem 0}
figure svg{display:block;width:100%;max-width:26rem;height:auto}
figcaption,.muted{color:var(--muted);font-size:.85rem}
.msg{font:.85rem/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--bg);
border-left:3px solid var(--bad);padding:.3rem .5rem;margin:.3rem 0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;
vertical-align:top;overflow-wrap:break-word}
thead th{background:var(--bg);position:sticky;top:0;overflow-wrap:normal}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
tr.below td,tr.below th{background:#fdecea}
ul.flags{margin:0;padding-left:1.1rem}
@media print{body{max-width:none;padding:0;font-size:10pt}thead th{position:static}
a{color:inherit;text-decoration:none}h2{break-after:avoid}tr{break-inside:avoid}
tr.below td,tr.below th{background:none;font-weight:600}}
"""


@dataclass(frozen=True)
class Submission:
    """One student's row of a lesson, its untrusted strings cleaned for the page."""

    key: str  # the student's id as the grader has it, to match rows across lessons
    student: str  # as shown
    score: float
    max_score: float
    pending: int  # written answers not yet marked
    flags: list[str]  # the first SHOWN_FLAGS
    n_flags: int
    error: str


@dataclass(frozen=True)
class Exercise:
    """One grade cell over the class: its marked scores, pending answers, commonest failure."""

    grade_id: str
    kind: str
    points: float
    scores: list[float]  # marked answers only (an error row counts 0)
    pending: int
    failures: Counter  # cleaned first failing visible-test message: how many students


@dataclass(frozen=True)
class Histogram:
    """What one figure shows: bin edges, counts, axis label, a marked line, a description."""

    edges: list[float]
    counts: list[int]
    xlabel: str
    marker: float | None
    label: str


def lesson_page(
    lesson: str, rows: list[dict], threshold: float = 0.5, *, generated: datetime | None = None
) -> str:
    """A standalone HTML page for one lesson: per exercise statistics and figures, students."""
    subs = [_submission(row) for row in rows]
    exercises = _exercises(rows)
    totals = _lesson_histogram(lesson, subs, threshold)
    hists = [totals, *(_exercise_histogram(e) for e in exercises)]
    figures = [_figure(svg, f"f{i}-", h.label) for i, (svg, h) in enumerate(_svgs(hists), 1)]
    parts = [
        _header(f"Class report: {lesson}", _lesson_facts(subs, threshold, generated)),
        _totals_section(subs, figures[0]),
        _exercises_section(exercises, figures[1:]),
        _below_section(subs, threshold),
        _flagged_section(subs),
        _errors_section(subs),
    ]
    return _page(f"Class report: {lesson}", parts)


def course_page(
    rows_by_lesson: dict[str, list[dict]],
    threshold: float = 0.5,
    *,
    generated: datetime | None = None,
) -> str:
    """A standalone HTML page for the course: each lesson's totals and a student x lesson table."""
    lessons = sorted(rows_by_lesson)
    subs = {lesson: [_submission(r) for r in rows_by_lesson[lesson]] for lesson in lessons}
    hists = [_lesson_histogram(lesson, subs[lesson], threshold) for lesson in lessons]
    figures = [_figure(svg, f"f{i}-", h.label) for i, (svg, h) in enumerate(_svgs(hists), 1)]
    students = {s.key for lesson_subs in subs.values() for s in lesson_subs}
    facts = [f"lessons: {len(lessons)}", f"students: {len(students)}",
             f"threshold: {_percent(threshold)} of the maximum", _generated(generated)]  # fmt: skip
    parts = [
        _header("Class report: the course", facts),
        _lessons_section(subs, figures),
        _students_section(subs, threshold),
    ]
    return _page("Class report: the course", parts)


def write_reports(
    folder: Path,
    rows_by_lesson: dict[str, list[dict]],
    threshold: float = 0.5,
    *,
    generated: datetime | None = None,
) -> list[Path]:
    """Write report-<lesson>.html for each lesson and report-course.html, each atomically."""
    for lesson in rows_by_lesson:
        _check_lesson_name(lesson)
    when = generated or datetime.now(UTC)
    pages = {
        f"report-{lesson}.html": lesson_page(lesson, rows, threshold, generated=when)
        for lesson, rows in sorted(rows_by_lesson.items())
    }
    pages["report-course.html"] = course_page(rows_by_lesson, threshold, generated=when)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        write_atomic(folder / name, text)
    return [folder / name for name in pages]


# --- the rows -------------------------------------------------------------------------------


def _submission(row: dict) -> Submission:
    """A row's total and its cleaned strings (an error row scores 0)."""
    flags = as_list(row.get("flags"))
    error = row.get("error")
    cells = {} if error else row.get("cells") or {}
    return Submission(
        key=as_text(row["student"]),
        student=one_line(row["student"], MAX_NAME, "\ufffd", collapse=True),
        score=0.0 if error else float(row["score"]),
        max_score=float(row["max_score"]),
        pending=sum(_is_pending(c) for c in cells.values()),
        flags=[one_line(flag, MAX_TEXT, collapse=True) for flag in flags[:SHOWN_FLAGS]],
        n_flags=len(flags),
        error=one_line(error or "", MAX_TEXT, collapse=True),
    )


def _exercises(rows: list[dict]) -> list[Exercise]:
    """Every grade cell of the lesson, in the order the rows first name them."""
    grade_ids = list(dict.fromkeys(g for row in rows for g in row.get("cells") or {}))
    return [_exercise(grade_id, rows) for grade_id in grade_ids]


def _exercise(grade_id: str, rows: list[dict]) -> Exercise:
    """One grade cell over the class: an error or a missing cell scores 0, pending is not."""
    cells = [(row.get("cells") or {}).get(grade_id) for row in rows]
    first = next(c for c in cells if c is not None)
    scores, pending = [], 0
    for row, cell in zip(rows, cells, strict=True):
        if row.get("error") or cell is None:
            scores.append(0.0)
        elif _is_pending(cell):
            pending += 1
        else:
            scores.append(float(cell["score"]))
    messages = [(row.get("visible_failures") or {}).get(grade_id) for row in rows]
    return Exercise(
        grade_id=one_line(grade_id, MAX_TEXT, collapse=True),
        kind=one_line(first.get("kind", "test"), MAX_TEXT, collapse=True),
        points=max(float(c["points"]) for c in cells if c is not None),
        scores=scores,
        pending=pending,
        failures=Counter(one_line(m, MAX_TEXT, collapse=True) for m in messages if m is not None),
    )


def _is_pending(cell: dict) -> bool:
    """A written answer not yet marked."""
    return bool(cell.get("pending")) or cell.get("score") is None


def _check_lesson_name(lesson: str) -> None:
    """A lesson id that is safe as part of a file name and not the course page's."""
    if not lesson_file_part(lesson):
        shown = one_line(lesson, MAX_TEXT, collapse=True)
        raise ValueError(f"not a lesson id for a report file: {shown!r}")


# --- the figures ----------------------------------------------------------------------------


def _lesson_histogram(lesson: str, subs: list[Submission], threshold: float) -> Histogram:
    """The histogram of a lesson's totals, the threshold marked."""
    top = max((s.max_score for s in subs), default=0.0)
    return _histogram(
        [s.score for s in subs], top, "total points", threshold * top, f"totals of {lesson}"
    )


def _exercise_histogram(exercise: Exercise) -> Histogram:
    """The histogram of an exercise's marked scores."""
    what = f"marked scores on {exercise.grade_id}"
    return _histogram(exercise.scores, exercise.points, "points", None, what)


def _histogram(
    values: list[float], top: float, xlabel: str, marker: float | None, what: str
) -> Histogram:
    """Bins and counts of values on [0, top], and a description of them for screen readers."""
    edges, counts = _bins(values, top)
    discrete = edges[1] - edges[0] == 1 and edges[0] == -0.5
    parts = [
        f"{edges[i] + 0.5:g}: {n}" if discrete else f"{edges[i]:.3g} to {edges[i + 1]:.3g}: {n}"
        for i, n in enumerate(counts)
    ]
    label = f"Histogram of {what} (out of {top:g}), students per score: {'; '.join(parts)}"
    return Histogram(edges, counts, xlabel, marker, label)


def _bins(values: list[float], top: float) -> tuple[list[float], list[int]]:
    """A bar per whole score when every score is whole and top small, else BINS equal bins."""
    whole = float(top).is_integer() and all(float(v).is_integer() for v in values)
    if 0 < top <= MAX_DISCRETE and whole:
        start, width, n = -0.5, 1.0, int(top) + 1
    else:
        start, width, n = 0.0, (top or 1.0) / BINS, BINS
    counts = [0] * n
    for value in values:
        counts[min(n - 1, max(0, int((value - start) // width)))] += 1
    return [start + i * width for i in range(n + 1)], counts


def _svgs(hists: list[Histogram]) -> list[tuple[str, Histogram]]:
    """Each histogram drawn as SVG on one reused figure, in matplotlib's default style."""
    import matplotlib
    import matplotlib.style
    from matplotlib.figure import Figure  # not pyplot: no global figure to close

    with matplotlib.style.context("default"), matplotlib.rc_context(SVG_RC):
        figure = Figure(figsize=FIGSIZE)
        figure.subplots_adjust(left=0.14, right=0.97, bottom=0.26, top=0.95)
        axes = figure.add_subplot()
        return [(_draw(figure, axes, h), h) for h in hists]


def _draw(figure, axes, hist: Histogram) -> str:
    """One histogram on the reused axes, as the text of an SVG file."""
    from matplotlib.ticker import MaxNLocator

    axes.cla()
    width = hist.edges[1] - hist.edges[0]
    axes.bar(hist.edges[:-1], hist.counts, width=width, align="edge", color=BAR,
             edgecolor="white", linewidth=0.5)  # fmt: skip
    if hist.marker is not None:
        axes.axvline(hist.marker, color=MARKER, linestyle="--", linewidth=1)
    axes.set_xlim(hist.edges[0], hist.edges[-1])
    axes.set_xlabel(hist.xlabel)
    axes.set_ylabel("students")
    axes.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=width == 1))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=SVG_METADATA)
    return buffer.getvalue()


def _figure(svg: str, prefix: str, label: str) -> str:
    """matplotlib's SVG inline: its ids unique in the page, a title and an accessible name."""
    body = svg[svg.index("<svg") :]
    body = body.replace('id="', f'id="{prefix}').replace("url(#", f"url(#{prefix}")
    body = body.replace('href="#', f'href="#{prefix}')
    end = body.index(">") + 1
    name = _e(label)
    body = f'<svg role="img" aria-label="{name}"{body[4:end]}<title>{name}</title>{body[end:]}'
    return f"<figure>{body}</figure>"


# --- the page -------------------------------------------------------------------------------


def _page(title: str, parts: list[str]) -> str:
    """A whole HTML document around the parts."""
    head = (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
    )
    return "\n".join([head, *parts, "</body></html>\n"])


def _header(title: str, facts: list[str]) -> str:
    """The page's title and its facts (counts, threshold, time of generation)."""
    items = "".join(f"<li>{_e(fact)}</li>" for fact in facts)
    return f"<header><h1>{_e(title)}</h1><ul class='facts'>{items}</ul></header>"


def _lesson_facts(subs: list[Submission], threshold: float, generated: datetime | None) -> list:
    """The header's facts of a lesson page."""
    errors = sum(bool(s.error) for s in subs)
    pending = sum(s.pending for s in subs)
    waiting = sum(bool(s.pending) for s in subs)
    return [
        f"submissions: {len(subs)}",
        f"graded: {len(subs) - errors}, errors: {errors}",
        f"flagged: {sum(bool(s.n_flags) for s in subs)}",
        f"written answers pending marking: {pending}, in {waiting} submissions",
        f"threshold: {_percent(threshold)} of the maximum",
        _generated(generated),
    ]


def _generated(when: datetime | None) -> str:
    """When the page was made, in UTC to the minute."""
    return f"generated {(when or datetime.now(UTC)).astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _totals_section(subs: list[Submission], figure: str) -> str:
    """The lesson totals: mean, share of full marks, their histogram."""
    return (
        "<section><h2>Lesson totals</h2><div class='grid'><div class='card'>"
        f"<p>{_e(_totals_text(subs))}</p>{figure}"
        "<p class='muted'>The dashed line is the threshold. Written answers pending marking "
        "count for nothing in a total until they are marked.</p></div></div></section>"
    )


def _totals_text(subs: list[Submission]) -> str:
    """Mean total and share of full marks of a lesson, in words."""
    if not subs:
        return "No submissions."
    top = max(s.max_score for s in subs)
    mean = sum(s.score for s in subs) / len(subs)
    full = sum(_full(s.score, s.max_score) for s in subs)
    return f"Mean {mean:.2f} of {top:g}; full marks: {_share(full, len(subs))}."


def _exercises_section(exercises: list[Exercise], figures: list[str]) -> str:
    """The exercises: a table of their statistics, then a card each with its figure."""
    head = ["Exercise", "Kind", "Points", "Marked", "Pending", "Mean of marked", "Full marks",
            "Commonest failing visible test"]  # fmt: skip
    rows = [_exercise_row(e) for e in exercises]
    table = _table("Exercises (mean and full marks over marked answers)", head, rows, range(2, 8))
    cards = "".join(_exercise_card(e, f) for e, f in zip(exercises, figures, strict=True))
    return f"<section><h2>Exercises</h2>{table}<div class='grid'>{cards}</div></section>"


def _exercise_row(e: Exercise) -> list[str]:
    """An exercise's cells in the exercises table (escaped HTML)."""
    return [
        _e(e.grade_id),
        _e(e.kind),
        f"{e.points:g}",
        str(len(e.scores)),
        str(e.pending),
        _e(_mean_text(e)),
        _e(_full_text(e)),
        _e(_failure_count(e)),
    ]


def _exercise_card(e: Exercise, figure: str) -> str:
    """One exercise: its numbers, its histogram and its commonest failing message."""
    pending = f"; {e.pending} pending marking" if e.pending else ""
    return (
        f"<article class='card'><h3>{_e(e.grade_id)}</h3>"
        f"<p class='muted'>{_e(e.kind)}, {_points(e.points)}; {len(e.scores)} marked{pending}</p>"
        f"<p>Mean {_e(_mean_text(e))}; full marks: {_e(_full_text(e))}</p>"
        f"{figure}{_failure_block(e)}</article>"
    )


def _mean_text(e: Exercise) -> str:
    """The mean of the marked scores, of the points."""
    if not e.scores:
        return "none marked"
    return f"{sum(e.scores) / len(e.scores):.2f} of {e.points:g}"


def _full_text(e: Exercise) -> str:
    """The share of marked answers with full marks."""
    return _share(sum(_full(s, e.points) for s in e.scores), len(e.scores))


def _commonest(e: Exercise) -> tuple[str, int] | None:
    """The most common failing visible-test message and its count (ties: the first in order)."""
    if not e.failures:
        return None
    return min(e.failures.items(), key=lambda item: (-item[1], item[0]))


def _failure_count(e: Exercise) -> str:
    """How many students share the commonest failing message, of those with any."""
    commonest = _commonest(e)
    if commonest is None:
        return "none"
    return f"{commonest[1]} of {e.failures.total()} students"


def _failure_block(e: Exercise) -> str:
    """The commonest failing visible-test message, quoted, with its count."""
    commonest = _commonest(e)
    if commonest is None:
        return ""
    return (
        f"<p>Commonest failing visible test ({_e(_failure_count(e))}):</p>"
        f"<p class='msg'>{_e(commonest[0] or '(no text)')}</p>"
    )


def _below_section(subs: list[Submission], threshold: float) -> str:
    """The students whose lesson total is below the threshold, lowest first."""
    below = sorted((s for s in subs if _below(s.score, s.max_score, threshold)), key=_rank)
    rows = [[_e(s.student), f"{s.score:g}", f"{s.max_score:g}", _percent(_ratio(s)),
             _e(_note(s))] for s in below]  # fmt: skip
    caption = f"Students below {_percent(threshold)} of the maximum ({len(below)})"
    table = _table(caption, ["Student", "Score", "Max", "Share", "Note"], rows, range(1, 4))
    return f"<section><h2>Below the threshold</h2>{table}</section>"


def _note(s: Submission) -> str:
    """Why a low total may not be the whole story: an error, written answers pending."""
    notes = ["error"] if s.error else []
    notes += [f"written answers pending: {s.pending}"] if s.pending else []
    return ", ".join(notes)


def _flagged_section(subs: list[Submission]) -> str:
    """The flagged submissions and their first flags."""
    flagged = sorted((s for s in subs if s.n_flags), key=lambda s: s.student)
    rows = [[_e(s.student), str(s.n_flags), _flag_list(s)] for s in flagged]
    caption = f"Flagged submissions ({len(flagged)}): their first {SHOWN_FLAGS} flags"
    table = _table(caption, ["Student", "Flags", "First flags"], rows, range(1, 2))
    return f"<section><h2>Flagged</h2>{table}</section>"


def _flag_list(s: Submission) -> str:
    """A submission's first flags as a list (escaped HTML)."""
    items = "".join(f"<li>{_e(flag)}</li>" for flag in s.flags)
    more = f"<li>… and {s.n_flags - len(s.flags)} more</li>" if s.n_flags > len(s.flags) else ""
    return f"<ul class='flags'>{items}{more}</ul>"


def _errors_section(subs: list[Submission]) -> str:
    """The submissions that could not be graded (each scores 0), and why."""
    errors = sorted((s for s in subs if s.error), key=lambda s: s.student)
    rows = [[_e(s.student), _e(s.error)] for s in errors]
    table = _table(f"Errors ({len(errors)}), each scored 0", ["Student", "Error"], rows)
    return f"<section><h2>Errors</h2>{table}</section>"


def _lessons_section(subs: dict[str, list[Submission]], figures: list[str]) -> str:
    """The course page's lessons: a table of totals, a card each with a link and a histogram."""
    head = ["Lesson", "Submissions", "Errors", "Pending marking", "Mean total", "Full marks"]
    rows = [_lesson_row(lesson, lesson_subs) for lesson, lesson_subs in subs.items()]
    table = _table("Lessons (totals)", head, rows, range(1, 6))
    cards = "".join(
        f"<article class='card'><h3>{_link(lesson)}</h3><p>{_e(_totals_text(lesson_subs))}</p>"
        f"{figure}</article>"
        for (lesson, lesson_subs), figure in zip(subs.items(), figures, strict=True)
    )
    return f"<section><h2>Lessons</h2>{table}<div class='grid'>{cards}</div></section>"


def _lesson_row(lesson: str, subs: list[Submission]) -> list[str]:
    """A lesson's cells in the course page's lessons table (escaped HTML)."""
    top = max((s.max_score for s in subs), default=0.0)
    mean = sum(s.score for s in subs) / len(subs) if subs else 0.0
    full = sum(_full(s.score, s.max_score) for s in subs)
    return [
        _link(lesson),
        str(len(subs)),
        str(sum(bool(s.error) for s in subs)),
        str(sum(s.pending for s in subs)),
        f"{mean:.2f} of {top:g}",
        _e(_share(full, len(subs))),
    ]


def _link(lesson: str) -> str:
    """A relative link to a lesson's page."""
    return f"<a href='{_e(quote(f'report-{lesson}.html'))}'>{_e(lesson)}</a>"


def _students_section(subs: dict[str, list[Submission]], threshold: float) -> str:
    """Every student's total per lesson and on the course, those below the threshold first."""
    tops = {lesson: max((s.max_score for s in ss), default=0.0) for lesson, ss in subs.items()}
    course_max = sum(tops.values())
    scores, names = _scores_by_student(subs)
    totals = {key: sum(by_lesson.values()) for key, by_lesson in scores.items()}
    below = {key for key, total in totals.items() if _below(total, course_max, threshold)}
    order = sorted(
        scores, key=lambda k: (k not in below, totals[k] if k in below else 0, names[k], k)
    )
    head = ["Student", *subs, "Course total", "Share", "Status"]
    rows = [_student_row(names[k], scores[k], tops, course_max, k in below) for k in order]
    caption = (
        f"Totals per student and lesson, of {course_max:g}; the {len(below)} students below "
        f"{_percent(threshold)} of the course maximum first (— no submission)"
    )
    classes = ["below" if k in below else "" for k in order]
    table = _table(caption, head, rows, range(1, len(head) - 1), classes)
    return f"<section><h2>Students</h2>{table}</section>"


def _scores_by_student(
    subs: dict[str, list[Submission]],
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Each student's score per lesson submitted (their first row of it), and their shown id."""
    scores: dict[str, dict[str, float]] = {}
    names: dict[str, str] = {}
    for lesson, lesson_subs in subs.items():
        for s in lesson_subs:
            scores.setdefault(s.key, {}).setdefault(lesson, s.score)
            names.setdefault(s.key, s.student)
    return scores, names


def _student_row(
    student: str, by_lesson: dict[str, float], tops: dict[str, float], course_max: float,
    below: bool,
) -> list[str]:  # fmt: skip
    """A student's cells in the course table: each lesson, the total, its share, the status."""
    cells = [f"{by_lesson[lesson]:g}" if lesson in by_lesson else "—" for lesson in tops]
    total = sum(by_lesson.values())
    share = _percent(total / course_max) if course_max else "—"
    return [_e(student), *cells, f"{total:g}", share, "below threshold" if below else ""]


def _table(
    caption: str,
    head: list[str],
    rows: list[list[str]],
    numeric: range = range(0),
    classes: list[str] | None = None,
) -> str:
    """A table with a caption and column headers, each row headed by its first cell (rows hold
    escaped HTML; the columns in `numeric` are right-aligned, each row's class from classes)."""
    if not rows:
        return f"<p class='muted'>{_e(caption)}: none.</p>"
    ths = "".join(f"<th scope='col'>{_e(h)}</th>" for h in head)
    classes = classes or [""] * len(rows)
    body = "".join(_table_row(row, numeric, css) for row, css in zip(rows, classes, strict=True))
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{ths}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _table_row(row: list[str], numeric: range, css_class: str) -> str:
    """One table row: a row header, then cells (those in numeric right-aligned)."""
    cells = "".join(
        f"<td class='num'>{c}</td>" if i in numeric else f"<td>{c}</td>"
        for i, c in enumerate(row[1:], 1)
    )
    attr = f" class='{css_class}'" if css_class else ""
    return f"<tr{attr}><th scope='row'>{row[0]}</th>{cells}</tr>"


# --- numbers and text -----------------------------------------------------------------------


def _full(score: float, top: float) -> bool:
    """Full marks."""
    return score >= top - FULL


def _below(score: float, top: float, threshold: float) -> bool:
    """Below threshold times the maximum."""
    return score < threshold * top


def _ratio(s: Submission) -> float:
    """A submission's share of its maximum."""
    return s.score / s.max_score if s.max_score else 0.0


def _rank(s: Submission) -> tuple[float, str]:
    """Lowest share first, then by student id."""
    return _ratio(s), s.student


def _share(count: int, of: int) -> str:
    """count of `of` as a percentage, with both numbers."""
    return f"{_percent(count / of)} ({count} of {of})" if of else "—"


def _points(points: float) -> str:
    """An exercise's worth in words: 1 point, 2 points."""
    return f"{points:g} point{'' if points == 1 else 's'}"


def _percent(x: float) -> str:
    """A share as a percentage with one decimal."""
    return f"{100 * x:.1f}%"


def _e(text: str) -> str:
    """HTML-escaped text, quotes included."""
    return html.escape(text, quote=True)
