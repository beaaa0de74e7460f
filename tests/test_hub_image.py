"""The hub image (Dockerfile): no image is built here, so this runs the Dockerfile's own
`pip install` steps in a clean venv (the build context copied as `COPY` would copy it) and a
lesson in that venv's kernel, and checks what the image promises around them."""

import re
import shlex
import shutil

import pytest
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
from grading.course import REPO, lesson_notebook

DOCKERFILE = REPO / "Dockerfile"
CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def expand(text: str, values: dict[str, str]) -> str:
    """text with ${NAME} and $NAME replaced where values (the ARG defaults) has NAME."""

    def value(match: re.Match) -> str:
        return values.get(match.group(1) or match.group(2), match.group(0))

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, text)


def pip_steps(context: str) -> list[list[str]]:
    """Each `pip install` in a RUN, as arguments, the COPY destination of `.` mapped to context."""
    found = instructions()
    args = dict(a.split("=", 1) for k, a in found if k == "ARG" and "=" in a)
    copied = [a.split()[-1] for k, a in found if k == "COPY" and a.split()[-2] == "."]
    steps = []
    for keyword, arguments in found:
        if keyword != "RUN":
            continue
        for part in arguments.split("&&"):
            words = shlex.split(expand(part, args))
            if words[:2] == ["pip", "install"]:
                steps.append([word.replace(copied[0], context) for word in words[2:]])
    return steps


def test_the_image_is_pinned_and_sets_a_writable_data_folder():
    found = instructions()
    base = next(a for k, a in found if k == "FROM")
    assert re.fullmatch(r"quay\.io/jupyter/(minimal|scipy)-notebook:\d{4}-\d{2}-\d{2}", base)
    env = dict(a.split("=", 1) for k, a in found if k == "ENV")
    data = env["NN_WORKBOOK_DATA"]
    made = [a for k, a in found if k == "RUN" and "install -d" in a and data in a]
    assert made and '-o "${NB_UID}"' in made[0], "the data folder must belong to the notebook user"
    assert any(k == "RUN" and "/lessons /srv/nn-workbook/lessons" in a for k, a in found)
    assert (REPO / ".dockerignore").read_text().startswith("#")
    assert ".venv/" in (REPO / ".dockerignore").read_text().split()


def test_the_install_step_takes_the_cpu_torch_and_only_the_students_groups():
    steps = pip_steps("/context")
    assert len(steps) == 1, steps
    assert CPU_INDEX in " ".join(steps[0])
    assert "/context[lab]" in steps[0]
    assert all("==" in word for word in steps[0] if not word.startswith(("-", "/", "https:")))


@pytest.fixture(scope="module")
def image_venv(tmp_path_factory):
    """A clean venv after the Dockerfile's pip install steps, run against a copy of the context."""
    torch_wheel_or_skip()
    root = tmp_path_factory.mktemp("hub-image")
    context = course_copy(root / "context")
    python = make_venv(root / "venv")
    env = venv_env(python)
    for step in pip_steps(str(context)):
        # download.pytorch.org is out of reach here: torch comes from $PIP_FIND_LINKS instead.
        words = " ".join(step).replace(CPU_INDEX, "").split()
        run([str(python), "-m", "pip", "install", "--quiet", *words], env=env)
    return python, env


@pytest.mark.notebook
def test_a_lesson_runs_in_the_image_environment(image_venv, tmp_path):
    python, env = image_venv
    expected = pins("lab")
    tools = ("nbgrader", "voila", "pytest", "playwright", "ruff")
    installed = versions(python, *expected, "nbgitpuller", *tools)
    assert {name: installed[name].split("+")[0] for name in expected} == expected
    assert not any(
        installed[name] for name in ("nbgrader", "voila", "pytest", "playwright", "ruff")
    )
    data = tmp_path / "data"
    data.mkdir()
    source = lesson_notebook("01-perceptron")
    workdir = shutil.copytree(source.parent, tmp_path / "lesson")
    code, stderr, executed = execute(
        python, workdir / source.name, workdir, {**env, "NN_WORKBOOK_DATA": str(data)}
    )
    assert code == 0, f"lesson 01 failed in the image's environment:\n{stderr[-3000:]}"
    said = cell_text(setup_cell.first_code_cell(executed))
    assert said.startswith("The course's package is ready: utils from ")
    assert str(python.parents[1] / "lib") in said, said  # the installed package, not a checkout
