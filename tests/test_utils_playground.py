"""utils.playground: the TensorFlow-Playground widget, driven through its controls as a lecturer would."""

import asyncio
import json
import time
from pathlib import Path

import ipywidgets
import numpy as np
import pytest

from utils import data, playground, style
from utils.encode import png_size
from utils.mlp import feature_map
from utils.playground import Playground

DEMOS = Path(__file__).resolve().parents[1] / "demos"


def decoded(png):
    """The RGB pixels of a PNG written by the playground (read by Pillow, matplotlib's reader)."""
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture
def small():
    return playground.playground(dataset="xor", hidden=(4,), n=200, seed=1)


def test_defaults_and_the_widget():
    p = Playground()
    assert p.settings == {
        "dataset": "circles",
        "hidden": [4, 4],
        "activation": "tanh",
        "lr": 0.03,
        "noise": 0.1,
        "n": 500,
        "train_fraction": 0.5,
        "batch_size": 10,
        "regularization": None,
        "reg_rate": 0.0,
        "features": ["x1", "x2"],
        "seed": 0,
        "hide": [],
        "show_test_data": False,
        "discretize": False,
    }
    assert isinstance(p.widget, ipywidgets.VBox)
    assert p.epoch == 0 and len(p.history) == 1
    assert p.history[0] == (0, p.train_loss, p.test_loss)
    assert png_size(p.png) == (500, 500)  # the still picture: 2x the 250 CSS px it is shown at
    # a playing frame sends one pixel per grid cell; the points lie over it as SVG
    assert png_size(p.controls["boundary"].value) == (playground.GRID, playground.GRID)
    assert p.controls["points"].value.count("<circle") == 250
    assert "Epoch" in p.controls["epoch"].value
    assert p.controls["network"].value.startswith("<svg")
    assert p.controls["network"].value.count("<image") == 2 + 4 + 4 + 1
    X_train, y_train, X_test, y_test = p.data
    assert len(X_train) == len(X_test) == 250
    assert repr(p) == "<Playground circles 2-4-4-1 tanh, epoch 0>"


def test_controls_carry_css_classes_for_browser_tests():
    p = Playground()
    c = p.controls
    assert "nnw-playground" in p.widget._dom_classes
    for name, css in [("play", "nnw-play"), ("lr", "nnw-lr"), ("boundary", "nnw-boundary"),
                      ("epoch", "nnw-epoch"), ("reg_rate", "nnw-reg-rate")]:  # fmt: skip
        assert css in c[name]._dom_classes
    assert "nnw-feature-sin-x1" in c["features"]["sin(x1)"]._dom_classes
    assert "class='nnw-test-loss'" in c["losses"].value


def test_step_trains_and_the_losses_go_down():
    p = Playground(dataset="circles", hidden=(4,), lr=0.1)
    first = p.png
    p.step()
    assert p.epoch == 1 and p.history[-1][0] == 1
    p.step(40)
    assert p.epoch == 41 and len(p.history) == 42
    assert p.train_loss < 0.5 * p.history[0][1]
    assert p.test_loss < 0.5 * p.history[0][2]
    assert p.png != first
    X_test, y_test = p.data[2:]
    assert p.model.accuracy(feature_map(X_test, p.settings["features"]), y_test) > 0.9


