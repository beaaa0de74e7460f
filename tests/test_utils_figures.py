"""utils.figures: one retina render per figure shown, alt text and caption, and the layout lint."""

import base64
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import encode, figures, layout, style

matplotlib.use("Agg")


# Every test starts without figures and leaves matplotlib's settings as they were (conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_pyplot")


@pytest.fixture
def shell():
    """An IPython shell whose display shows figures the course's way (dropped afterwards)."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        style.use_course_style()
        yield shell
    finally:
        InteractiveShell.clear_instance()


def draws(figure):
    """A list that gains an entry at every draw of figure."""
    seen = []
    figure.canvas.mpl_connect("draw_event", lambda event: seen.append(event))
    return seen


def a_line(figsize=(5.2, 4.0)):
    figure, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.plot([0, 1, 2], [0, 1, 4], label="squares")
    ax.set(title="growth", xlabel="$x$", ylabel="$x^2$")
    ax.legend(loc="upper left")
    return figure, ax


# The display: one render, a PNG at twice the CSS size, and an HTML <figure> around the same PNG.


def test_showing_a_figure_renders_it_once_as_png_and_html(shell):
    figure, _ = a_line()
    figures.caption("The curve bends upwards.")
    seen = draws(figure)
    data, metadata = shell.display_formatter.format(figure)
    assert len(seen) == 1
    assert {"image/png", "text/html"} <= set(data)
    png = base64.b64decode(data["image/png"])
    assert f'src="data:image/png;base64,{data["image/png"]}"' in data["text/html"]
    assert encode.png_size(png) == (1040, 800)  # 5.2 x 4 in at 100 CSS px/in, drawn at 2x
    assert metadata["image/png"] == {"width": 520, "height": 400}
    assert 'width="520" height="400"' in data["text/html"]


def test_a_figure_shown_twice_is_drawn_again_at_the_same_size(shell):
    figure, _ = a_line()
    first, _ = shell.display_formatter.format(figure)
    second, _ = shell.display_formatter.format(figure)
    assert first["image/png"] == second["image/png"]
    assert figure.dpi == plt.rcParams["figure.dpi"]  # the figure keeps its own dpi


def test_retina_off_draws_at_the_css_size(shell):
    style.use_course_style(retina=False)
    try:
        figure, _ = a_line()
        data, metadata = shell.display_formatter.format(figure)
        assert encode.png_size(base64.b64decode(data["image/png"])) == (520, 400)
        assert metadata["image/png"] == {"width": 520, "height": 400}
    finally:
        style.use_course_style()


def test_the_html_is_a_figure_with_alt_text_and_the_caption(shell):
    figure, _ = a_line()
    figures.caption("Squares <grow> fast & faster.")
    html = shell.display_formatter.format(figure)[0]["text/html"]
    assert re.search(r'<figure class="nnw-figure"><img class="nnw-art" ', html)
    assert "<figcaption>Squares &lt;grow&gt; fast &amp; faster.</figcaption></figure>" in html
    alt = re.search(r'alt="([^"]*)"', html).group(1)
    assert "growth" in alt and "squares" in alt and "Squares &lt;grow&gt;" in alt
    assert "<style>" in html and ".nnw-figure" in html  # the theme's CSS comes along


def test_a_figure_without_a_caption_has_no_figcaption(shell):
    figure, _ = a_line()
    html = shell.display_formatter.format(figure)[0]["text/html"]
    assert "<figcaption>" not in html and 'alt="Figure' in html


def test_pictures_of_data_are_photos_and_plots_are_art():
    plot, _ = a_line()
    picture, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1])
    right.imshow(np.eye(3), cmap="gray")
    assert not figures.is_photo(plot)
    assert figures.is_photo(picture)
    assert 'class="nnw-photo"' in figures.figure_html(picture, b"png", (10, 10))
    assert 'class="nnw-art"' in figures.figure_html(plot, b"png", (10, 10))


def test_outside_ipython_the_course_style_changes_no_display():
    from IPython import get_ipython

    assert get_ipython() is None
    style.use_course_style()  # must not fail, nor start a shell
    assert get_ipython() is None


# Captions and alt text.


def test_a_caption_goes_to_the_current_figure_or_the_one_named():
    first, first_ax = a_line()
    second, _ = a_line()
    figures.caption("on the second")  # pyplot's current figure: the one made last
    figures.caption("on the first", first_ax)  # an axes names its figure
    assert figures.caption_of(second) == "on the second"
    assert figures.caption_of(first) == "on the first"
    figures.caption("replaced", figure=first)
    assert figures.caption_of(first) == "replaced"


def test_a_caption_needs_a_sentence_and_a_figure():
    with pytest.raises(ValueError, match="no figure is open: call it after the plotting calls"):
        figures.caption("Nothing drawn yet.")
    a_line()
    with pytest.raises(ValueError, match="text must be a non-empty sentence"):
        figures.caption("   ")
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure or Axes, got str"):
        figures.caption("A sentence.", figure="fig")


def test_alt_text_names_panels_titles_labels_legends_and_the_caption():
    figure, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], label="train")
    left.plot([1, 0], label="test")
    left.set(title="loss", xlabel="epoch", ylabel="loss")
    left.legend()
    right.imshow(np.eye(2))
    right.set_title("$W_1$")
    figure.suptitle("Training")
    figures.caption("The test loss turns up after epoch 5.", figure)
    assert figures.alt_text(figure) == (
        'Figure "Training" with 2 panels. Panel 1: "loss"; loss against epoch; legend: train, '
        'test. Panel 2: "W_1"; an image. The test loss turns up after epoch 5.'
    )


def test_alt_text_of_one_panel_and_a_figure_legend():
    figure, ax = plt.subplots()
    ax.scatter([0, 1], [0, 1], label="class 0")
    figure.legend(loc="outside upper center")
    assert figures.alt_text(figure) == "Figure: no labels. Legend: class 0."


# The layout lint.


def test_a_clean_figure_has_no_layout_problems():
    figure, _ = a_line()
    assert layout.layout_problems(figure) == []


def test_the_lint_finds_a_figure_wider_than_the_notebook():
    figure, _ = a_line(figsize=(12, 4))
    (problem,) = layout.layout_problems(figure)
    assert "12 in wide (1200 CSS px), wider than the notebook's 840 px" in problem


def test_projector_mode_allows_wider_figures():
    style.projector_mode()
    figure, _ = a_line(figsize=(12, 6))
    assert not any("wide" in problem for problem in layout.layout_problems(figure))


def test_the_lint_finds_a_legend_over_the_data():
    figure, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot([0, 1], [0, 1], label="diagonal")  # no vertex under the legend: its line crosses it
    ax.legend(loc="center")
    (problem,) = layout.layout_problems(figure)
    assert "the legend covers data" in problem
    ax.legend(loc="upper left")  # the diagonal leaves that corner empty
    assert layout.layout_problems(figure) == []


def test_the_lint_finds_a_legend_over_points():
    figure, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.scatter([0.5, 0.9], [0.5, 0.1], label="points")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="center")
    assert "the legend covers data (markers or lines)" in layout.layout_problems(figure)[0]
    ax.legend(loc="upper left")
    assert layout.layout_problems(figure) == []


def test_the_lint_finds_markers_cut_by_the_axes_edge():
    figure, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.scatter([0, 5, 10], [5, 5, 5])
    ax.set(xlim=(0, 10))
    (problem,) = layout.layout_problems(figure)
    assert "2 marker(s) are cut by the axes' edge" in problem
    ax.set(xlim=(-0.5, 10.5))
    assert layout.layout_problems(figure) == []


def test_the_lint_finds_colliding_tick_labels():
    figure, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    ax.plot([0, 1e6], [0, 1])
    ax.ticklabel_format(style="plain")
    ax.set_xticks(np.arange(0, 1e6 + 1, 1e5))
    (problem,) = layout.layout_problems(figure)
    assert re.search(r"pair\(s\) of texts overlap, such as the texts '\d+' and '\d+'", problem)
    ax.set_xticks([0, 5e5, 1e6])
    assert layout.layout_problems(figure) == []


def test_the_lint_finds_tiny_text_and_text_cut_off():
    figure, ax = plt.subplots(figsize=(3, 2), layout="constrained")
    ax.set_title("small", fontsize=5)
    figure.text(0.9, 0.5, "a note that runs off the edge")
    problems = layout.layout_problems(figure)
    assert any("text ['small'] is 6.9 CSS px high, under 8 px" in p for p in problems)
    assert any("is cut off by the figure's edge" in p for p in problems)


def test_the_notebook_hook_writes_each_figures_problems(tmp_path, monkeypatch):
    problems = tmp_path / "problems.txt"
    monkeypatch.setenv(figures.PROBLEMS_ENV, str(problems))
    clean, _ = a_line()
    figures.caption("A clean figure.")
    figures.render(clean)
    assert not problems.exists()
    wide, _ = a_line(figsize=(10, 3))
    figures.render(wide)
    lines = problems.read_text().splitlines()
    assert len(lines) == 2 and all(line.startswith('The figure "growth": ') for line in lines)
    assert "wider than the notebook" in lines[0] and "it has no caption" in lines[1]


# In a real kernel: matplotlib-inline registers its own PNG formatter when pyplot's backend
# starts; the course's display must still be the one that runs, once per figure.


@pytest.mark.notebook
def test_in_a_kernel_each_figure_is_one_retina_png_with_its_html(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    cells = [
        "import utils\nutils.style.use_course_style()",
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots(figsize=(4, 3))\n"
        "ax.plot([0, 1], [1, 0])\n"
        "seen = []\n"
        "fig.canvas.mpl_connect('draw_event', seen.append)\n"
        "utils.figures.caption('A falling line.')",
        "print(len(seen))",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(notebook, timeout=60, kernel_name="python3", resources=resources).execute()
    (shown,) = notebook.cells[1].outputs
    assert shown.output_type == "display_data"
    assert encode.png_size(base64.b64decode(shown.data["image/png"])) == (800, 600)
    assert shown.metadata["image/png"] == {"width": 400, "height": 300}
    assert "<figcaption>A falling line.</figcaption>" in shown.data["text/html"]
    assert notebook.cells[2].outputs[0].text.strip() == "1"  # drawn once, for both forms
