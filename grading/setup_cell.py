"""Every lesson's first code cell, from one template: `import utils` finds this course's package.

The cell runs before `utils` can be imported, so all its logic is in the cell's own text (CELL).
Where `utils` is this course's package (`utils.COURSE == "nn-workbook"`) it says so in one line.
Where another `utils` shadows it (a student's utils.py beside the notebook) it names that file
and says to rename it, installing nothing. Where there is no `utils` (Colab) it pip-installs the
course with --no-deps from SOURCE (or $NN_WORKBOOK_SOURCE: a local folder, a wheel, another tag),
then only the runtime packages that are not installed at all, so the torch and numpy already
there are never touched; and it says what it did.

To publish the course under your own GitHub name, change OWNER (and TAG with each release), then
`python -m grading.setup_cell` rewrites the cell in solutions/ and `make lessons` in lessons/.
"""

from __future__ import annotations

from pathlib import Path

from grading.course import lesson_ids, lesson_notebook

OWNER = "YOUR-GITHUB-NAME"  # placeholder: the GitHub account or organisation that hosts the course
TAG = "v0.1.0"  # the release the lessons were written for; pyproject's version, with a "v"
SOURCE = f"git+https://github.com/{OWNER}/nn-workbook@{TAG}"
SOURCE_ENV = "NN_WORKBOOK_SOURCE"

CELL = f'''# Set-up: makes `import utils` load this course's package (on Colab it installs it first).
def set_up_course(source: str) -> None:
    """Make `import utils` give this course's package, and say what was found or done."""
    import importlib
    import importlib.metadata
    import os
    import re
    import subprocess
    import sys

    source = os.environ.get("{SOURCE_ENV}") or source  # e.g. a local checkout, for the tests
    try:
        import utils
    except ImportError:
        utils = None
    if utils is not None:
        if getattr(utils, "COURSE", None) == "nn-workbook":
            print(f"The course's package is ready: utils from {{utils.__path__[0]}}")
            return
        where = getattr(utils, "__file__", None) or list(utils.__path__)
        raise ImportError(
            f"`import utils` loads {{where}}, not this course's package: a file or folder of "
            "yours called utils hides it. Rename yours (e.g. to my_utils.py), then restart the "
            "kernel and run this cell again."
        )
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    done = subprocess.run([*pip, "--no-deps", source], capture_output=True, text=True)
    missing = []
    if not done.returncode:
        importlib.invalidate_caches()
        for requirement in importlib.metadata.requires("nn-workbook") or []:
            pin = requirement.partition(";")[0].strip()
            if "extra" in requirement:
                continue  # JupyterLab, the instructor's and the test tools: not for a lesson
            try:
                importlib.metadata.version(re.split(r"[=<>!~ \\[]", pin, maxsplit=1)[0])
            except importlib.metadata.PackageNotFoundError:
                missing.append(pin)
        if missing:
            done = subprocess.run([*pip, *missing], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"pip could not install the course from {{source}}:\\n{{done.stderr}}")
    importlib.invalidate_caches()
    import utils  # raises here if the install did not give a working package

    added = f" and {{', '.join(missing)}}" if missing else ""
    print(f"Installed the course from {{source}} without its dependencies{{added}}.")


# Where the course is published: grading/setup_cell.py writes this line (its OWNER and TAG).
set_up_course("{SOURCE}")
del set_up_course
'''
CELL_ID = "course-set-up"  # the cell's id in every lesson


def first_code_cell(notebook: dict) -> dict:
    """The notebook's first code cell; ValueError when it has none."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            return cell
    raise ValueError("the notebook has no code cell")


def write_cell(path: Path) -> bool:
    """Make the notebook's first code cell the set-up cell; True when the file changed."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    first = first_code_cell(notebook)
    if first.get("id") == CELL_ID:
        if first["source"] == CELL.rstrip("\n"):
            return False
        first["source"] = CELL.rstrip("\n")  # an older version of the set-up cell
    else:
        cell = nbformat.v4.new_code_cell(CELL.rstrip("\n"), id=CELL_ID)
        notebook["cells"].insert(notebook["cells"].index(first), cell)
    nbformat.write(notebook, path)
    return True


def main() -> None:
    """Write the set-up cell into every solution notebook, and say which changed."""
    for lesson in lesson_ids():
        path = lesson_notebook(lesson)
        print(f"{path}: {'updated' if write_cell(path) else 'already up to date'}")


if __name__ == "__main__":
    main()
