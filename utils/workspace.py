"""The student's own copies of the lessons: new lessons come in, nothing of theirs is overwritten.

`make lab` runs `python -m utils.workspace` before it opens JupyterLab on `workspace/`.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
WORKSPACE = REPO / "workspace"
PRISTINE = ".course"  # inside the workspace: the course's version of each file, as last copied


def _copy_atomically(src: Path, dest: Path) -> None:
    """Copy src to dest so that dest is either absent or complete, never half-written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    shutil.copy2(src, partial)
    partial.replace(dest)


def sync_workspace(lessons: Path = LESSONS, workspace: Path = WORKSPACE) -> list[str]:
    """Copy lesson files the student lacks into the workspace; report course updates; overwrite nothing."""
    messages = []
    for src in sorted(lessons.rglob("*")):
        rel = src.relative_to(lessons)
        if not src.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        mine, pristine = workspace / rel, workspace / PRISTINE / rel
        if not mine.exists():
            _copy_atomically(src, mine)
            _copy_atomically(src, pristine)
            messages.append(f"new: {rel}")
        elif pristine.exists() and not filecmp.cmp(src, pristine, shallow=False):
            _copy_atomically(src, pristine)
            messages.append(
                f"updated in the course: {rel}. Your copy is untouched; "
                f"the new version is {src.relative_to(lessons.parent)}."
            )
    return messages


if __name__ == "__main__":
    for line in sync_workspace() or ["workspace/ is up to date."]:
        print(line)
