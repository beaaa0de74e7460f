"""The lessons' explorer widgets: sliders that move a picture (each module loads on first use).

`perceptron_explorer` (lessons 00 and 01), `error_explorer` (02), `learning_rate_explorer` (03),
`kernel_explorer` (05), `gradient_explorer` (06) and `digit_explorer` (07) return an explorer; a
cell ending in one shows it live. They share one skeleton, `utils.explorers.base.Explorer`.
"""

import importlib

_HOMES = {
    "perceptron_explorer": "perceptron",
    "PerceptronExplorer": "perceptron",
    "error_explorer": "error",
    "ErrorExplorer": "error",
    "learning_rate_explorer": "learning_rate",
    "LearningRateExplorer": "learning_rate",
    "kernel_explorer": "kernel",
    "KernelExplorer": "kernel",
    "gradient_explorer": "gradient",
    "GradientExplorer": "gradient",
    "digit_explorer": "digit",
    "DigitExplorer": "digit",
}
__all__ = list(_HOMES)


def __getattr__(name: str) -> object:
    """Import the module that holds `name` (a factory or a class) the first time it is used."""
    if name in _HOMES:
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    """The package's names, the not-yet-imported factories and classes included."""
    return sorted({*globals(), *_HOMES})
