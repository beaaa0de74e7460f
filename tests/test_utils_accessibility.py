"""utils.accessibility: the workarounds that give ipywidgets 8.1's pictures and sliders names.

Whether Chromium really names them is checked in the browser (tests/test_browser_look.py).
"""

import re

from utils import accessibility


def test_a_picture_syncs_a_description_so_its_tooltip_can_render():
    image = accessibility.picture(tooltip="the decision boundary")
    assert image.format == "png" and image.tooltip == "the decision boundary"
    state = image.get_state()
    assert state["description"] == "" and state["tooltip"] == "the decision boundary"
    assert accessibility.picture(format="jpeg").format == "jpeg"


def test_the_slider_names_script_is_hidden_constant_and_requests_nothing():
    widget = accessibility.accessible_names_widget()
    assert widget.layout.display == "none"
    assert re.fullmatch(r'<img alt="" hidden src="data:," onerror="[^"<>]+">', widget.value)
    assert "aria-label" in widget.value and "http" not in widget.value
    assert widget.value == accessibility.accessible_names_widget().value
