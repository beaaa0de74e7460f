"""Helpers for the neural-network workbook: data sets, plots, widgets, checks and the device.

Submodules load on first use (`utils.plots` imports matplotlib only then), so `import utils`
stays fast; see the tests in tests/test_utils_import.py.
"""

import importlib

COURSE = "nn-workbook"  # how the lessons' first cell tells this package from another `utils`

_SUBMODULES = (
    "accessibility",
    "arguments",
    "checks",
    "data",
    "descent",
    "device",
    "environment",
    "digits",
    "encode",
    "explorers",
    "figures",
    "graphs",
    "layout",
    "logloss",
    "mlp",
    "mnist",
    "playground",
    "plots",
    "sequences",
    "style",
    "theme",
    "training",
    "vision",
    "widgets",
)
__all__ = list(_SUBMODULES)


def __getattr__(name: str) -> object:
    """Import the submodule `name` the first time `utils.name` is used."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The module's names, the not-yet-imported submodules included."""
    return sorted({*globals(), *_SUBMODULES})
