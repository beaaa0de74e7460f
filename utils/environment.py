"""Lesson 00's set-up check: `utils.environment.check()` says in a few lines what this machine has.

It reports Python, the course's packages next to the versions the course pins, where torch
trains (a GPU, or plainly the CPU), whether the MNIST files are there (or how to get them), and
whether the page can display widgets. Each line starts with a mark: ✔ fine, ! works but worth
knowing, ✘ to fix before the lessons that need it. Nothing heavy is imported until check() runs.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# What the lessons import, in the order the report lists them.
PACKAGES = ("numpy", "matplotlib", "torch", "ipywidgets", "tqdm")
INSTALL = (
    "run  pip install -e .  in the course folder (`make lab` does it), then restart the kernel"
)
MARKS = {"ok": "\u2714", "note": "!", "problem": "\u2718"}
WIDGETS_FRONT_END = "@jupyter-widgets/jupyterlab-manager"  # JupyterLab's half of ipywidgets
FIX = "Fix the \u2718 lines, then restart the kernel and run this cell again."
WIDGETS_OK = "\u2714 widgets: this page displays them (the lessons' sliders will work)"
WIDGETS_MISSING = (
    "\u2718 widgets: this page cannot display them. ipywidgets needs its front end where Jupyter"
    " runs: `make lab` sets it up; elsewhere run  pip install jupyterlab_widgets  there, restart"
    " Jupyter and reload the page"
)


@dataclass(frozen=True)
class Finding:
    """One line of the report. status: 'ok' (fine), 'note' (works, worth knowing) or 'problem'."""

    status: str
    text: str

    def __str__(self) -> str:
        return f"{MARKS[self.status]} {self.text}"


def _name(requirement: str) -> str:
    """A distribution name as pip compares them: numpy, typing-extensions."""
    return re.sub(r"[-_.]+", "-", requirement).strip().lower()


def parse_pins(requirements: Iterable[str]) -> dict[str, str]:
    """{package: version} for the exact pins (name==version) among requirements; extras skipped."""
    pins = {}
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue
        name, sep, version = spec.partition("==")
        if sep:
            pins[_name(name)] = version.strip()
    return pins


def course_pins() -> tuple[dict[str, str], str]:
    """The course's pins and its Python requirement: from pyproject.toml beside utils/, else from
    the installed nn-workbook's metadata; ({}, '') when neither is there (e.g. a lone notebook)."""
    try:
        import tomllib

        project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        if project.get("name") == "nn-workbook":
            return parse_pins(project.get("dependencies", [])), project.get("requires-python", "")
    except (ImportError, OSError, KeyError, ValueError):
        pass
    try:
        requirements = importlib.metadata.requires("nn-workbook") or []
        requires_python = importlib.metadata.metadata("nn-workbook").get("Requires-Python") or ""
    except importlib.metadata.PackageNotFoundError:
        return {}, ""
    return parse_pins(requirements), requires_python


def python_finding(version: Sequence[int], requires: str) -> Finding:
    """Python's version against the course's `>=3.11`-style requirement."""
    shown = ".".join(str(part) for part in version[:3])
    found = re.search(r">=\s*(\d+)\.(\d+)", requires)
    if not found:
        return Finding("ok", f"Python {shown}")
    needed = (int(found.group(1)), int(found.group(2)))
    minimum = f"{needed[0]}.{needed[1]}"
    if tuple(version[:2]) >= needed:
        return Finding("ok", f"Python {shown} (the course needs {minimum} or newer)")
    return Finding(
        "problem",
        f"Python {shown}: the course needs {minimum} or newer. Install a newer Python and set the"
        " course up again with it (`make lab`)",
    )


def installed_versions(names: Iterable[str] = PACKAGES) -> dict[str, str | None]:
    """{package: installed version, or None when it is not installed}, without importing any."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def package_findings(installed: Mapping[str, str | None], pins: Mapping[str, str]) -> list[Finding]:
    """One line for the packages at the course's versions; one more for each other or missing one."""
    same, others = [], []
    for name, version in installed.items():
        pin = pins.get(_name(name))
        if version is None:
            others.append(Finding("problem", f"{name} is missing: {INSTALL}"))
        elif pin is None or version.split("+")[0] == pin:  # 2.13.0+cpu is torch 2.13.0
            same.append(f"{name} {version}")
        else:
            others.append(
                Finding(
                    "note",
                    f"{name} {version}, the course was tested with {pin}: usually fine; if"
                    f" something odd happens, {INSTALL}",
                )
            )
    if not same:
        return others
    which = "the versions the course pins" if pins else "the course's pins are unknown here"
    return [Finding("ok", f"{', '.join(same)} ({which})"), *others]


