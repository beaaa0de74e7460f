"""Every lesson's first code cell (grading/setup_cell.py) makes `import utils` work, as on Colab.

The fast tests check the cell is the same in every lesson. The slow ones build a Colab-like
virtual environment (numpy, matplotlib, ipywidgets and torch, numpy and matplotlib at a patch
below the course's pins; no nn-workbook, no tqdm), point the cell (NN_WORKBOOK_SOURCE) at a copy
of this checkout (00) or a wheel built from it (the others), and run every solution notebook there: the cell installs the course
(non-editable) and says so, and numpy, matplotlib and torch keep their versions.
"""

import shutil
import subprocess
import sys
import tomllib

import nbformat
import pytest
from conftest import MNIST_MINI
from venv_helpers import (
    cell_text,
    course_copy,
    execute,
    make_venv,
    pins,
    run,
    torch_wheel_or_skip,
    venv_env,
    versions,
)

from grading import setup_cell
from grading.course import LESSONS, REPO, lesson_ids, lesson_notebook

KEPT = ("numpy", "matplotlib", "torch", "ipywidgets")  # what Colab has, and must keep
pytestmark = pytest.mark.xdist_group("colab")  # one venv, on one worker


@pytest.mark.parametrize("folder", [REPO / "solutions", LESSONS], ids=["solutions", "lessons"])
def test_every_lesson_starts_with_the_set_up_cell(folder):
    for lesson in lesson_ids():
        notebook = nbformat.read(lesson_notebook(lesson, folder), as_version=4)
        first = setup_cell.first_code_cell(notebook)
        assert first["source"] == setup_cell.CELL.rstrip("\n"), (
            f"{lesson}'s first code cell is not grading/setup_cell.py's CELL: run "
            "`python -m grading.setup_cell`, `make lessons`, then `ruff format`"
        )


def test_the_cell_installs_the_release_of_this_version():
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert setup_cell.TAG == f"v{version}", "TAG in grading/setup_cell.py must follow the version"
    assert setup_cell.SOURCE in setup_cell.CELL


def test_readme_opens_every_lesson_in_colab_at_the_release():
    readme = (REPO / "README.md").read_text()
    for lesson in lesson_ids():
        path = lesson_notebook(lesson, LESSONS).relative_to(REPO)
        link = (
            "[Open in Colab](https://colab.research.google.com/github/"
            f"{setup_cell.OWNER}/nn-workbook/blob/{setup_cell.TAG}/{path})"
        )
        assert link in readme, f"README.md has no Colab link for {lesson}: {link}"


def test_the_cell_says_the_course_is_ready_where_it_is(tmp_path):
    # This checkout's venv has the course installed (editable): the cell only says so.
    done = subprocess.run(
        [sys.executable, "-c", setup_cell.CELL], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"The course's package is ready: utils from {REPO / 'utils'}\n"


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A Colab-like venv (no course, no tqdm; numpy and matplotlib a patch below the pins)."""
    torch_wheel_or_skip()
    root = tmp_path_factory.mktemp("colab")
    python = make_venv(root / "venv")
    pinned = pins()
    below = [f"{name}<{pinned[name]},>={'.'.join(pinned[name].split('.')[:2])}"
             for name in ("numpy", "matplotlib")]  # fmt: skip
    packages = [*below, "ipywidgets", f"torch=={pinned['torch']}", "ipykernel", "nbclient"]
    run([str(python), "-m", "pip", "install", "--quiet", *packages], env=venv_env(python))
    source = course_copy(root / "nn-workbook")
    # Grading mode (utils.grading_mode) cuts MNIST and training short: every cell still runs,
    # in seconds; tests/test_notebooks_run.py runs the lessons in full.
    env = venv_env(python, NN_WORKBOOK_DATA=str(MNIST_MINI), NN_WORKBOOK_GRADING="1")
    # The first lesson installs from the checkout's copy; the others from a wheel built from it
    # once (pip would otherwise build the same wheel for every lesson).
    pip_wheel = [str(python), "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(root)]
    run([*pip_wheel, str(source)], env=env)
    wheel = next(root.glob("nn_workbook-*.whl"))
    before = versions(python, *KEPT, "tqdm", "nn-workbook")
    assert before["tqdm"] is None and before["nn-workbook"] is None, before
    for name in ("numpy", "matplotlib"):
        assert before[name] != pinned[name], f"{name} should differ from the pin here: {before}"
    return python, env, {lesson_ids()[0]: source}, wheel, before


def forget_the_course(python, env):
    """Uninstall nn-workbook and tqdm, as on a fresh Colab runtime."""
    run([str(python), "-m", "pip", "uninstall", "--quiet", "-y", "nn-workbook", "tqdm"], env=env)


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lesson_ids())
def test_lesson_installs_the_course_and_runs(colab, lesson, tmp_path):
    python, env, sources, wheel, before = colab
    source = sources.get(lesson, wheel)
    env = {**env, "NN_WORKBOOK_SOURCE": str(source)}
    if lesson in ("05-cnn", "07-mnist") and not MNIST_MINI.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: {lesson} needs the offline MNIST copy {MNIST_MINI}")
    forget_the_course(python, env)
    workdir = shutil.copytree(lesson_notebook(lesson).parent, tmp_path / lesson)
    notebook = workdir / lesson_notebook(lesson).name
    code, stderr, executed = execute(python, notebook, workdir, env)
    assert executed is not None, stderr
    said = cell_text(setup_cell.first_code_cell(executed))
    tqdm = f"tqdm=={pins()['tqdm']}"
    assert said == f"Installed the course from {source} without its dependencies and {tqdm}.\n"
    assert code == 0, f"{lesson} failed in the Colab-like venv:\n{stderr[-3000:]}"
    after = versions(python, *KEPT, "nn-workbook")
    assert {name: after[name] for name in KEPT} == {name: before[name] for name in KEPT}
    assert after["nn-workbook"] is not None
    # A normal install, not the checkout: the lesson ran on the copy in the venv's site-packages.
    where = run([str(python), "-c", "import utils; print(utils.__file__)"], env=env, cwd=tmp_path)
    assert where.startswith(str(python.parents[1] / "lib")), where


def test_a_utils_py_beside_the_notebook_is_named_with_the_fix(colab, tmp_path):
    python, env, _, _, _ = colab
    forget_the_course(python, env)
    (tmp_path / "utils.py").write_text("def helper():\n    return 1\n")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup_cell.CELL)])
    nbformat.write(notebook, tmp_path / "mine.ipynb")
    code, _, executed = execute(python, tmp_path / "mine.ipynb", tmp_path, env)
    said = cell_text(executed.cells[0])
    assert code != 0
    assert f"ImportError: `import utils` loads {tmp_path / 'utils.py'}, not this course" in said
    assert "Rename yours (e.g. to my_utils.py), then restart the kernel" in said
    assert versions(python, "nn-workbook", "tqdm") == {"nn-workbook": None, "tqdm": None}
