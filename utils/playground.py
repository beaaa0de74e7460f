"""A neural-network playground in the notebook: TensorFlow Playground's core, driven from Python.

    p = utils.playground.playground(dataset="spiral", hidden=(8, 8), lr=0.03)
    p            # shows it: play/pause, step, reset, data, layers, features, boundary, losses
    p.step(50)   # or train from code; p.train_loss, p.test_loss, p.history

The network is `utils.mlp.MLP` (numpy, backprop by hand). Drawing avoids matplotlib so that a
frame (one epoch of training and a redraw) is cheap: the decision boundary is a numpy array of
colour indices written as a PNG with zlib, and the network and the loss curve are small SVG
drawings (the network's neuron maps are tiny PNGs inside it). Playing runs as an asyncio task
on the kernel's event loop and waits between frames, so the kernel still handles widget
messages (a new learning rate) while it plays.
"""

from __future__ import annotations

import base64
import json
import math
import struct
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import data as _data
from .arguments import is_integer, is_number
from .mlp import ACTIVATIONS, FEATURES, MLP, feature_map
from .style import CLASS_COLORS, is_projector

DATASETS = ("circles", "xor", "gauss", "spiral", "moons")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS = 6
MAX_NEURONS = 8
GRID = 100  # the decision boundary is computed on GRID x GRID points
# Names for `hide`: each hides one control (or a group of them).
HIDEABLE = (
    "dataset",
    "noise",
    "train_fraction",
    "batch_size",
    "regenerate",
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
_NEW_DATA = {"dataset", "noise", "n", "train_fraction", "seed"}  # changing these draws new points
_NEW_NETWORK = {"hidden", "activation", "features"}  # and these start a fresh network
_FORMAT = "nn-workbook playground"
_SCALE = 3.0  # data sets span about [-3, 3], so sin(x1) and x1^2 differ from x1 (as in TF)
_DOMAIN = 4.0  # the picture shows [-4, 4] x [-4, 4]
_FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin(x1)": "sin(x₁)",
    "sin(x2)": "sin(x₂)",
}
_DATASET_LABELS = {
    "circles": "Circle",
    "xor": "XOR",
    "gauss": "Gauss",
    "spiral": "Spiral",
    "moons": "Moons",
}
# utils.data's names and TF Playground's labels work too
_DATASET_ALIASES = {"spirals": "spiral", "blobs": "gauss", "gaussian": "gauss", "circle": "circles"}
_ACTIVATION_LABELS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}

# ---------------------------------------------------------------- settings and their checks


def _validated(settings: dict) -> dict:
    """A complete, checked copy of settings (missing keys take DEFAULTS); clear errors otherwise."""
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise TypeError(
            f"unknown playground setting(s) {unknown}; the settings are {list(DEFAULTS)}"
        )
    s = {**DEFAULTS, **settings}
    s["dataset"] = _DATASET_ALIASES.get(s["dataset"], s["dataset"])
    if s["dataset"] not in DATASETS:
        raise ValueError(f"dataset must be one of {list(DATASETS)}, got {s['dataset']!r}")
    hidden = s["hidden"]
    if not isinstance(hidden, Sequence) or isinstance(hidden, str):
        raise TypeError(f"hidden must be a list of layer sizes such as (4, 4), got {hidden!r}")
    if len(hidden) > MAX_LAYERS or not all(is_integer(k) and 1 <= k <= MAX_NEURONS for k in hidden):
        raise ValueError(
            f"hidden must be 0 to {MAX_LAYERS} layers of 1 to {MAX_NEURONS} neurons,"
            f" got {tuple(hidden)!r}"
        )
    s["hidden"] = tuple(int(k) for k in hidden)
    if s["activation"] not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {s['activation']!r}")
    if not is_number(s["lr"]) or not 0 < s["lr"] <= 100:
        raise ValueError(f"lr must be a number in (0, 100], got {s['lr']!r}")
    if not is_number(s["noise"]) or not 0 <= s["noise"] <= 0.5:
        raise ValueError(f"noise must be a number from 0 to 0.5, got {s['noise']!r}")
    if not is_integer(s["n"]) or not 20 <= s["n"] <= 5000:
        raise ValueError(f"n must be an int from 20 to 5000, got {s['n']!r}")
    if not is_number(s["train_fraction"]) or not 0.1 <= s["train_fraction"] <= 0.9:
        raise ValueError(f"train_fraction must be from 0.1 to 0.9, got {s['train_fraction']!r}")
    if not is_integer(s["batch_size"]) or not 1 <= s["batch_size"] <= 500:
        raise ValueError(f"batch_size must be an int from 1 to 500, got {s['batch_size']!r}")
    reg = s["regularization"]
    if isinstance(reg, str):
        reg = None if reg.lower() == "none" else reg.upper()
    if reg not in (None, "L1", "L2"):
        raise ValueError(f"regularization must be None, 'L1' or 'L2', got {s['regularization']!r}")
    s["regularization"] = reg
    if not is_number(s["reg_rate"]) or not 0 <= s["reg_rate"] <= 100:
        raise ValueError(f"reg_rate must be a number from 0 to 100, got {s['reg_rate']!r}")
    features = s["features"]
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(f"features must be a list of names from {list(FEATURES)}, got {features!r}")
    unknown = [f for f in features if f not in FEATURES]
    if unknown or not features or len(set(features)) != len(features):
        raise ValueError(
            f"features must be one or more of {list(FEATURES)}, each once; got {list(features)}"
        )
    s["features"] = tuple(f for f in FEATURES if f in features)  # the order of the checkboxes
    if not is_integer(s["seed"]) or s["seed"] < 0:
        raise ValueError(f"seed must be an int >= 0, got {s['seed']!r}")
    hide = s["hide"]
    if isinstance(hide, str) or not isinstance(hide, Sequence):
        raise TypeError(f"hide must be a list of control names from {list(HIDEABLE)}, got {hide!r}")
    unknown = [h for h in hide if h not in HIDEABLE]
    if unknown:
        raise ValueError(f"hide: unknown control(s) {unknown}; choose from {list(HIDEABLE)}")
    s["hide"] = tuple(hide)
    for flag in ("show_test_data", "discretize"):
        if not isinstance(s[flag], bool | np.bool_):
            raise TypeError(f"{flag} must be True or False, got {s[flag]!r}")
        s[flag] = bool(s[flag])
    for name in ("lr", "noise", "train_fraction", "reg_rate"):
        s[name] = float(s[name])
    for name in ("n", "batch_size", "seed"):
        s[name] = int(s[name])
    return s


