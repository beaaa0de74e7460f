"""Suite-wide set-up for the notebooks the tests run (their kernels inherit the environment)."""

import os
import warnings

import pytest

from grading.course import REPO

MNIST_MINI = REPO.parent / "shared" / "datasets" / "mnist-mini"

# Lessons that read MNIST use the offline copy; a folder named by the caller wins.
if MNIST_MINI.is_dir():
    os.environ.setdefault("NN_WORKBOOK_DATA", str(MNIST_MINI))

# torch's OpenMP threads spin while they wait; with two test workers on two cores that spinning
# starves the other worker and made training up to 15x slower. Passive waiting costs nothing.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium for a module's tests; they are skipped, loudly, when it can't run."""
    import browser_helpers as bh

    try:
        with bh.chromium() as browser:
            yield browser
    except bh.BrowserMissing as missing:
        message = f"REAL-BROWSER TESTS SKIPPED: {missing}"
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)


@pytest.fixture
def gpus(monkeypatch):
    """Pretend this machine has the GPUs named: gpus('cuda'), gpus('mps'), gpus() for none."""
    import torch

    def have(*kinds):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: "cuda" in kinds)
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Fake GPU 80GB")
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: "mps" in kinds)

    return have


@pytest.fixture
def fresh_pyplot():
    """A test that starts without figures and leaves matplotlib's settings as they were."""
    import matplotlib
    import matplotlib.pyplot as plt

    from utils import style

    with matplotlib.rc_context():
        yield
        style.projector_mode(False)
    plt.close("all")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Keep each xdist_group on one worker. pytest-xdist 3.8 marks a test's group by renaming it
    through `item._nodeid`, which pytest 9 no longer reads (it names tests by `item._id`), so
    `--dist loadgroup` spread a group's tests, and ran its module fixtures, on every worker."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        marks = item.iter_markers("xdist_group")
        names = sorted(
            {str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in marks}
        )
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
