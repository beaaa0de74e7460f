"""The student's own copies of the lessons, and the two servers `make lab` and `make demo` start.

The same on any system without make: the console script `nn-workbook lab` (or `nn-workbook
demo`), or `python -m utils.workspace lab`, after `pip install -e ".[lab]"` in a checkout.
`make lab` runs `python -m utils.workspace lab`: new lessons come into `workspace/`, nothing of
the student's is overwritten, then JupyterLab opens there as a student should see it
(`config/student-lab/`: no nbgrader instructor tools, no news pop-up). `make demo` runs
`python -m utils.workspace demo`: the lecture demos, copied into `workspace/demos/`, served by
Voila on this machine only (`config/demo/`: nothing fetched from the internet, no Lab
extensions Voila cannot load). `python -m utils.workspace` alone only copies the lessons.
The tests start their servers from `student_lab()` and `demo_server()`, so they test exactly these.
"""

from __future__ import annotations

import filecmp
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
DEMOS = REPO / "demos"
WORKSPACE = REPO / "workspace"
PRISTINE = ".course"  # inside the workspace: the course's version of each file, as last copied
# A Jupyter config folder put first on JUPYTER_CONFIG_PATH for the student's JupyterLab only:
# `make formgrader`, in the same environment, keeps nbgrader's instructor tools.
STUDENT_LAB_CONFIG = REPO / "config" / "student-lab"
# Voila's settings (voila.json) and its page template (voila/templates/nn-workbook/).
DEMO_CONFIG = REPO / "config" / "demo"


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


@dataclass(frozen=True)
class Launch:
    """A server's command line and the environment variables it needs on top of the caller's."""

    argv: list[str]
    env: dict[str, str]

    def environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The whole environment to start it with: base (default os.environ) plus env."""
        return {**(os.environ if base is None else base), **self.env}


def _first_on_path(variable: str, folder: Path, base: Mapping[str, str]) -> str:
    """The path list in `variable` with folder first (it wins over what the caller had there)."""
    rest = [entry for entry in base.get(variable, "").split(os.pathsep) if entry]
    return os.pathsep.join([str(folder), *rest])


def student_lab(
    root: Path = WORKSPACE, args: Sequence[str] = (), base: Mapping[str, str] | None = None
) -> Launch:
    """JupyterLab on root as `make lab` starts it: nbgrader's Assignment List, not its instructor
    tools (formgrader, course list, Create Assignment, Validate), no news or update pop-up, and
    a Voila preview that fetches nothing from the internet."""
    base = os.environ if base is None else base
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        argv.append("--allow-root")  # JupyterLab refuses root otherwise (containers, CI, hubs)
    env = {  # config/demo's Voila template, for the Lab's Voila preview: nothing from a CDN
        "JUPYTER_CONFIG_PATH": _first_on_path("JUPYTER_CONFIG_PATH", STUDENT_LAB_CONFIG, base),
        "JUPYTER_PATH": _first_on_path("JUPYTER_PATH", DEMO_CONFIG, base),
    }
    return Launch([*argv, *args], env)


def demo_server(
    root: Path = WORKSPACE / "demos",
    args: Sequence[str] = (),
    base: Mapping[str, str] | None = None,
) -> Launch:
    """Voila serving the notebooks in root as `make demo` does: on 127.0.0.1, code hidden, nothing
    fetched from outside the machine, only the Lab extensions Voila's page can load (widgets)."""
    base = os.environ if base is None else base
    argv = [sys.executable, "-m", "voila", str(root)]
    env = {  # config/demo is both a config folder (voila.json) and a data folder (its template)
        "JUPYTER_CONFIG_PATH": _first_on_path("JUPYTER_CONFIG_PATH", DEMO_CONFIG, base),
        "JUPYTER_PATH": _first_on_path("JUPYTER_PATH", DEMO_CONFIG, base),
    }
    return Launch([*argv, *args], env)


USAGE = (
    "usage: nn-workbook [lab|demo] [server options]  (or: python -m utils.workspace ...)\n"
    "  lab   copy new lessons into workspace/, then open JupyterLab there (what `make lab` does)\n"
    "  demo  copy new demos into workspace/demos/, then serve them with Voila (`make demo`)\n"
    "  (nothing) only copy the new lessons; server options go to JupyterLab or Voila"
)


def _run(launch: Launch) -> int:
    """Become the server (POSIX: Ctrl-C reaches it directly); elsewhere (Windows) start it and
    wait, through Ctrl-C too: the server gets it from the console and decides when to stop."""
    sys.stdout.flush()
    if os.name == "posix":
        os.execve(launch.argv[0], launch.argv, launch.environ())
    process = subprocess.Popen(launch.argv, env=launch.environ())
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue


def main(argv: Sequence[str] | None = None) -> int:
    """`nn-workbook [lab|demo] [server options...]`, also `python -m utils.workspace ...`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    command = args.pop(0) if args and args[0] in ("lab", "demo") else None
    if args and command is None:
        print(f"{USAGE}\ngot {args}")
        return 2
    if not LESSONS.is_dir():
        print(
            f"No lessons at {LESSONS}: nn-workbook runs from a copy of the course's repository."
            ' Clone it, then in its folder run  pip install -e ".[lab]"  and  nn-workbook lab'
        )
        return 2
    server = {"lab": "jupyterlab", "demo": "voila"}.get(command)
    if server and importlib.util.find_spec(server) is None:
        extras = "lab" if command == "lab" else "lab,instructor"
        print(
            f"{server} is not installed in this Python ({sys.executable}). In the course's"
            f' folder run  pip install -e ".[{extras}]"  (`make {command}` does it), then again.'
        )
        return 2
    if command == "demo":  # the demos, like the lessons: new ones come in, edits stay
        messages = sync_workspace(DEMOS, WORKSPACE / "demos") or ["workspace/demos/ is up to date."]
    else:
        messages = sync_workspace() or ["workspace/ is up to date."]
    print("\n".join(messages))
    if command is None:
        return 0
    return _run(demo_server(args=args) if command == "demo" else student_lab(args=args))


if __name__ == "__main__":
    sys.exit(main())
