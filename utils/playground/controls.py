"""The playground's widgets: building them, laying them out, keeping them in step with the settings.

Layout is CSS (below): a toolbar over three columns (data and features, the network, the output)
that sit side by side in about 800 CSS px, so they fit JupyterLab's notebook at a 1280 px window,
and stack in one column on a screen narrower than 900 px. Projector mode multiplies every size by
render.PROJECTOR_SCALE on a screen at least 1600 px wide (the CSS variable --nnw-pg-scale).
Every text takes the theme's colour (utils.theme); every control has an accessible name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..accessibility import picture
from . import render
from .settings import (
    ACTIVATION_LABELS,
    BATCH_SIZES,
    DATASET_LABELS,
    FEATURE_LABELS,
    LEARNING_RATES,
    NOISE_PERCENTS,
    REG_RATES,
    TRAIN_PERCENTS,
    hidden_controls,
    layers_changed,
    neurons_changed,
    options,
)

if TYPE_CHECKING:
    import ipywidgets

    from . import Playground

S = f"var({render.SCALE_VAR}, 1)"  # the page's scale, for CSS sizes


def scaled(px: float) -> str:
    """A CSS length: px CSS pixels times the page's scale."""
    return f"calc({px:g}px * {S})"


DATA_WIDTH = 180  # the data-and-features column, CSS px
PLAY_WIDTH = 84  # CSS px: Play and Pause take the same room, so the toolbar never moves
# Play's green and Pause's orange are darker than ipywidgets', for white text at >= 4.5:1
CSS = f"""
.nnw-widget.nnw-playground {{ {render.SCALE_VAR}: 1; font-size: {scaled(13)};
  --jp-widgets-font-size: {scaled(13)}; --jp-widgets-inline-height: {scaled(28)};
  --jp-widgets-inline-width-short: {scaled(70)}; overflow: visible; max-width: 100%; }}
@media (min-width: 1600px) {{
  .nnw-widget.nnw-playground.nnw-projector {{ {render.SCALE_VAR}: {render.PROJECTOR_SCALE}; }} }}
.nnw-playground .widget-box {{ overflow: visible; }}
.nnw-playground .nnw-pg-toolbar, .nnw-playground .nnw-pg-columns {{ flex-wrap: wrap;
  column-gap: {scaled(12)}; row-gap: 4px; align-items: flex-start; }}
.nnw-playground .nnw-pg-toolbar > .widget-box {{ align-items: center; }}
@media (max-width: 899px) {{ .nnw-playground .nnw-pg-columns {{ flex-direction: column; }} }}
.nnw-playground .nnw-pg-data {{ width: {scaled(DATA_WIDTH)}; max-width: 100%; }}
.nnw-playground .nnw-pg-output {{ width: {scaled(render.OUTPUT_WIDTH)}; max-width: 100%; }}
.nnw-playground .nnw-pg-network {{ min-width: 0; max-width: 100%; }}
.nnw-playground .nnw-pg-heading {{ font-weight: bold; letter-spacing: .05em; }}
.nnw-playground .nnw-play {{ flex: none; }}
.nnw-playground .nnw-play.mod-success {{ background-color: #2e7d32; color: #fff; }}
.nnw-playground .nnw-play.mod-warning {{ background-color: #a84d00; color: #fff; }}
.nnw-playground .nnw-pg-board > .widget-html {{ flex: none; width: {scaled(render.AXIS)}; }}
.nnw-playground .nnw-epoch {{ width: {scaled(150)}; flex: none; }}
.nnw-playground .nnw-epoch b {{ font-family: monospace; }}
.nnw-playground .nnw-dataset > div {{ display: flex; flex-wrap: wrap; gap: 2px; }}
.nnw-playground .nnw-dataset .jupyter-button {{ width: {scaled(56)}; margin: 0; padding: 0 2px; }}
.nnw-playground :is(.nnw-add-layer, .nnw-add-neuron)::before {{ content: "+" / ""; }}
.nnw-playground :is(.nnw-remove-layer, .nnw-remove-neuron)::before {{ content: "−" / ""; }}
.nnw-playground :is(.nnw-add-layer, .nnw-remove-layer) {{ font-size: 1.2em; font-weight: bold;
  padding: 0; }}
.nnw-playground .nnw-neuron-button {{ font-weight: bold; height: {scaled(20)}; padding: 0;
  margin: 0 1px; font-size: {scaled(11)}; }}
.nnw-playground .nnw-pg-stack {{ display: grid; box-shadow: 0 0 0 1px var(--jp-border-color1, #bbb); }}
.nnw-playground .nnw-pg-stack > * {{ grid-area: 1 / 1; margin: 0; }}
.nnw-playground :is(.nnw-pg-output, .nnw-pg-board) > .widget-html {{ margin-left: 0;
  margin-right: 0; }}
.nnw-playground .nnw-points {{ pointer-events: none; }}
.nnw-playground img.nnw-boundary {{ width: {scaled(render.BOARD)}; height: auto;
  aspect-ratio: 1; max-width: 100%; image-rendering: pixelated; }}
.nnw-playground svg {{ display: block; }}
.nnw-playground input[type="checkbox"] {{ width: {scaled(14)}; height: {scaled(14)}; }}
.nnw-playground .nnw-pg-board {{ align-items: flex-start; }}
"""