def _dataset(name: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 2) spanning about [-3, 3]^2 and labels {0, 1}, from utils.data's generators."""
    if name == "gauss":  # two Gaussians at (-1.5, -1.5) and (1.5, 1.5); noise widens them
        X, y = _data.blobs(n=n, noise=0.3 + 2 * noise, seed=seed)
        X = X / _SCALE
    elif name == "spiral":
        X, y = _data.spirals(n=n, noise=noise, seed=seed)
    elif name == "moons":
        X, y = _data.moons(n=n, noise=noise, seed=seed)
        X = (X - np.array([0.5, 0.25])) / 1.5  # centred on the origin, as wide as the others
    else:
        X, y = _data.toy(name, n=n, noise=noise, seed=seed)
    return _SCALE * X, y


# ---------------------------------------------------------------- drawing with numpy


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def _diverging(strength: float, levels: int = 256) -> np.ndarray:
    """levels RGB colours from class 0's colour (first) through white (middle) to class 1's (last)."""
    t = np.linspace(-1.0, 1.0, levels)[:, None]
    white = np.full(3, 255.0)
    low, high = _hex_rgb(CLASS_COLORS[0]), _hex_rgb(CLASS_COLORS[1])
    toward = np.where(t < 0, low, high)
    rgb = white + strength * np.abs(t) * (toward - white)
    return np.round(rgb).astype(np.uint8)


_LEVELS = 251  # the boundary's background: 251 light colours, so the points stand out,
_WHITE, _DARK, _DOT = 251, 252, 253  # then the dots' rims and fills (253 + class) in one palette
_PALETTE = np.vstack(
    [
        _diverging(0.6, _LEVELS),
        [[255, 255, 255], [40, 40, 40]],
        [_hex_rgb(CLASS_COLORS[0]), _hex_rgb(CLASS_COLORS[1])],
    ]
).astype(np.uint8)
_NODE = _diverging(1.0)  # neuron maps: full colour


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, tag, body and the CRC of tag and body."""
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))


def _png(rgb: np.ndarray) -> bytes:
    """An RGB uint8 array (h, w, 3) as PNG bytes: no filters, zlib level 1 (fast, still small)."""
    h, w, _ = rgb.shape
    raw = np.zeros((h, 1 + 3 * w), dtype=np.uint8)  # each row starts with filter type 0
    raw[:, 1:] = rgb.reshape(h, 3 * w)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 1))
        + _png_chunk(b"IEND", b"")
    )


def _png_indexed(indices: np.ndarray, palette: np.ndarray) -> bytes:
    """A uint8 array (h, w) of indices into palette (k, 3) as a palette PNG: a third of RGB's bytes."""
    h, w = indices.shape
    raw = np.zeros((h, 1 + w), dtype=np.uint8)
    raw[:, 1:] = indices

    header = struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"PLTE", palette.astype(np.uint8).tobytes())
        + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 1))
        + _png_chunk(b"IEND", b"")
    )


def _colour_index(t: np.ndarray, levels: int = 256) -> np.ndarray:
    """Values t in [-1, 1] (clipped; NaN -> 0) as indices 0..levels-1 into a diverging table."""
    t = np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=-1.0)
    return np.round((np.clip(t, -1.0, 1.0) + 1.0) * (levels - 1) / 2).astype(np.intp)


