"""Feedback HTML for one student: their cells, the visible tests and what they printed, and for
each test cell its points and, when it failed, why. Hidden-test code is never written here:
test cells are shown as students see them (hidden blocks removed), and hidden failures are the
trusted comparison's own messages, never a traceback."""

from __future__ import annotations

import html

from grading.judge import visible_code

MAX_TEXT = 8000  # characters of one output shown
MAX_IMAGE = 400_000  # base64 characters of one image shown


def render(lesson: str, student: str, cells: list[dict], runs: list[dict], result: dict) -> str:
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{_e(lesson)}: feedback for {_e(student)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}pre{background:#f6f6f6;"
        "padding:.5em;overflow-x:auto;white-space:pre-wrap}.pass{color:#1a7f37}.fail{color:#c62828}"
        ".cell{border-left:3px solid #ddd;padding-left:.8em;margin:1em 0}</style></head><body>",
        f"<h1>{_e(lesson)}: {_e(student)}</h1>",
        f"<p><b>Score: {result['score']:g} / {result['max_score']:g}</b>",
    ]
    if result["manual"]:
        parts.append(f" (written answers still to be marked: {_e(', '.join(result['manual']))})")
    parts.append("</p>")
    for cell, run in zip(cells, runs, strict=True):
        kind = cell["kind"]
        if cell["cell_type"] == "markdown" and kind != "written":
            continue
        parts.append("<div class='cell'>")
        if kind == "test":
            score, points = result["grades"][cell["grade_id"]]
            ok = run.get("status") == "passed"
            parts.append(f"<h3 class='{'pass' if ok else 'fail'}'>Tests {_e(cell['grade_id'])}: "
                         f"{score:g} / {points:g}</h3>")  # fmt: skip
            parts.append(f"<pre>{_e(visible_code(cell['source']))}</pre>")
        elif kind == "written":
            parts.append(f"<h3>Written answer {_e(cell['grade_id'])} (marked by hand)</h3>")
            parts.append(f"<pre>{_e(_cut(cell['source']))}</pre>")
        else:
            parts.append(f"<pre>{_e(_cut(cell['source']))}</pre>")
        for output in run.get("outputs", [])[:10]:
            if output.get("output_type") == "stream":
                parts.append(f"<pre>{_e(_cut(output.get('text', '')))}</pre>")
            else:
                data = output.get("data", {})
                image = data.get("image/png")
                if isinstance(image, str) and len(image) <= MAX_IMAGE and image.isascii():
                    parts.append(f"<img alt='figure' src='data:image/png;base64,{_e(image)}'>")
                elif "text/plain" in data:
                    parts.append(f"<pre>{_e(_cut(data['text/plain']))}</pre>")
        error = run.get("error")
        if error:
            text = error.get("traceback") or f"{error.get('ename')}: {error.get('evalue')}"
            parts.append(f"<pre class='fail'>{_e(str(text)[-MAX_TEXT:])}</pre>")
        for failure in run.get("failures", []):
            parts.append(f"<p class='fail'>{_e(failure[:1500])}</p>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _cut(text: str) -> str:
    """At most MAX_TEXT characters: the start and the end of a long output."""
    text = str(text)
    if len(text) <= MAX_TEXT:
        return text
    return (
        f"{text[: MAX_TEXT - 600]}\n[... {len(text) - MAX_TEXT} characters cut ...]\n{text[-500:]}"
    )


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)