def _button(description: str, icon: str, tooltip: str, width: str = "auto") -> ipywidgets.Button:
    """A button with a text, an icon and a tooltip (an icon-only button's accessible name)."""
    import ipywidgets as w

    return w.Button(
        description=description, icon=icon, tooltip=tooltip, layout=w.Layout(width=width)
    )


def _dropdown(
    description: str, choices: list, label_width: str = "initial", width: str = "auto"
) -> ipywidgets.Dropdown:
    """A dropdown named by its label (the <label> is tied to the <select>)."""
    import ipywidgets as w

    style = {"description_width": label_width}
    return w.Dropdown(
        description=description, options=choices, style=style, layout=w.Layout(width=width)
    )


def _checkbox(description: str) -> ipywidgets.Checkbox:
    """A checkbox named by its label."""
    import ipywidgets as w

    return w.Checkbox(description=description, indent=False, layout=w.Layout(width="auto"))


def _heading(text: str) -> ipywidgets.HTML:
    """A column's heading."""
    import ipywidgets as w

    heading = w.HTML(text)
    heading.add_class("nnw-pg-heading")
    return heading


def _row(css_class: str, *children: ipywidgets.Widget) -> ipywidgets.HBox:
    """An HBox with a class for the style sheet (layout lives there, not in inline styles)."""
    import ipywidgets as w

    box = w.HBox(children)
    box.add_class(css_class)
    return box


def _column(css_class: str, *children: ipywidgets.Widget) -> ipywidgets.VBox:
    """A VBox with a class for the style sheet."""
    import ipywidgets as w

    box = w.VBox(children)
    box.add_class(css_class)
    return box