def _disc(radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel offsets (dy, dx) of a filled disc."""
    r = np.arange(-radius, radius + 1)
    dy, dx = np.meshgrid(r, r, indexing="ij")
    inside = dy**2 + dx**2 <= radius**2 + radius * 0.8
    return dy[inside], dx[inside]


def _pixels(X: np.ndarray, size: int, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """Flat pixel indices of discs around the points X in a size x size picture, and which point."""
    col = np.round((X[:, 0] + _DOMAIN) / (2 * _DOMAIN) * (size - 1)).astype(np.intp)
    row = np.round((_DOMAIN - X[:, 1]) / (2 * _DOMAIN) * (size - 1)).astype(np.intp)
    dy, dx = _disc(radius)
    rows, cols = row[:, None] + dy, col[:, None] + dx
    which = np.broadcast_to(np.arange(len(X))[:, None], rows.shape)
    keep = (rows >= 0) & (rows < size) & (cols >= 0) & (cols < size)
    return (rows * size + cols)[keep], which[keep]


def _fmt(x: float) -> str:
    return "nan" if not math.isfinite(x) else f"{x:.3f}"


# ---------------------------------------------------------------- the playground


class Playground:
    """TensorFlow Playground's core: a numpy MLP on a 2-D data set, with live controls."""

    def __init__(
        self,
        dataset: str = "circles",
        hidden: Sequence[int] = (4, 4),
        activation: str = "tanh",
        lr: float = 0.03,
        noise: float = 0.1,
        n: int = 500,
        train_fraction: float = 0.5,
        batch_size: int = 10,
        regularization: str | None = None,
        reg_rate: float = 0.0,
        features: Sequence[str] = ("x1", "x2"),
        seed: int = 0,
        hide: Sequence[str] = (),
        show_test_data: bool = False,
        discretize: bool = False,
    ):
        given = dict(locals())
        del given["self"]
        self._settings = _validated(given)
        self._big = is_projector()
        self._scale = 5 if self._big else 3  # boundary picture: GRID * scale pixels square
        self._node = 54 if self._big else 34  # neuron maps, pixels
        self._font = 20 if self._big else 12
        self._playing = False
        self._task = None  # the asyncio task that plays
        self._syncing = False
        self._message = ""
        self.frame_seconds = 1 / 30  # playing waits so that frames come at most this often
        self.slow_seconds = 0.25  # and redraws the network and loss curve at most this often
        self._make_grid()
        self._build_widgets()
        self._new_data()
        self.reset()

    # -------------------------------------------------------------- public API

    @property
    def settings(self) -> dict:
        """The current settings (a copy), as Playground(**settings) takes them."""
        s = dict(self._settings)
        s["hidden"], s["features"], s["hide"] = (list(s[k]) for k in ("hidden", "features", "hide"))
        return s

    @property
    def epoch(self) -> int:
        """Epochs trained since the last reset."""
        return self._epoch

    @property
    def train_loss(self) -> float:
        """Mean cross-entropy on the training points (no regularisation term)."""
        return self.history[-1][1]

    @property
    def test_loss(self) -> float:
        """Mean cross-entropy on the test points."""
        return self.history[-1][2]

    @property
    def playing(self) -> bool:
        """Whether it is playing now."""
        return self._playing

    @property
    def model(self) -> MLP:
        """The network being trained (utils.mlp.MLP)."""
        return self._model

    @property
    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(X_train, y_train, X_test, y_test), the points in the picture's coordinates."""
        return self._X_train, self._y_train, self._X_test, self._y_test

    @property
    def png(self) -> bytes:
        """The decision-boundary picture as it is now, PNG bytes."""
        return self._boundary.value

    def update(self, **changes: Any) -> None:
        """Change settings as the controls would (e.g. update(lr=0.1, hidden=(8, 8))) and redraw."""
        new = _validated({**self._settings, **changes})
        old, self._settings = self._settings, new
        changed = {k for k in new if new[k] != old[k]}
        if not changed:
            return
        self._sync_controls()
        if changed & _NEW_DATA:
            self._new_data()
        if changed & (_NEW_DATA | _NEW_NETWORK):
            self.reset()
        else:  # training goes on with the new learning rate, batch size, penalty or view
            self._model.regularization = new["regularization"]
            self._model.reg_rate = new["reg_rate"]
            self._render()

    def step(self, epochs: int = 1) -> None:
        """Train for this many epochs (minibatch SGD over the training points), then redraw."""
        if not is_integer(epochs) or epochs < 0:
            raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
        for _ in range(epochs):
            if not self._train_epoch():
                break
        self._render()

    def play(self) -> None:
        """Train and redraw frame after frame until pause(), without blocking the kernel."""
        import asyncio

        if self._playing:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # plain Python: nothing would run the task; train one frame instead
            self._message = "Playing needs Jupyter's event loop; trained one epoch (use .step())."
            self.step()
            return
        self._playing = True
        self._message = ""
        self._show_play_state()
        self._task = loop.create_task(self._play_loop())

    def pause(self) -> None:
        """Stop playing after the current frame."""
        self._playing = False
        self._show_play_state()

    def reset(self) -> None:
        """New random weights (the same for the same seed), epoch 0, history cleared."""
        s = self._settings
        self._model = MLP(
            len(s["features"]), s["hidden"], s["activation"], s["regularization"], s["reg_rate"]
        )
        self._model.init(s["seed"])
        self._batch_rng = np.random.default_rng(s["seed"] + 1)
        self._epoch = 0
        self._features_changed()
        self.history = [(0, *self._losses())]
        self._draw_network_controls()
        self._render()

    def regenerate(self) -> None:
        """New random points (the next seed) and a fresh network."""
        self.update(seed=self._settings["seed"] + 1)

    def to_json(self, weights: bool = True) -> str:
        """The settings (and with weights=True the network and epoch) as a small JSON text."""
        lines = ["{", f'  "format": "{_FORMAT}",', '  "version": 1,', '  "settings": {']
        items = [f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in self.settings.items()]
        lines.append(",\n".join(items))
        if weights:  # one line per layer, so the file stays readable
            lines += ["  },", '  "state": {', f'    "epoch": {self._epoch},']
            for name, arrays in (("weights", self._model.weights), ("biases", self._model.biases)):
                layers = ",\n".join(f"      {json.dumps(a.tolist())}" for a in arrays)
                end = "," if name == "weights" else ""
                lines.append(f'    "{name}": [\n{layers}\n    ]{end}')
        lines += ["  }", "}"]
        return "\n".join(lines)

    @classmethod
    def from_json(cls, text: str) -> Playground:
        """A playground from to_json's text (or a JSON object of settings alone)."""
        try:
            found = json.loads(text)
        except (TypeError, json.JSONDecodeError) as error:
            raise ValueError(f"text must be the JSON of a playground: {error}") from None
        if not isinstance(found, dict):
            raise ValueError(f"text must hold a JSON object, got {type(found).__name__}")
        if "settings" not in found:
            found = {"settings": found}
        elif found.get("format", _FORMAT) != _FORMAT:
            raise ValueError(f"not a playground file: format {found.get('format')!r}")
        if not isinstance(found["settings"], dict):
            raise ValueError(f"settings must be a JSON object, got {found['settings']!r}")
        _validated(found["settings"])  # names an unknown setting before __init__ would
        playground = cls(**found["settings"])
        if found.get("state"):
            playground._restore(found["state"])
        return playground

    def save(self, path: str | Path, weights: bool = True) -> None:
        """Write to_json() to a file, to load later with Playground.load(path)."""
        Path(path).write_text(self.to_json(weights) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Playground:
        """The playground saved in a JSON file (save() or a hand-written preset)."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        """The live widget, with a still PNG of the boundary for viewers without widgets."""
        still = base64.b64encode(self.png).decode("ascii")
        return {**self.widget._repr_mimebundle_(**kwargs), "image/png": still}

    def _ipython_display_(self) -> None:
        """Show the widget when a cell ends with the playground."""
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)

    def __repr__(self) -> str:
        s = self._settings
        layers = "-".join(str(k) for k in (len(s["features"]), *s["hidden"], 1))
        return f"<Playground {s['dataset']} {layers} {s['activation']}, epoch {self._epoch}>"

    # -------------------------------------------------------------- training

    def _make_grid(self) -> None:
        xs = np.linspace(-_DOMAIN, _DOMAIN, GRID)
        gx, gy = np.meshgrid(xs, xs[::-1])  # row 0 at the top: largest x2
        self._grid = np.column_stack([gx.ravel(), gy.ravel()])

    def _new_data(self) -> None:
        """Draw the data set, split it into training and test points, place them in the picture."""
        s = self._settings
        X, y = _dataset(s["dataset"], s["n"], s["noise"], s["seed"])
        k = min(max(1, round(s["train_fraction"] * len(X))), len(X) - 1)
        self._X_train, self._y_train = X[:k], y[:k]
        self._X_test, self._y_test = X[k:], y[k:]
        size = GRID * self._scale
        radius = 5 if self._big else 3
        self._dots = []
        for points, labels, edge in (
            (self._X_train, self._y_train, _WHITE),
            (self._X_test, self._y_test, _DARK),
        ):
            ring, _ = _pixels(points, size, radius + 1)
            fill, which = _pixels(points, size, radius)
            self._dots.append((ring, edge, fill, (_DOT + labels[which]).astype(np.uint8)))

    def _features_changed(self) -> None:
        names = self._settings["features"]
        self._F_train = feature_map(self._X_train, names)
        self._F_test = feature_map(self._X_test, names)
        self._F_grid = feature_map(self._grid, names)
        self._input_images = None  # the input nodes' pictures, drawn on first use

    def _losses(self) -> tuple[float, float]:
        return (
            self._model.data_loss(self._F_train, self._y_train),
            self._model.data_loss(self._F_test, self._y_test),
        )

    def _train_epoch(self) -> bool:
        """One pass over the training points in shuffled minibatches; False if training diverged."""
        lr, size = self._settings["lr"], self._settings["batch_size"]
        order = self._batch_rng.permutation(len(self._F_train))
        with np.errstate(all="ignore"):
            for start in range(0, len(order), size):
                rows = order[start : start + size]
                self._model.sgd_step(self._F_train[rows], self._y_train[rows], lr)
            self._epoch += 1
            train, test = self._losses()
        self.history.append((self._epoch, train, test))
        if not (math.isfinite(train) and math.isfinite(test)):
            self._message = "Training diverged: lower the learning rate and press Reset."
            self._playing = False
            return False
        return True

    async def _play_loop(self) -> None:
        """Frames until paused; awaits between them so the kernel handles widget messages.

        Every frame trains one epoch and redraws the boundary and the numbers; the network
        diagram and the loss curve are redrawn at most every slow_seconds, which keeps the
        browser's work per frame small.
        """
        import asyncio

        last_full = 0.0
        try:
            while self._playing:
                start = time.perf_counter()
                self._train_epoch()
                full = start - last_full >= self.slow_seconds or not self._playing
                self._render(full=full)
                if full:
                    last_full = start
                spent = time.perf_counter() - start
                await asyncio.sleep(max(0.004, self.frame_seconds - spent))
        except Exception as error:  # show it rather than lose it in a task nobody awaits
            self._message = f"Stopped: {type(error).__name__}: {error}"
            self._render()
        finally:
            self._playing = False
            self._show_play_state()

    def _restore(self, state: dict) -> None:
        """Weights, biases and epoch saved by to_json."""
        if not isinstance(state, dict) or not {"weights", "biases"} <= set(state):
            raise ValueError("state must hold 'weights' and 'biases' (and 'epoch')")
        self._model.set_parameters(state["weights"], state["biases"])
        self._epoch = int(state.get("epoch", 0))
        self.history = [(self._epoch, *self._losses())]
        self._render()

    # -------------------------------------------------------------- widgets

    def _build_widgets(self) -> None:
        import ipywidgets as w

        s = self._settings
        px = f"{self._font}px"

        def button(**kwargs: Any) -> w.Button:  # each widget its own Layout, so hiding one works
            return w.Button(layout=w.Layout(width="auto"), style={"font_size": px}, **kwargs)

        c: dict[str, Any] = {}
        c["play"] = button(description="Play", icon="play", button_style="success")
        c["step"] = button(description="Step", icon="step-forward")
        c["reset"] = button(description="Reset", icon="undo")
        c["epoch"] = w.HTML()
        c["lr"] = w.Dropdown(description="Learning rate", options=self._lr_options(s["lr"]))
        c["activation"] = w.Dropdown(
            description="Activation", options=[(v, k) for k, v in _ACTIVATION_LABELS.items()]
        )
        c["regularization"] = w.Dropdown(
            description="Regularization", options=[("None", "none"), ("L1", "L1"), ("L2", "L2")]
        )
        c["reg_rate"] = w.Dropdown(
            description="Reg. rate", options=self._rate_options(s["reg_rate"])
        )
        for name in ("lr", "activation", "regularization", "reg_rate"):
            c[name].style.description_width = "initial"
            c[name].layout.width = "auto"
        c["dataset"] = w.ToggleButtons(
            options=[(v, k) for k, v in _DATASET_LABELS.items()],
            style={"button_width": "96px" if self._big else "72px"},
        )

        def slider(**kwargs: Any) -> w.IntSlider:
            return w.IntSlider(
                continuous_update=False,
                style={"description_width": "initial"},
                layout=w.Layout(width="98%"),
                **kwargs,
            )

        c["train_fraction"] = slider(description="Training data %", min=10, max=90, step=5)
        c["noise"] = slider(description="Noise %", min=0, max=50, step=5)
        c["batch_size"] = slider(description="Batch size", min=1, max=30)
        c["regenerate"] = button(description="Regenerate", icon="refresh")
        c["features"] = {
            name: w.Checkbox(description=label, indent=False, layout=w.Layout(width="auto"))
            for name, label in _FEATURE_LABELS.items()
        }
        c["add_layer"] = button(icon="plus", tooltip="add a hidden layer")
        c["remove_layer"] = button(icon="minus", tooltip="remove a hidden layer")
        c["layers_label"] = w.HTML()
        c["neurons"] = w.HBox()  # +/- per hidden layer, rebuilt when the layers change
        c["network"] = w.HTML()
        c["losses"] = w.HTML()
        c["loss_plot"] = w.HTML()
        size = GRID * self._scale
        c["boundary"] = w.Image(format="png", width=size, height=size)

        def checkbox(description: str) -> w.Checkbox:
            layout = w.Layout(width="auto", margin="0 16px 0 0")
            return w.Checkbox(description=description, indent=False, layout=layout)

        c["test_data"] = checkbox("Show test data")
        c["discretize"] = checkbox("Discretize output")
        c["message"] = w.HTML()
        self.controls = c
        self._boundary = c["boundary"]

        for name, control in c.items():  # CSS classes for browser tests: nnw-play, nnw-lr, ...
            if name != "features":
                control.add_class(f"nnw-{name.replace('_', '-')}")
        for name, box in c["features"].items():  # nnw-feature-x1, nnw-feature-sin-x1, ...
            slug = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-")
            box.add_class(f"nnw-feature-{slug}".replace("--", "-"))

        def heading(text: str) -> w.HTML:
            return w.HTML(f"<b style='letter-spacing:.05em'>{text}</b>")

        self._groups = {
            "dataset": [c["dataset"]],
            "noise": [c["noise"]],
            "train_fraction": [c["train_fraction"]],
            "batch_size": [c["batch_size"]],
            "regenerate": [c["regenerate"]],
            "layers": [c["add_layer"], c["remove_layer"], c["neurons"]],
            "activation": [c["activation"]],
            "lr": [c["lr"]],
            "regularization": [c["regularization"], c["reg_rate"]],
            "features": [],  # the features box, below
            "test_data": [c["test_data"]],
            "discretize": [c["discretize"]],
            "step": [c["step"]],
            "reset": [c["reset"]],
        }
        top = w.HBox(
            [
                c["play"],
                c["step"],
                c["reset"],
                c["epoch"],
                c["lr"],
                c["activation"],
                c["regularization"],
                c["reg_rate"],
            ],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        data_box = w.VBox(
            [
                heading("DATA"),
                c["dataset"],
                c["train_fraction"],
                c["noise"],
                c["batch_size"],
                c["regenerate"],
            ],
            layout=w.Layout(width="330px" if self._big else "250px"),
        )
        features_box = w.VBox(
            [heading("FEATURES"), *c["features"].values()],
            layout=w.Layout(width="auto", margin="0 12px 0 0"),
        )
        self._groups["features"] = [features_box]
        network_box = w.VBox(
            [
                w.HBox(
                    [c["add_layer"], c["remove_layer"], c["layers_label"]],
                    layout=w.Layout(align_items="center"),
                ),
                c["neurons"],
                c["network"],
            ]
        )
        output_box = w.VBox(
            [
                heading("OUTPUT"),
                c["losses"],
                c["loss_plot"],
                c["boundary"],
                w.HBox([c["test_data"], c["discretize"]]),
            ]
        )
        middle = w.HBox(
            [data_box, features_box, network_box, output_box],
            layout=w.Layout(flex_flow="row wrap"),
        )
        font, height = self._font, int(self._font * 2.1)
        style = w.HTML(
            f"<style>.nnw-playground {{ --jp-widgets-font-size: {font}px;"
            f" --jp-widgets-inline-height: {height}px; font-size: {font}px; }}"
            " .nnw-boundary { border: 1px solid #ccc; }</style>"
        )
        self.widget = w.VBox([style, top, middle, c["message"]])
        self.widget.add_class("nnw-playground")
        if self._big:
            self.widget.add_class("nnw-projector")

        self._sync_controls()
        self._connect()

    @staticmethod
    def _lr_options(lr: float) -> list[tuple[str, float]]:
        rates = sorted({*LEARNING_RATES, lr})
        return [(f"{r:g}", r) for r in rates]

    @staticmethod
    def _rate_options(rate: float) -> list[tuple[str, float]]:
        rates = sorted({*REG_RATES, rate})
        return [(f"{r:g}", r) for r in rates]

    def _sync_controls(self) -> None:
        """Make every control show the current settings (without reacting to itself)."""
        c, s = self.controls, self._settings
        self._syncing = True
        try:
            c["lr"].options = self._lr_options(s["lr"])
            c["lr"].value = s["lr"]
            c["reg_rate"].options = self._rate_options(s["reg_rate"])
            c["reg_rate"].value = s["reg_rate"]
            c["activation"].value = s["activation"]
            c["regularization"].value = s["regularization"] or "none"
            c["dataset"].value = s["dataset"]
            c["train_fraction"].value = round(100 * s["train_fraction"])
            c["noise"].value = round(100 * s["noise"])
            c["batch_size"].max = max(30, s["batch_size"])
            c["batch_size"].value = s["batch_size"]
            for name, box in c["features"].items():
                box.value = name in s["features"]
            c["test_data"].value = s["show_test_data"]
            c["discretize"].value = s["discretize"]
            c["reg_rate"].disabled = s["regularization"] is None
        finally:
            self._syncing = False
        hidden = set(s["hide"])
        if "data" in hidden:
            hidden |= {"dataset", "noise", "train_fraction", "batch_size", "regenerate"}
        for name, group in self._groups.items():
            for widget in group:
                widget.layout.display = "none" if name in hidden else None

    def _connect(self) -> None:
        """Controls change settings; buttons call methods."""
        c = self.controls

        def setter(name: str, convert=lambda v: v):
            def changed(change: dict) -> None:
                if not self._syncing:
                    self._guarded(self.update, **{name: convert(change["new"])})

            return changed

        for name in ("lr", "activation", "regularization", "reg_rate", "dataset", "batch_size"):
            c[name].observe(setter(name), names="value")
        c["train_fraction"].observe(setter("train_fraction", lambda v: v / 100), names="value")
        c["noise"].observe(setter("noise", lambda v: v / 100), names="value")
        c["test_data"].observe(setter("show_test_data"), names="value")
        c["discretize"].observe(setter("discretize"), names="value")

        def feature_changed(change: dict) -> None:
            if self._syncing:
                return
            chosen = [name for name, box in c["features"].items() if box.value]
            if not chosen:  # keep at least one input
                self._message = "The network needs at least one input feature."
                self._sync_controls()
                self._render()
                return
            self._guarded(self.update, features=chosen)

        for box in c["features"].values():
            box.observe(feature_changed, names="value")

        c["play"].on_click(lambda _: self._guarded(self.pause if self._playing else self.play))
        c["step"].on_click(lambda _: self._guarded(self._step_button))
        c["reset"].on_click(lambda _: self._guarded(self.reset))
        c["regenerate"].on_click(lambda _: self._guarded(self.regenerate))
        c["add_layer"].on_click(lambda _: self._guarded(self._change_layers, +1))
        c["remove_layer"].on_click(lambda _: self._guarded(self._change_layers, -1))

    def _guarded(self, method, *args: Any, **kwargs: Any) -> None:
        """Call method for a control; show an error under the widget instead of losing it."""
        try:
            method(*args, **kwargs)
        except Exception as error:
            self._message = f"{type(error).__name__}: {error}"
            self._render()

    def _step_button(self) -> None:
        self.pause()
        self.step()

    def _change_layers(self, by: int) -> None:
        hidden = list(self._settings["hidden"])
        if by > 0 and len(hidden) < MAX_LAYERS:
            hidden.append(hidden[-1] if hidden else 4)
        elif by < 0 and hidden:
            hidden.pop()
        self.update(hidden=hidden)

    def _change_neurons(self, layer: int, by: int) -> None:
        hidden = list(self._settings["hidden"])
        hidden[layer] = min(MAX_NEURONS, max(1, hidden[layer] + by))
        self.update(hidden=hidden)

    def _show_play_state(self) -> None:
        play = self.controls["play"]
        play.description, play.icon = ("Pause", "pause") if self._playing else ("Play", "play")
        play.button_style = "warning" if self._playing else "success"

    # -------------------------------------------------------------- drawing

    def _geometry(self) -> dict:
        """Where the network's columns and nodes go in the SVG."""
        s = self._settings
        columns = [len(s["features"]), *s["hidden"], 1]
        node = self._node
        left = 4.2 * self._font  # room for the feature names
        spacing = max(node + 2.2 * self._font, min(3 * node, 520 / max(1, len(columns) - 1)))
        top = 2.2 * self._font
        row = node + 0.35 * node
        return {
            "columns": columns,
            "x": [left + i * spacing for i in range(len(columns))],
            "y": lambda j: top + j * row,
            "spacing": spacing,
            "width": left + (len(columns) - 1) * spacing + node + 8,
            "height": top + max(columns) * row,
        }

    def _draw_network_controls(self) -> None:
        """The +/- buttons above each hidden layer, placed over its column of the SVG."""
        import ipywidgets as w

        g, hidden = self._geometry(), self._settings["hidden"]
        n = len(hidden)
        self.controls["layers_label"].value = f"<b>{n} HIDDEN LAYER{'' if n == 1 else 'S'}</b>"
        key = (hidden, g["x"][1] if hidden else 0, g["spacing"])
        if key == getattr(self, "_neuron_buttons_for", None):
            return
        self._neuron_buttons_for = key
        for old in self.controls["neurons"].children:  # close the old buttons' comms
            for child in getattr(old, "children", ()):
                child.close()
            old.close()
        style = {"font_size": f"{self._font}px"}
        width = f"{int(1.1 * self._node)}px"
        groups = [w.HTML(layout=w.Layout(width=f"{g['x'][1] if hidden else 0:.0f}px"))]
        for i, _ in enumerate(hidden):
            plus, minus = (
                w.Button(
                    icon=icon,
                    tooltip=f"{verb} a neuron",
                    style=style,
                    layout=w.Layout(width=width, padding="0"),
                )
                for icon, verb in (("plus", "add"), ("minus", "remove"))
            )
            plus.add_class("nnw-add-neuron")
            minus.add_class("nnw-remove-neuron")
            plus.on_click(lambda _, i=i: self._guarded(self._change_neurons, i, +1))
            minus.on_click(lambda _, i=i: self._guarded(self._change_neurons, i, -1))
            groups.append(w.HBox([plus, minus], layout=w.Layout(width=f"{g['spacing']:.0f}px")))
        self.controls["neurons"].children = groups if hidden else []

    def _render(self, full: bool = True) -> None:
        """Redraw what training changes: boundary and numbers; if full, network and loss curve."""
        with np.errstate(all="ignore"):
            outputs = self._model.layer_outputs(self._F_grid)
        p = outputs[-1][:, 0].reshape(GRID, GRID)
        self._boundary.value = self._boundary_png(p)
        if full:
            self.controls["network"].value = self._network_svg(outputs)
            self.controls["loss_plot"].value = self._loss_svg()
        self.controls["epoch"].value = (
            f"<span style='font-size:{1.4 * self._font:.0f}px'>Epoch"
            f" <b style='font-family:monospace'>{self._epoch:07,d}</b></span>"
        )
        train, test = self.history[-1][1:]
        self.controls["losses"].value = (
            f"Test loss <b class='nnw-test-loss'>{_fmt(test)}</b><br>"
            f"Training loss <b class='nnw-train-loss'>{_fmt(train)}</b>"
        )
        message = self._message
        self.controls["message"].value = (
            f"<span style='color:{CLASS_COLORS[3]}'>{message}</span>" if message else ""
        )
        self._message = ""

    def _boundary_png(self, p: np.ndarray) -> bytes:
        """The probability map as a light heatmap, with the points on top, as PNG."""
        s = self._settings
        if s["discretize"]:
            t = np.where(p >= 0.5, 1.0, -1.0)
        else:
            t = 2.0 * p - 1.0
        small = _colour_index(t, _LEVELS).astype(np.uint8)
        k = self._scale
        picture = np.repeat(np.repeat(small, k, axis=0), k, axis=1)
        flat = picture.reshape(-1)
        groups = self._dots if s["show_test_data"] else self._dots[:1]
        for ring, edge, fill, colours in groups:
            flat[ring] = edge
            flat[fill] = colours
        return _png_indexed(picture, _PALETTE)

    @staticmethod
    def _node_images(out: np.ndarray, scales: np.ndarray) -> list[str]:
        """Each column of a layer's output over the picture, as a small data-URI PNG."""
        step = 4  # 25 x 25 pixels, enlarged by the browser
        values = out.reshape(GRID, GRID, -1)[::step, ::step] / scales
        rgb = _NODE[_colour_index(values)]
        return [
            "data:image/png;base64," + base64.b64encode(_png(rgb[:, :, j])).decode("ascii")
            for j in range(out.shape[1])
        ]

    def _network_svg(self, outputs: list[np.ndarray]) -> str:
        """Nodes (each a map of its output over the picture) and links coloured and sized by weight."""
        g = self._geometry()
        node, font = self._node, self._font
        weights = self._model.weights
        parts = []
        # links first, so the nodes cover their ends
        for layer, W in enumerate(weights):
            x0, x1 = g["x"][layer] + node, g["x"][layer + 1]
            mid = (x0 + x1) / 2
            for i, j in np.ndindex(W.shape):
                wij = W[i, j]
                if not math.isfinite(wij):
                    continue
                ya, yb = g["y"](i) + node / 2, g["y"](j) + node / 2
                colour = CLASS_COLORS[1] if wij > 0 else CLASS_COLORS[0]
                width = min(0.5 + 3.0 * abs(wij), 9.0) * (1.5 if self._big else 1.0)
                if wij == 0:
                    continue
                parts.append(
                    f"<path d='M{x0:.1f},{ya:.1f} C{mid:.1f},{ya:.1f} {mid:.1f},{yb:.1f}"
                    f" {x1:.1f},{yb:.1f}' stroke='{colour}' stroke-width='{width:.2f}'"
                    f" fill='none' opacity='0.75'><title>weight {wij:.3f}</title></path>"
                )
        names = self._settings["features"]
        for layer, out in enumerate(outputs):
            x = g["x"][layer]
            if layer == 0:  # inputs: scaled by their own range so every map shows its pattern
                if self._input_images is None:  # they never change: draw them once
                    scales = np.maximum(np.abs(out).max(axis=0), 1e-12)
                    self._input_images = self._node_images(out, scales)
                images = self._input_images
            elif layer == len(outputs) - 1:
                images = self._node_images(2.0 * out - 1.0, np.ones(1))
            else:
                images = self._node_images(out, np.ones(out.shape[1]))
            for j, href in enumerate(images):
                y = g["y"](j)
                parts.append(
                    f"<image x='{x:.1f}' y='{y:.1f}' width='{node}' height='{node}'"
                    f" href='{href}' preserveAspectRatio='none'"
                    " style='image-rendering:pixelated'/>"
                    f"<rect x='{x:.1f}' y='{y:.1f}' width='{node}' height='{node}'"
                    " fill='none' stroke='#555' stroke-width='1'/>"
                )
                if layer == 0:
                    label = _FEATURE_LABELS[names[j]]
                    parts.append(
                        f"<text x='{x - 6:.1f}' y='{y + node / 2 + font / 3:.1f}'"
                        f" text-anchor='end' font-size='{font}'>{label}</text>"
                    )
            if 0 < layer < len(outputs) - 1:
                k = out.shape[1]
                parts.append(
                    f"<text x='{x + node / 2:.1f}' y='{font * 1.3:.1f}' text-anchor='middle'"
                    f" font-size='{font * 0.9:.0f}'>{k} neuron{'' if k == 1 else 's'}</text>"
                )
        parts.append(
            f"<text x='{g['x'][-1] + node / 2:.1f}' y='{font * 1.3:.1f}' text-anchor='middle'"
            f" font-size='{font * 0.9:.0f}'>output</text>"
        )
        return (
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{g['width']:.0f}'"
            f" height='{g['height']:.0f}' font-family='sans-serif'>{''.join(parts)}</svg>"
        )

    def _loss_svg(self) -> str:
        """Training (grey) and test (black) loss against epoch, as a small SVG."""
        width, height = GRID * self._scale, (110 if self._big else 70)
        history = np.array(self.history, dtype=np.float64)
        if len(history) > 300:  # keep the drawing small: about 300 points
            history = history[np.linspace(0, len(history) - 1, 300).round().astype(int)]
        losses = np.nan_to_num(history[:, 1:], nan=0.0, posinf=0.0)
        top = max(float(losses.max()), 1e-9)
        epochs = history[:, 0]
        span = max(epochs[-1] - epochs[0], 1.0)
        x = (epochs - epochs[0]) / span * (width - 2) + 1
        lines = []
        for column, colour in ((1, "#999999"), (2, "#000000")):
            y = height - 1 - losses[:, column - 1] / top * (height - 2)
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
            stroke = 3 if self._big else 1.5
            lines.append(
                f"<polyline points='{points}' fill='none' stroke='{colour}'"
                f" stroke-width='{stroke}'/>"
            )
        return (
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}'>"
            f"<rect width='{width}' height='{height}' fill='#f7f7f7'/>{''.join(lines)}</svg>"
        )


def playground(**settings: Any) -> Playground:
    """A Playground with these settings (see Playground); a cell ending in it shows it."""
    return Playground(**settings)