def test_reset_gives_the_same_fresh_network(small):
    before = [w.copy() for w in small.model.weights]
    small.step(5)
    small.reset()
    assert small.epoch == 0 and len(small.history) == 1
    for a, b in zip(before, small.model.weights, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", playground.DATASETS)
def test_every_data_set_has_both_classes_inside_the_picture(name):
    p = Playground(dataset=name, n=200)
    X = np.vstack(p.data[::2])
    y = np.concatenate(p.data[1::2])
    assert X.shape == (200, 2) and set(np.unique(y)) == {0, 1}
    assert np.mean(np.abs(X) < 4) > 0.95


def test_the_controls_change_the_settings(small):
    c = small.controls
    small.step(3)
    c["lr"].value = 0.3
    c["batch_size"].value = 20
    assert c["regularization"].value == "none" and c["regularization"].label == "None"
    c["regularization"].value = "L2"
    c["reg_rate"].value = 0.01
    assert small.settings["lr"] == 0.3 and small.settings["batch_size"] == 20
    assert small.model.regularization == "L2" and small.model.reg_rate == 0.01
    assert small.epoch == 3  # none of these restarts training
    png = small.png
    c["dataset"].value = "spirals"
    assert small.settings["dataset"] == "spirals" and small.epoch == 0 and small.png != png
    c["noise"].value = 30
    c["train_fraction"].value = 70
    assert small.settings["noise"] == 0.3 and small.settings["train_fraction"] == 0.7
    assert len(small.data[0]) == 140
    c["activation"].value = "relu"
    assert small.model.activation == "relu"
    seed = small.settings["seed"]
    c["regenerate"].click()
    assert small.settings["seed"] == seed + 1


def test_layer_and_neuron_buttons(small):
    c = small.controls
    c["add_layer"].click()
    assert small.settings["hidden"] == [4, 4]
    plus_buttons = [b for box in c["neurons"].children[1:] for b in box.children[:1]]
    plus_buttons[1].click()
    plus_buttons[1].click()
    assert small.settings["hidden"] == [4, 6]
    for _ in range(10):
        c["neurons"].children[1].children[1].click()  # minus on layer 1 stops at 1
    assert small.settings["hidden"] == [1, 6]
    for _ in range(8):
        c["add_layer"].click()  # stops at 6 layers
    assert len(small.settings["hidden"]) == 6
    assert small.model.hidden == (1, 6, 6, 6, 6, 6)
    for _ in range(8):
        c["remove_layer"].click()
    assert small.settings["hidden"] == [] and small.model.hidden == ()
    assert "0 HIDDEN LAYERS" in c["layers_label"].value
    small.step(2)  # a network with no hidden layer still trains and draws


def test_feature_checkboxes(small):
    boxes = small.controls["features"]
    boxes["x1^2"].value = True
    boxes["sin(x2)"].value = True
    assert small.settings["features"] == ["x1", "x2", "x1^2", "sin(x2)"]
    assert small.model.n_inputs == 4
    for name in ("x1", "x2", "x1^2"):
        boxes[name].value = False
    boxes["sin(x2)"].value = False  # the last one stays: the network needs an input
    assert small.settings["features"] == ["sin(x2)"] and boxes["sin(x2)"].value
    assert "at least one input" in small.controls["message"].value or small.model.n_inputs == 1


def test_show_test_data_and_discretize_change_the_picture(small):
    plain, frame, dots = small.png, small.controls["boundary"].value, small.controls["points"].value
    small.controls["test_data"].value = True
    with_test = small.png
    assert small.controls["boundary"].value == frame  # the heatmap is the same
    assert small.controls["points"].value.count("<circle") == 2 * dots.count("<circle") == 200
    small.controls["discretize"].value = True
    assert len({plain, with_test, small.png}) == 3
    assert small.settings["show_test_data"] and small.settings["discretize"]
    colours = np.unique(decoded(small.png).reshape(-1, 3), axis=0)
    assert len(colours) == 6  # two background colours, two dot colours, white and dark rims


def test_hide_hides_controls():
    p = Playground(hide=("regularization", "features", "data"))
    c = p.controls
    assert c["regularization"].layout.display == "none"
    assert c["reg_rate"].layout.display == "none"
    assert c["dataset"].layout.display == "none" and c["noise"].layout.display == "none"
    assert c["regenerate"].layout.display == "none" and c["batch_size"].layout.display == "none"
    assert c["lr"].layout.display is None and c["play"].layout.display is None
    p.update(hide=["lr", "step"])
    assert c["lr"].layout.display == "none" and c["regularization"].layout.display is None
    assert c["step"].layout.display == "none"
    shown = ["play", "reset", "regenerate", "noise", "dataset", "activation", "add_layer"]
    assert all(c[name].layout.display is None for name in shown)


def test_json_round_trip_keeps_settings_weights_and_epoch(tmp_path, small):
    small.update(lr=0.1, features=["x1", "x2", "x1*x2"], hide=["features"])
    small.step(7)
    text = small.to_json()
    found = json.loads(text)
    assert found["format"] == "nn-workbook playground" and found["state"]["epoch"] == 7
    copy = Playground.from_json(text)
    assert copy.settings == small.settings and copy.epoch == 7
    np.testing.assert_array_equal(
        copy.model.forward(feature_map(copy.data[2], copy.settings["features"])),
        small.model.forward(feature_map(small.data[2], small.settings["features"])),
    )
    assert copy.png == small.png
    small.save(tmp_path / "demo.json")
    loaded = Playground.load(tmp_path / "demo.json")
    assert loaded.settings == small.settings
    settings_only = Playground.from_json(small.to_json(weights=False))
    assert settings_only.epoch == 0 and settings_only.settings == small.settings


def test_data_set_names_are_utils_data_s_and_tf_playground_s_work_too():
    assert set(playground.DATASETS) == set(data.TOY_DATASETS)
    assert Playground(dataset="spiral").settings["dataset"] == "spirals"
    assert Playground(dataset="gauss").settings["dataset"] == "blobs"
    old = '{"format": "nn-workbook playground", "settings": {"dataset": "spiral"}}'
    assert Playground.from_json(old).settings["dataset"] == "spirals"


@pytest.mark.parametrize("preset", sorted(DEMOS.glob("*.json")), ids=lambda path: path.name)
def test_the_demo_presets_load(preset):
    p = Playground.load(preset)
    assert p.epoch == 0 and p.settings == json.loads(preset.read_text())["settings"]


def test_the_demo_notebook_shows_a_playground_from_a_preset(monkeypatch):
    cells = json.loads((DEMOS / "playground.ipynb").read_text())["cells"]
    code = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]
    assert len(code) == 1 and all(not cell.get("outputs") for cell in cells)
    *lines, last = code[0].splitlines()
    monkeypatch.chdir(DEMOS)
    namespace = {}
    try:
        exec("\n".join(lines), namespace)
        shown = eval(last, namespace)
    finally:
        style.projector_mode(False)
    assert isinstance(shown, Playground) and shown.settings["dataset"] == "spirals"


