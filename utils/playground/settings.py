"""The playground's settings: their defaults, the choices the controls offer, and their checks.

Data-set names are utils.data's (`circles`, `xor`, `blobs`, `spirals`, `moons`); TensorFlow
Playground's names (`spiral`, `gauss`, `circle`) are accepted too and read as those.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import data
from ..arguments import integer, number
from ..mlp import ACTIVATIONS, FEATURES

DATASETS = ("circles", "xor", "blobs", "spirals", "moons")  # utils.data.TOY_DATASETS, TF's order
DATASET_ALIASES = {"spiral": "spirals", "gauss": "blobs", "gaussian": "blobs", "circle": "circles"}
DATASET_LABELS = {
    "circles": "Circles",
    "xor": "XOR",
    "blobs": "Blobs",
    "spirals": "Spirals",
    "moons": "Moons",
}
ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin(x1)": "sin(x₁)",
    "sin(x2)": "sin(x₂)",
}
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
TRAIN_PERCENTS = tuple(range(10, 95, 10))
NOISE_PERCENTS = tuple(range(0, 55, 5))
BATCH_SIZES = (1, 2, 5, 10, 15, 20, 25, 30)
MAX_LAYERS = 6
MAX_NEURONS = 8
# Names for `hide`: each hides one control (or a group of them).
DATA_CONTROLS = ("dataset", "noise", "train_fraction", "batch_size", "regenerate")
HIDEABLE = (
    *DATA_CONTROLS,
    "data",  # the five above
    "layers",
    "activation",
    "lr",
    "regularization",
    "features",
    "test_data",
    "discretize",
    "step",
    "reset",
)
DEFAULTS: dict[str, Any] = {
    "dataset": "circles",
    "hidden": (4, 4),
    "activation": "tanh",
    "lr": 0.03,
    "noise": 0.1,
    "n": 500,
    "train_fraction": 0.5,
    "batch_size": 10,
    "regularization": None,
    "reg_rate": 0.0,
    "features": ("x1", "x2"),
    "seed": 0,
    "hide": (),
    "show_test_data": False,
    "discretize": False,
}
NEW_DATA = {"dataset", "noise", "n", "train_fraction", "seed"}  # changing these draws new points
NEW_NETWORK = {"hidden", "activation", "features"}  # and these start a fresh network
SCALE = 3.0  # data sets span about [-3, 3], so sin(x1) and x1^2 differ from x1 (as in TF)
DOMAIN = 4.0  # the picture shows [-4, 4] x [-4, 4]


def _names(value: object, name: str, choices: Sequence[str]) -> tuple[str, ...]:
    """value as a tuple of names from choices; a TypeError for a string or a non-list."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of names from {list(choices)}, got {value!r}")
    return tuple(value)


def _hidden(hidden: object) -> tuple[int, ...]:
    """Layer sizes: 0 to MAX_LAYERS ints from 1 to MAX_NEURONS."""
    if not isinstance(hidden, Sequence) or isinstance(hidden, str):
        raise TypeError(f"hidden must be a list of layer sizes such as (4, 4), got {hidden!r}")
    wanted = f"0 to {MAX_LAYERS} layers of 1 to {MAX_NEURONS} neurons"
    if len(hidden) > MAX_LAYERS:
        raise ValueError(f"hidden must be {wanted}, got {tuple(hidden)!r}")
    try:
        return tuple(integer(k, "each layer size", at_least=1, at_most=MAX_NEURONS) for k in hidden)
    except ValueError:
        raise ValueError(f"hidden must be {wanted}, got {tuple(hidden)!r}") from None


def _features(features: object) -> tuple[str, ...]:
    """Feature names, each once, at least one, in the order of the checkboxes."""
    features = _names(features, "features", list(FEATURES))
    unknown = [f for f in features if f not in FEATURES]
    if unknown or not features or len(set(features)) != len(features):
        raise ValueError(
            f"features must be one or more of {list(FEATURES)}, each once; got {list(features)}"
        )
    return tuple(f for f in FEATURES if f in features)


