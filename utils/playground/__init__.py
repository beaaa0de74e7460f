"""A neural-network playground in the notebook: TensorFlow Playground's core, driven from Python.

    p = utils.playground.playground(dataset="spirals", hidden=(8, 8), lr=0.03)
    p            # shows it: play/pause, step, reset, data, layers, features, boundary, losses
    p.step(50)   # or train from code; p.train_loss, p.test_loss, p.history

The network is `utils.mlp.MLP` (numpy, backprop by hand). The package: `settings` (defaults,
choices, checks), `render` (the pictures, pure functions), `controls` (the widgets) and here the
`Playground`: its state, training, the play loop, saving and loading. Playing runs as an asyncio
task on the kernel's event loop and waits between frames, so the kernel still handles widget
messages (a new learning rate) while it plays.
"""

from __future__ import annotations

import base64
import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..arguments import integer
from ..mlp import MLP, feature_map
from ..style import is_projector
from . import render
from .controls import Controls
from .render import GRID
from .settings import (
    DATASETS,
    DEFAULTS,
    HIDEABLE,
    LEARNING_RATES,
    MAX_LAYERS,
    MAX_NEURONS,
    NEW_DATA,
    NEW_NETWORK,
    REG_RATES,
    checked,
    points,
)

__all__ = [
    "DATASETS",
    "DEFAULTS",
    "GRID",
    "HIDEABLE",
    "LEARNING_RATES",
    "MAX_LAYERS",
    "MAX_NEURONS",
    "REG_RATES",
    "Playground",
    "playground",
]
FORMAT = "nn-workbook playground"  # the "format" of a saved playground's JSON


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
        self._settings = checked(given)
        big = is_projector()
        # the still picture's pixels per grid cell: PIXEL_RATIO times the largest size shown
        scale = render.PROJECTOR_SCALE if big else 1
        self._scale = round(render.PIXEL_RATIO * scale * render.BOARD / GRID)
        self._radius = round(1.2 * self._scale / 2 + 0.5)  # the points' discs, pixels
        self._playing = False
        self._task = None  # the asyncio task that plays
        self._message = ""
        self.frame_seconds = 1 / 40  # playing starts a frame this often (if training keeps up)
        self.slow_seconds = 0.25  # and redraws the network and the losses at most this often
        self._grid = render.grid_points(GRID)
        self._controls = Controls(self._settings, big)
        self._controls.show(self._settings)
        self._controls.connect(self)
        self._new_data()
        self.reset()

    # -------------------------------------------------------------- what it shows

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
        """The decision boundary with the points as it is now, a PNG at twice the size shown."""
        s = self._settings
        with np.errstate(all="ignore"):
            p = self._model.forward(self._F_grid).reshape(GRID, GRID)
        shown = self._dots if s["show_test_data"] else self._dots[:1]
        return render.boundary_png(p, self._scale, shown, s["discretize"])

    @property
    def controls(self) -> dict[str, Any]:
        """The widgets by name (play, lr, dataset, boundary, features: a dict of checkboxes, ...)."""
        return self._controls.widgets

    @property
    def widget(self) -> Any:
        """The whole playground as one widget (an ipywidgets.VBox)."""
        return self._controls.root

    # -------------------------------------------------------------- changing it

    def update(self, **changes: Any) -> None:
        """Change settings as the controls would (e.g. update(lr=0.1, hidden=(8, 8))) and redraw."""
        new = checked({**self._settings, **changes})
        old, self._settings = self._settings, new
        changed = {k for k in new if new[k] != old[k]}
        if not changed:
            return
        self._controls.show(new)
        if changed & NEW_DATA:
            self._new_data()
        if changed & (NEW_DATA | NEW_NETWORK):
            self.reset()
        else:  # training goes on with the new learning rate, batch size, penalty or view
            self._model.regularization = new["regularization"]
            self._model.reg_rate = new["reg_rate"]
            self.draw()

    def step(self, epochs: int = 1) -> None:
        """Train for this many epochs (minibatch SGD over the training points), then redraw."""
        integer(epochs, "epochs", at_least=0)
        for _ in range(epochs):
            if not self._train_epoch():
                break
        self.draw()

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
        self._controls.show_playing(True)
        self._task = loop.create_task(self._play_loop())

    def pause(self) -> None:
        """Stop playing after the current frame."""
        self._playing = False
        self._controls.show_playing(False)

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
        self._controls.show_layers(s["hidden"], self)
        self.draw()

    def regenerate(self) -> None:
        """New random points (the next seed) and a fresh network."""
        self.update(seed=self._settings["seed"] + 1)

    def notify(self, message: str) -> None:
        """Show a message under the playground (an error from a control, a hint) until the next
        redraw."""
        self._message = message
        self.draw(full=False)

    # -------------------------------------------------------------- drawing

    def draw(self, full: bool = True) -> None:
        """Redraw the boundary and the epoch; if full, the network, the losses and their chart."""
        c, s = self.controls, self._settings
        with np.errstate(all="ignore"):
            outputs = self._model.layer_outputs(self._F_grid)
        p = outputs[-1][:, 0].reshape(GRID, GRID)
        c["boundary"].value = render.heatmap_png(p, s["discretize"])
        c["epoch"].value = render.epoch_html(self._epoch)
        if full:
            images = [self._input_images, *(render.node_images(out) for out in outputs[1:-1])]
            images.append(render.node_images(2.0 * outputs[-1] - 1.0))
            c["network"].value = render.network_svg(images, self._model.weights, s["features"])
            c["loss_plot"].value = render.loss_svg(np.array(self.history))
            c["losses"].value = render.losses_html(*self.history[-1][1:])
            c["points"].value = self._points_svg[s["show_test_data"]]
            c["boundary"].tooltip = render.boundary_text(s["show_test_data"])
        c["message"].value = render.message_html(self._message)
        self._message = ""

    # -------------------------------------------------------------- saving and loading

    def to_json(self, weights: bool = True) -> str:
        """The settings (and with weights=True the network and epoch) as a small JSON text."""
        lines = ["{", f'  "format": "{FORMAT}",', '  "version": 1,', '  "settings": {']
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
        elif found.get("format", FORMAT) != FORMAT:
            raise ValueError(f"not a playground file: format {found.get('format')!r}")
        if not isinstance(found["settings"], dict):
            raise ValueError(f"settings must be a JSON object, got {found['settings']!r}")
        checked(found["settings"])  # names an unknown setting before __init__ would
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

    def _restore(self, state: dict) -> None:
        """Weights, biases and epoch saved by to_json."""
        if not isinstance(state, dict) or not {"weights", "biases"} <= set(state):
            raise ValueError("state must hold 'weights' and 'biases' (and 'epoch')")
        self._model.set_parameters(state["weights"], state["biases"])
        self._epoch = int(state.get("epoch", 0))
        self.history = [(self._epoch, *self._losses())]
        self.draw()

    # -------------------------------------------------------------- showing it

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

    def _new_data(self) -> None:
        """Draw the data set, split it into training and test points, place them in the picture."""
        s = self._settings
        X, y = points(s["dataset"], s["n"], s["noise"], s["seed"])
        k = min(max(1, round(s["train_fraction"] * len(X))), len(X) - 1)
        self._X_train, self._y_train = X[:k], y[:k]
        self._X_test, self._y_test = X[k:], y[k:]
        train = (self._X_train, self._y_train, render.RIM_COLORS[0])
        test = (self._X_test, self._y_test, render.RIM_COLORS[1])
        self._points_svg = {
            False: render.points_svg([train]),
            True: render.points_svg([train, test]),
        }
        size = GRID * self._scale  # the still picture's points
        self._dots = [
            render.dots(self._X_train, self._y_train, size, self._radius, render.WHITE),
            render.dots(self._X_test, self._y_test, size, self._radius, render.DARK),
        ]

    def _features_changed(self) -> None:
        """The inputs for the chosen features, and the input neurons' maps (they never change)."""
        names = self._settings["features"]
        self._F_train = feature_map(self._X_train, names)
        self._F_test = feature_map(self._X_test, names)
        self._F_grid = feature_map(self._grid, names)
        scales = np.maximum(np.abs(self._F_grid).max(axis=0), 1e-12)  # each input its own range
        self._input_images = render.node_images(self._F_grid / scales)

    def _losses(self) -> tuple[float, float]:
        """Mean cross-entropy on the training and the test points."""
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

        A frame starts every frame_seconds (or as soon as the last one is done, if training is
        slower), trains one epoch and redraws the boundary and the epoch; the network diagram and
        the losses are redrawn at most every slow_seconds, which keeps the browser's work small.
        """
        import asyncio

        last_full = -math.inf
        due = time.perf_counter()
        try:
            while self._playing:
                start = time.perf_counter()
                self._train_epoch()
                full = start - last_full >= self.slow_seconds or not self._playing
                self.draw(full=full)
                if full:
                    last_full = start
                due = max(due + self.frame_seconds, time.perf_counter())  # late: no catching up
                await asyncio.sleep(max(0.002, due - time.perf_counter()))
        except Exception as error:  # show it rather than lose it in a task nobody awaits
            self._message = f"Stopped: {type(error).__name__}: {error}"
            self.draw()
        finally:
            self._playing = False
            self._controls.show_playing(False)


def playground(**settings: Any) -> Playground:
    """A Playground with these settings (see Playground); a cell ending in it shows it."""
    return Playground(**settings)