def test_a_hand_written_preset_of_settings_alone():
    p = Playground.from_json('{"dataset": "spiral", "hidden": [8, 8], "lr": 0.1}')
    assert p.settings["dataset"] == "spirals" and p.settings["hidden"] == [8, 8]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "JSON of a playground"),
        ("[1, 2]", "JSON object"),
        ('{"format": "other", "settings": {}}', "not a playground file"),
        ('{"dataset": "moon"}', "dataset must be one of"),
        ('{"settings": {"speed": 3}}', "unknown playground setting"),
        ('{"settings": {}, "state": {"weights": []}}', "state must hold"),
        ('{"settings": {}, "state": {"weights": [], "biases": []}}', "need 3 weight and bias"),
    ],
)
def test_bad_json_raises_clear_errors(text, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Playground.from_json(text)


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        ({"dataset": "iris"}, ValueError, "dataset must be one of"),
        ({"hidden": (4,) * 7}, ValueError, "0 to 6 layers of 1 to 8 neurons"),
        ({"hidden": (9,)}, ValueError, "0 to 6 layers of 1 to 8 neurons"),
        ({"hidden": (0,)}, ValueError, "0 to 6 layers of 1 to 8 neurons"),
        ({"hidden": 4}, TypeError, "hidden must be a list"),
        ({"activation": "gelu"}, ValueError, "activation must be one of"),
        ({"lr": 0}, ValueError, "lr must be a finite number > 0 and <= 100, got 0.0"),
        ({"lr": True}, TypeError, "lr must be a number > 0 and <= 100, got bool True"),
        ({"noise": 0.9}, ValueError, "noise must be a finite number >= 0 and <= 0.5"),
        ({"n": 10}, ValueError, "n must be an int >= 20 and <= 5000, got 10"),
        ({"train_fraction": 1.0}, ValueError, "train_fraction"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"regularization": "L3"}, ValueError, "regularization must be"),
        ({"features": ["x3"]}, ValueError, "features must be one or more of"),
        ({"features": []}, ValueError, "features must be one or more of"),
        ({"hide": ["everything"]}, ValueError, "hide: unknown control"),
        ({"speed": 3}, TypeError, "unexpected keyword argument 'speed'"),
    ],
)
def test_bad_settings_raise_clear_errors(settings, error, message):
    with pytest.raises(error, match=message):
        Playground(**settings)