def _regularization(value: object) -> str | None:
    """None, 'L1' or 'L2' ('none', 'l1', 'l2' too)."""
    reg = value
    if isinstance(reg, str):
        reg = None if reg.lower() == "none" else reg.upper()
    if reg not in (None, "L1", "L2"):
        raise ValueError(f"regularization must be None, 'L1' or 'L2', got {value!r}")
    return reg


def checked(settings: dict) -> dict:
    """A complete, checked copy of settings (missing keys take DEFAULTS), or an error that says
    which setting is wrong and what it takes."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise TypeError(
            f"unknown playground setting(s) {unknown}; the settings are {list(DEFAULTS)}"
        )
    s = {**DEFAULTS, **settings}
    s["dataset"] = DATASET_ALIASES.get(s["dataset"], s["dataset"])
    if s["dataset"] not in DATASETS:
        raise ValueError(f"dataset must be one of {list(DATASETS)}, got {settings['dataset']!r}")
    s["hidden"] = _hidden(s["hidden"])
    if s["activation"] not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {s['activation']!r}")
    s["lr"] = number(s["lr"], "lr", positive=True, at_most=100)
    s["noise"] = number(s["noise"], "noise", at_least=0, at_most=0.5)
    s["n"] = integer(s["n"], "n", at_least=20, at_most=5000)
    s["train_fraction"] = number(s["train_fraction"], "train_fraction", at_least=0.1, at_most=0.9)
    s["batch_size"] = integer(s["batch_size"], "batch_size", at_least=1, at_most=500)
    s["regularization"] = _regularization(s["regularization"])
    s["reg_rate"] = number(s["reg_rate"], "reg_rate", at_least=0, at_most=100)
    s["features"] = _features(s["features"])
    s["seed"] = integer(s["seed"], "seed", at_least=0)
    s["hide"] = _names(s["hide"], "hide", HIDEABLE)
    unknown = [h for h in s["hide"] if h not in HIDEABLE]
    if unknown:
        raise ValueError(f"hide: unknown control(s) {unknown}; choose from {list(HIDEABLE)}")
    for flag in ("show_test_data", "discretize"):
        if not isinstance(s[flag], bool | np.bool_):
            raise TypeError(f"{flag} must be True or False, got {s[flag]!r}")
        s[flag] = bool(s[flag])
    return s


def hidden_controls(hide: Sequence[str]) -> set[str]:
    """The controls that `hide` hides: its names, with "data" standing for the data controls."""
    hidden = set(hide)
    return hidden | set(DATA_CONTROLS) if "data" in hidden else hidden


def layers_changed(hidden: Sequence[int], by: int) -> tuple[int, ...]:
    """hidden with a layer more (as wide as the last; by > 0) or the last one less, within
    0..MAX_LAYERS layers."""
    if by > 0 and len(hidden) < MAX_LAYERS:
        return (*hidden, hidden[-1] if hidden else 4)
    return tuple(hidden[:-1]) if by < 0 else tuple(hidden)


def neurons_changed(hidden: Sequence[int], layer: int, by: int) -> tuple[int, ...]:
    """hidden with by neurons more in one layer, within 1..MAX_NEURONS."""
    sizes = list(hidden)
    sizes[layer] = min(MAX_NEURONS, max(1, sizes[layer] + by))
    return tuple(sizes)


def points(name: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The data set called name: points (n, 2) spanning about [-3, 3]^2 and labels {0, 1}."""
    if name == "blobs":  # two Gaussians at (-1.5, -1.5) and (1.5, 1.5); noise widens them
        X, y = data.blobs(n=n, noise=0.3 + 2 * noise, seed=seed)
        X = X / SCALE
    elif name == "moons":
        X, y = data.moons(n=n, noise=noise, seed=seed)
        X = (X - np.array([0.5, 0.25])) / 1.5  # centred on the origin, as wide as the others
    else:
        X, y = data.toy(name, n=n, noise=noise, seed=seed)
    return SCALE * X, y


def options(choices: Sequence[float], value: float, label: str = "{:g}") -> list[tuple[str, float]]:
    """Dropdown options (label, value) for the choices and value (added if it is not one)."""
    return [(label.format(choice), choice) for choice in sorted({*choices, value})]
