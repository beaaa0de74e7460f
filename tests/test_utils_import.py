"""`import utils` is fast, loads no heavy library, and gives its submodules on first use."""

import json
import subprocess
import sys

import pytest

import utils

SUBMODULES = list(utils._SUBMODULES)
HEAVY = ["matplotlib", "torch", "ipywidgets"]
# What lesson exercises ask students to write: utils must not hand it to them.
EXERCISES = {"step", "sigmoid", "relu", "tanh", "softmax", "perceptron_step", "predict", "train"}


def run_fresh(code):
    """Run code in a new Python and return what it prints, read as JSON."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_import_utils_and_every_submodule_takes_under_0_3_s_and_loads_nothing_heavy():
    # CPU time, not wall time: the budget is the work done, whatever else the machine runs.
    found = run_fresh(
        "import json, sys, time\n"
        "start = time.process_time()\n"
        "import utils\n"
        f"for name in {SUBMODULES}: getattr(utils, name)\n"
        "seconds = time.process_time() - start\n"
        f"print(json.dumps([seconds, [m for m in {HEAVY} if m in sys.modules]]))\n"
    )
    seconds, heavy = found
    assert heavy == []
    assert seconds <= 0.3


@pytest.mark.parametrize("name", SUBMODULES)
def test_submodules_load_on_first_use(name):
    module = getattr(utils, name)
    assert module.__name__ == f"utils.{name}"
    assert name in dir(utils)


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="module 'utils' has no attribute 'plot'"):
        utils.plot  # noqa: B018


@pytest.mark.parametrize("name", SUBMODULES)
def test_utils_solves_no_exercise(name):
    public = {attr for attr in dir(getattr(utils, name)) if not attr.startswith("_")}
    assert not public & EXERCISES
