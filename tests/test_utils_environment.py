"""utils.environment: lesson 00's set-up check, one call that says what this machine has."""

import json

from grading.course import lesson_notebook
from grading.setup_cell import CELL
from utils import environment
from utils.environment import (
    FIX,
    WIDGETS_MISSING,
    WIDGETS_OK,
    Finding,
    course_pins,
    device_finding,
    mnist_finding,
    package_findings,
    parse_pins,
    python_finding,
    widgets_front_end_finding,
)

MNIST_NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]  # fmt: skip


def test_lesson_00_checks_the_set_up_in_one_call():
    cells = json.loads(lesson_notebook("00-welcome").read_text())["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    code = [source for source in code if source != CELL.strip()]  # every lesson's set-up cell
    assert "utils.environment.check()" in code
    assert not [source for source in code if "importlib" in source or "pick_device" in source]


def test_pins_are_the_exact_ones_and_skip_the_test_extras():
    pins = parse_pins(["numpy==2.4.6", "Typing_Extensions==4.0", "pytest==9.2.0; extra == 'test'",
                       "jupyterlab>=4"])  # fmt: skip
    assert pins == {"numpy": "2.4.6", "typing-extensions": "4.0"}


def test_the_course_pins_come_from_its_pyproject():
    pins, requires_python = course_pins()
    assert pins["torch"] == "2.13.0" and pins["numpy"].count(".") == 2
    assert "pytest" not in pins
    assert requires_python == ">=3.11"


def test_python_is_checked_against_the_course_requirement():
    assert python_finding((3, 12, 1), ">=3.11") == Finding(
        "ok", "Python 3.12.1 (the course needs 3.11 or newer)"
    )
    old = python_finding((3, 10, 4), ">=3.11")
    assert old.status == "problem" and "needs 3.11 or newer" in old.text
    assert python_finding((3, 11, 0), "") == Finding("ok", "Python 3.11.0")


def test_packages_at_the_pins_share_one_line_others_get_their_own():
    pins = {"numpy": "2.4.6", "torch": "2.13.0", "matplotlib": "3.11.2", "tqdm": "4.70.1"}
    installed = {"numpy": "2.4.6", "torch": "2.13.0+cpu", "matplotlib": "3.9.0", "tqdm": None}
    same, other, missing = package_findings(installed, pins)
    assert same == Finding("ok", "numpy 2.4.6, torch 2.13.0+cpu (the versions the course pins)")
    assert other.status == "note" and other.text.startswith("matplotlib 3.9.0, the course was")
    assert "usually fine" in other.text and "pip install -e ." in other.text
    assert missing.status == "problem" and missing.text.startswith("tqdm is missing")
    assert "pip install -e ." in missing.text and "restart the kernel" in missing.text


def test_without_pins_the_versions_are_listed_and_the_pins_said_unknown():
    [line] = package_findings({"numpy": "1.0"}, {})
    assert line == Finding("ok", "numpy 1.0 (the course's pins are unknown here)")


def test_no_gpu_is_said_plainly_the_cpu_trains(gpus):
    gpus()
    line = device_finding()
    assert line.status == "ok"
    assert line.text.startswith("no GPU: torch trains on the CPU, which is fine for every lesson")


def test_a_gpu_is_named(gpus):
    gpus("cuda")
    assert device_finding() == Finding("ok", "Training on CUDA (Fake GPU 80GB)")
    gpus("mps")
    assert device_finding() == Finding("ok", "Training on the Apple GPU (MPS)")


def test_mnist_found(tmp_path):
    for name in MNIST_NAMES:
        (tmp_path / f"{name}.gz").write_bytes(b"")
    assert mnist_finding(tmp_path) == Finding(
        "ok", f"MNIST is in {tmp_path} (lessons 05 and 07 read it)"
    )


def test_mnist_missing_says_how_to_get_it(tmp_path):
    line = mnist_finding(tmp_path)
    assert line.status == "note"  # not a problem: the lessons download it
    assert line.text.startswith(f"MNIST is not in {tmp_path} yet: lessons 05 and 07 download it")
    assert "NN_WORKBOOK_DATA" in line.text and "data/README.md" in line.text
    (tmp_path / MNIST_NAMES[0]).write_bytes(b"")  # unzipped counts too
    partial = mnist_finding(tmp_path)
    assert partial.text.startswith("MNIST's " + ", ".join(MNIST_NAMES[1:]) + ": not in")


def test_mnist_is_looked_for_where_the_lessons_look(tmp_path, monkeypatch):
    monkeypatch.setenv("NN_WORKBOOK_DATA", str(tmp_path))
    assert str(tmp_path) in mnist_finding().text


def test_the_widget_front_end_is_looked_for_in_jupyters_folders(tmp_path):
    assert widgets_front_end_finding([tmp_path]).status == "problem"
    package = tmp_path / "labextensions" / "@jupyter-widgets" / "jupyterlab-manager"
    package.mkdir(parents=True)
    (package / "package.json").write_text("{}")
    assert widgets_front_end_finding([tmp_path / "nothing", tmp_path]).status == "ok"


def test_this_machine_has_the_widget_front_end():
    assert widgets_front_end_finding().status == "ok"  # the [test] install has jupyterlab_widgets


def test_check_prints_a_short_report_and_all_set(capsys, monkeypatch):
    monkeypatch.setattr(environment, "findings", lambda: [Finding("ok", "Python 3.11.0")])
    monkeypatch.setattr(environment, "widgets_front_end_finding", lambda: Finding("ok", "widgets"))
    environment.check()
    assert (
        capsys.readouterr().out
        == "Your set-up:\n  \u2714 Python 3.11.0\n  \u2714 widgets\nAll set.\n"
    )


def test_check_says_what_to_fix(capsys, monkeypatch):
    monkeypatch.setattr(environment, "findings", lambda: [Finding("problem", "torch is missing")])
    environment.check()
    out = capsys.readouterr().out
    assert "  \u2718 torch is missing\n" in out and out.endswith(FIX + "\n")


def test_check_on_this_machine_runs_and_names_every_part(capsys):
    environment.check()
    out = capsys.readouterr().out
    for part in ("Python 3.", "numpy", "torch", "ipywidgets", "MNIST", "widgets"):
        assert part in out, part


def test_in_a_kernel_a_widget_draws_the_widgets_line_and_its_text_says_the_fix(monkeypatch):
    import IPython.display
    import ipywidgets

    shown, made = [], []
    real_html = ipywidgets.HTML
    monkeypatch.setattr(ipywidgets, "HTML", lambda value: made.append(real_html(value)) or made[-1])
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    monkeypatch.setattr(environment, "_in_a_kernel", lambda: True)
    monkeypatch.setattr(environment, "findings", lambda: [Finding("ok", "Python 3.11.0")])
    environment.check()
    [bundle], [probe] = shown, made
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == probe.model_id
    assert WIDGETS_OK in probe.value and "All set." in probe.value
    # A page without widgets shows the text instead: it says so, and how to fix it.
    assert bundle["text/plain"] == f"  {WIDGETS_MISSING}\n{FIX}"