def _slug(name: str) -> str:
    """A setting or feature name as a CSS class suffix: 'sin(x1)' -> 'sin-x1'."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug


class Controls:
    """The playground's widgets (`widgets`, by name), its root (`root`), and their upkeep."""

    def __init__(self, settings: dict, projector: bool):
        import ipywidgets as w

        from ..theme import style_widget

        c: dict[str, Any] = {}
        c["play"] = _button("Play", "play", "Train epoch after epoch, or pause", scaled(PLAY_WIDTH))
        c["play"].button_style = "success"
        c["step"] = _button("Step", "step-forward", "Train one epoch")
        c["reset"] = _button("Reset", "undo", "New random weights, epoch 0")
        c["epoch"] = w.HTML()
        c["lr"] = _dropdown("Learning rate", options(LEARNING_RATES, settings["lr"]))
        c["activation"] = _dropdown("Activation", [(v, k) for k, v in ACTIVATION_LABELS.items()])
        c["regularization"] = _dropdown(
            "Regularization", [("None", "none"), ("L1", "L1"), ("L2", "L2")]
        )
        c["reg_rate"] = _dropdown("Rate", options(REG_RATES, settings["reg_rate"]))
        c["dataset"] = w.ToggleButtons(
            options=[(label, name) for name, label in DATASET_LABELS.items()],
            tooltips=[f"The {label.lower()} data set" for label in DATASET_LABELS.values()],
        )
        data = {"train_fraction": "Training data", "noise": "Noise", "batch_size": "Batch size"}
        for name, label in data.items():  # labels in a fixed width, so the column aligns
            c[name] = _dropdown(label, [], scaled(96), "100%")
        c["regenerate"] = _button("Regenerate", "refresh", "New random points")
        c["features"] = {name: _checkbox(label) for name, label in FEATURE_LABELS.items()}
        c["add_layer"] = _button("", "", "Add a hidden layer", scaled(32))
        c["remove_layer"] = _button("", "", "Remove a hidden layer", scaled(32))
        c["layers_label"] = w.HTML()
        c["neurons"] = w.HBox()  # +/- per hidden layer, rebuilt when the layers change
        c["network"] = w.HTML()
        c["losses"] = w.HTML()
        c["loss_plot"] = w.HTML()
        c["boundary"] = picture()  # the heatmap; the points lie over it
        c["points"] = w.HTML()
        c["test_data"] = _checkbox("Show test data")
        c["discretize"] = _checkbox("Discretize output")
        c["message"] = w.HTML()
        for name, control in c.items():  # CSS classes for browser tests: nnw-play, nnw-lr, ...
            if name != "features":
                control.add_class(f"nnw-{_slug(name)}")
        for name, box in c["features"].items():  # nnw-feature-x1, nnw-feature-sin-x1, ...
            box.add_class(f"nnw-feature-{_slug(name)}")
        self.widgets = c
        self.root = self._layout(c, projector, style_widget())
        self._syncing = False
        self._neurons_for: tuple | None = None

    def _layout(self, c: dict, projector: bool, theme: ipywidgets.Widget) -> ipywidgets.VBox:
        """The toolbar over the three columns, with the style sheets and the message."""
        import ipywidgets as w

        y_axis, x_axis = render.boundary_axes()
        features = _column("nnw-pg-features", _heading("FEATURES"), *c["features"].values())
        data = (c["dataset"], c["train_fraction"], c["noise"], c["batch_size"], c["regenerate"])
        layers = _row("nnw-pg-layers", c["add_layer"], c["remove_layer"], c["layers_label"])
        board = _row(
            "nnw-pg-board", w.HTML(y_axis), _row("nnw-pg-stack", c["boundary"], c["points"])
        )
        columns = _row(
            "nnw-pg-columns",
            _column("nnw-pg-data", _heading("DATA"), *data, features),
            _column("nnw-pg-network", layers, c["neurons"], c["network"]),
            _column(
                "nnw-pg-output",
                *(_heading("OUTPUT"), c["losses"], c["loss_plot"], board, w.HTML(x_axis)),
                _row("nnw-pg-view", c["test_data"], c["discretize"]),
            ),
        )
        toolbar = _row(
            "nnw-pg-toolbar",
            _row("nnw-pg-run", c["play"], c["step"], c["reset"], c["epoch"]),
            _row("nnw-pg-train", c["lr"], c["activation"], c["regularization"], c["reg_rate"]),
        )
        sheet = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(display="none"))
        root = _column("nnw-widget", theme, sheet, toolbar, columns, c["message"])
        root.add_class("nnw-playground")
        if projector:
            root.add_class("nnw-projector")
        singles = ("dataset", "noise", "train_fraction", "batch_size", "regenerate", "activation")
        singles += ("lr", "test_data", "discretize", "step", "reset")
        self._groups = {name: [c[name]] for name in singles}  # what each name in `hide` hides
        self._groups["layers"] = [c["add_layer"], c["remove_layer"], c["neurons"]]
        self._groups["regularization"] = [c["regularization"], c["reg_rate"]]
        self._groups["features"] = [features]
        return root

    def show(self, settings: dict) -> None:
        """Make every control show these settings (without reacting to itself), hide what
        settings["hide"] names."""
        c, s = self.widgets, settings
        self._syncing = True
        try:
            c["lr"].options = options(LEARNING_RATES, s["lr"])
            c["lr"].value = s["lr"]
            c["reg_rate"].options = options(REG_RATES, s["reg_rate"])
            c["reg_rate"].value = s["reg_rate"]
            c["activation"].value = s["activation"]
            c["regularization"].value = s["regularization"] or "none"
            c["dataset"].value = s["dataset"]
            for name, choices in (("train_fraction", TRAIN_PERCENTS), ("noise", NOISE_PERCENTS)):
                percent = round(100 * s[name])
                c[name].options = options(choices, percent, "{:g}%")
                c[name].value = percent
            c["batch_size"].options = options(BATCH_SIZES, s["batch_size"])
            c["batch_size"].value = s["batch_size"]
            for name, box in c["features"].items():
                box.value = name in s["features"]
            c["test_data"].value = s["show_test_data"]
            c["discretize"].value = s["discretize"]
            c["reg_rate"].disabled = s["regularization"] is None
        finally:
            self._syncing = False
        hidden = hidden_controls(s["hide"])
        for name, group in self._groups.items():
            for widget in group:
                widget.layout.display = "none" if name in hidden else None

    def show_playing(self, playing: bool) -> None:
        """Play turns into Pause while it plays, and back (the button keeps its width)."""
        play = self.widgets["play"]
        play.description, play.icon = ("Pause", "pause") if playing else ("Play", "play")
        play.button_style = "warning" if playing else "success"

    def show_layers(self, hidden: tuple[int, ...], playground: Playground) -> None:
        """The layer count, and +/- buttons above each hidden layer's column of the network."""
        import ipywidgets as w

        n = len(hidden)
        self.widgets["layers_label"].value = f"<b>{n} HIDDEN LAYER{'' if n == 1 else 'S'}</b>"
        geometry = render.network_geometry([1, *hidden, 1])
        if (hidden, geometry.width) == self._neurons_for:
            return
        self._neurons_for = (hidden, geometry.width)
        for old in self.widgets["neurons"].children:  # close the old buttons' comms
            for child in getattr(old, "children", ()):
                child.close()
            old.close()
        groups = [w.HTML(layout=w.Layout(width=f"{100 * geometry.x[1] / geometry.width:.2f}%"))]
        for layer in range(n):
            buttons = []
            for by, verb in ((1, "Add a neuron to"), (-1, "Remove a neuron from")):
                button = _button("", "", f"{verb} hidden layer {layer + 1}", scaled(18))
                button.add_class("nnw-neuron-button")
                button.add_class(f"nnw-{'add' if by > 0 else 'remove'}-neuron")
                more = functools.partial(neurons_changed, layer=layer, by=by)
                button.on_click(self._guarded(playground, _change_hidden(playground, more)))
                buttons.append(button)
            width = f"{100 * geometry.spacing / geometry.width:.2f}%"
            groups.append(w.HBox(buttons, layout=w.Layout(width=width)))
        self.widgets["neurons"].children = groups if hidden else []
        for name in ("neurons", "network"):  # the buttons' row as wide as the drawing
            self.widgets[name].layout.width = scaled(geometry.width)
            self.widgets[name].layout.max_width = "100%"

    @staticmethod
    def _guarded(playground: Playground, action: Callable[[], object]) -> Callable:
        """A callback for a control: do action(); show an error in the playground, not lose it."""

        def call(*_: object) -> None:
            try:
                action()
            except Exception as error:
                playground.notify(f"{type(error).__name__}: {error}")

        return call

    def connect(self, playground: Playground) -> None:
        """Controls change the playground's settings; buttons call its methods."""
        c = self.widgets

        def setter(name: str, convert: Callable = lambda v: v) -> Callable:
            def changed(change: dict) -> None:
                if not self._syncing:
                    value = convert(change["new"])
                    self._guarded(playground, lambda: playground.update(**{name: value}))()

            return changed

        for name in ("lr", "activation", "regularization", "reg_rate", "dataset", "batch_size"):
            c[name].observe(setter(name), names="value")
        for name in ("train_fraction", "noise"):
            c[name].observe(setter(name, lambda v: v / 100), names="value")
        c["test_data"].observe(setter("show_test_data"), names="value")
        c["discretize"].observe(setter("discretize"), names="value")

        def features_changed(change: dict) -> None:
            if self._syncing:
                return
            chosen = [name for name, box in c["features"].items() if box.value]
            if not chosen:  # keep at least one input
                self.show(playground.settings)
                playground.notify("The network needs at least one input feature.")
                return
            self._guarded(playground, lambda: playground.update(features=chosen))()

        for box in c["features"].values():
            box.observe(features_changed, names="value")

        def play_or_pause() -> None:
            (playground.pause if playground.playing else playground.play)()

        def step() -> None:
            playground.pause()
            playground.step()

        c["play"].on_click(self._guarded(playground, play_or_pause))
        c["step"].on_click(self._guarded(playground, step))
        c["reset"].on_click(self._guarded(playground, playground.reset))
        c["regenerate"].on_click(self._guarded(playground, playground.regenerate))
        for name, by in (("add_layer", 1), ("remove_layer", -1)):
            more = functools.partial(layers_changed, by=by)
            c[name].on_click(self._guarded(playground, _change_hidden(playground, more)))


def _change_hidden(playground: Playground, change: Callable[[tuple], tuple]) -> Callable[[], None]:
    """An action for a button: set the hidden layers to change(the layers now)."""
    return lambda: playground.update(hidden=change(tuple(playground.settings["hidden"])))