def device_finding() -> Finding:
    """Where torch trains here: a CUDA or Apple GPU, or (said plainly) the CPU."""
    try:
        import torch  # noqa: F401 - a broken install fails here, with its reason
    except Exception as error:  # noqa: BLE001 - say why instead of stopping the check
        return Finding("problem", f"torch is installed but does not load: {error}")
    from . import device

    chosen = device.pick_device(verbose=False)
    if chosen.type == "cpu":
        return Finding(
            "ok",
            "no GPU: torch trains on the CPU, which is fine for every lesson"
            " (lesson 07's MNIST network just takes a little longer)",
        )
    return Finding("ok", device.describe_device(chosen).rstrip("."))


def mnist_finding(folder: Path | None = None) -> Finding:
    """Whether the four MNIST files are in folder (default utils.mnist.data_dir()); if not, how."""
    from . import mnist

    folder = mnist.data_dir() if folder is None else Path(folder)
    names = [name for split in mnist.FILES.values() for name in split]
    missing = [name for name in names if mnist._find(folder, name) is None]
    if not missing:
        return Finding("ok", f"MNIST is in {folder} (lessons 05 and 07 read it)")
    which = "MNIST is" if len(missing) == len(names) else f"MNIST's {', '.join(missing)}:"
    return Finding(
        "note",
        f"{which} not in {folder} yet: lessons 05 and 07 download it there (about 12 MB)."
        f" Offline, copy the four files there or set {mnist.DATA_ENV} (see data/README.md)",
    )


def widgets_front_end_finding(data_dirs: Iterable[str | Path] | None = None) -> Finding:
    """Whether JupyterLab's widget front end is installed where this Python's Jupyter looks."""
    if data_dirs is None:
        try:
            from jupyter_core.paths import jupyter_path
        except ImportError:
            return Finding("problem", "Jupyter is not installed in this Python: " + INSTALL)
        data_dirs = jupyter_path()
    for folder in data_dirs:
        package = Path(folder) / "labextensions" / WIDGETS_FRONT_END / "package.json"
        if package.is_file():
            return Finding("ok", "widgets: JupyterLab's widget front end is installed")
    return Finding("problem", WIDGETS_MISSING.removeprefix(f"{MARKS['problem']} "))


def findings() -> list[Finding]:
    """The report for this machine, but for the widgets line (check() adds it)."""
    pins, requires_python = course_pins()
    lines = [python_finding(sys.version_info, requires_python)]
    versions = installed_versions()
    lines += package_findings(versions, pins)
    if versions.get("torch"):
        lines.append(device_finding())
    lines.append(mnist_finding())
    return lines


def _in_a_kernel() -> bool:
    """Whether this runs in a Jupyter kernel, whose page can be asked to draw a widget."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    return getattr(shell, "kernel", None) is not None


def _show_widget_probe(verdict: str) -> None:
    """The widgets line, drawn by a widget: a page that cannot draw widgets shows its text
    instead, which says so and how to fix it. verdict is the line that follows when it works."""
    import html

    import ipywidgets
    from IPython.display import display

    style = (
        "margin: 0; font-family: var(--jp-code-font-family); font-size: var(--jp-code-font-size)"
    )
    probe = ipywidgets.HTML(
        f"<pre style='{style}'>  {html.escape(WIDGETS_OK, quote=False)}\n{verdict}</pre>"
    )
    view = {"version_major": 2, "version_minor": 0, "model_id": probe.model_id}
    text = f"  {WIDGETS_MISSING}\n{FIX}"
    display({"application/vnd.jupyter.widget-view+json": view, "text/plain": text}, raw=True)


def check() -> None:
    """Print a short report on this set-up; fix the \u2718 lines, restart the kernel, run it again."""
    lines = findings()
    live = _in_a_kernel() and installed_versions(["ipywidgets"])["ipywidgets"] is not None
    if not live:  # no page to ask: look for the widget front end on disk instead
        lines.append(widgets_front_end_finding())
    verdict = FIX if any(line.status == "problem" for line in lines) else "All set."
    print("Your set-up:")
    for line in lines:
        print(f"  {line}")
    if live:
        sys.stdout.flush()
        _show_widget_probe(verdict)
    else:
        print(verdict)
