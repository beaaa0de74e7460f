"""The old home of the perceptron explorer, kept so that `utils.widgets.perceptron_explorer` works."""

from .explorers.perceptron import PerceptronExplorer, perceptron_explorer  # noqa: F401