def test_play_without_an_event_loop_trains_one_epoch_and_says_so(small):
    small.play()
    assert small.epoch == 1 and not small.playing
    assert "event loop" in small.controls["message"].value


def test_play_runs_on_the_event_loop_and_takes_changes_mid_run(small):
    async def lecture():
        small.play()
        assert small.playing
        await asyncio.sleep(0.4)
        first = small.epoch
        small.controls["lr"].value = 1.0  # a control changed while it plays
        await asyncio.sleep(0.4)
        small.controls["play"].click()  # pause
        await asyncio.sleep(0.1)
        return first

    first = asyncio.run(lecture())
    assert 0 < first < small.epoch
    assert not small.playing and small.controls["play"].description == "Play"
    assert small.settings["lr"] == 1.0
    stopped = small.epoch
    small.step()
    assert small.epoch == stopped + 1


def test_divergence_is_reported_not_raised(small):
    small.model.weights[0][:] = np.inf
    small.step(3)
    assert small.epoch == 1
    assert "diverged" in small.controls["message"].value


def test_frames_per_second_for_2_8_8_1_on_500_points():
    p = Playground(dataset="spirals", hidden=(8, 8), n=500)
    p.step(2)
    frames, start = 20, time.process_time()  # CPU time: the cost, however busy the machine
    for _ in range(frames):
        p.step()
    fps = frames / (time.process_time() - start)
    assert fps >= 5  # issue 12 asks >= 30 while playing (tests/benchmarks/bench_playground.py)


def test_projector_mode_draws_bigger():
    style.projector_mode(True)
    try:
        p = Playground(hidden=(2,))
        # 2x the 400 CSS px it is shown at on a wide screen (the page's scale is 1.6 there)
        assert png_size(p.png) == (800, 800)
        assert "nnw-projector" in p.widget._dom_classes
    finally:
        style.projector_mode(False)


def test_display_offers_the_widget_and_a_still_picture(small):
    bundle = small._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "image/png" in bundle


def test_the_kernel_answers_while_it_plays():
    """In a real IPython kernel, a cell runs (and a control changes) while the playground plays."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")

    def run(code):
        msg_id = kc.execute(code)
        printed = []
        while True:
            msg = kc.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(printed)

    try:
        run(
            "import asyncio, utils\np = utils.playground.playground(dataset='xor', n=200)\np.play()"
        )
        start = time.perf_counter()
        found = run(
            "await asyncio.sleep(0.5)\n"
            "p.controls['lr'].value = 0.1\n"
            "print(p.playing, p.epoch > 0, p.settings['lr'])\n"
            "p.pause()"
        )
        assert found.split() == ["True", "True", "0.1"]
        assert time.perf_counter() - start < 5
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_playing_starts_a_frame_at_most_every_frame_seconds(small):
    small.frame_seconds = 0.1

    async def play_for(seconds):
        small.play()
        await asyncio.sleep(seconds)
        small.pause()
        await asyncio.sleep(0.15)

    asyncio.run(play_for(0.55))
    assert 1 <= small.epoch <= 7  # frames at 0, 0.1, ..., 0.5 s (and one in flight)
