"""A small multilayer perceptron in numpy, with backpropagation written out by hand.

The engine behind `utils.playground`. One hidden layer after another computes
`a = activation(a_prev @ W + b)`; the output is one sigmoid unit giving the probability of
class 1, and the loss is the mean binary cross-entropy plus an optional L1 or L2 penalty on the
weights (never on the biases). Everything is float64.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np

from .arguments import array, integer, is_integer, labels, number

# --- activations: name -> (function, derivative written in terms of the input z) ---------------


def _tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def _tanh_grad(z: np.ndarray) -> np.ndarray:
    return 1.0 - np.tanh(z) ** 2


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 0.5 * (1 + tanh(z / 2)) is the logistic function without overflow for large |z|.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_grad(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_grad(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(np.float64)  # 0 at z = 0, as torch does


def _linear(z: np.ndarray) -> np.ndarray:
    return z


def _linear_grad(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "relu": (_relu, _relu_grad),
    "tanh": (_tanh, _tanh_grad),
    "sigmoid": (_sigmoid, _sigmoid_grad),
    "linear": (_linear, _linear_grad),
}

# --- input features, as in TensorFlow Playground -----------------------------------------------

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
REGULARIZATIONS = (None, "L1", "L2")
MAX_LAYERS = 16  # the playground offers 0-6 layers of 1-8 units; the engine allows more
MAX_UNITS = 256


def feature_map(X: object, names: Sequence[str] = ("x1", "x2")) -> np.ndarray:
    """The columns FEATURES[name](x1, x2) for each name, from points X of shape (n, 2)."""
    X = array(X, "X", ("n", 2))
    names = _feature_names(names)
    return np.column_stack([FEATURES[name](X[:, 0], X[:, 1]) for name in names])


def _feature_names(names: object) -> tuple[str, ...]:
    """names as a tuple of known feature names, at least one, no repeats; ValueError otherwise."""
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"features must be a list of names from {list(FEATURES)}, got {names!r}")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; choose from {list(FEATURES)}")
    if not names or len(set(names)) != len(names):
        raise ValueError(f"features must name at least one feature, each once; got {list(names)}")
    return tuple(names)


def _check_hidden(hidden: object) -> tuple[int, ...]:
    """hidden as a tuple of layer sizes, each an int in 1..MAX_UNITS, at most MAX_LAYERS."""
    if isinstance(hidden, numbers.Integral) or not isinstance(hidden, Sequence):
        raise TypeError(f"hidden must be a list of layer sizes such as (4, 4), got {hidden!r}")
    if len(hidden) > MAX_LAYERS:
        raise ValueError(f"hidden must have at most {MAX_LAYERS} layers, got {len(hidden)}")
    for size in hidden:
        if not is_integer(size):
            raise TypeError(f"hidden layer sizes must be ints, got {size!r} in {hidden!r}")
        if not 1 <= size <= MAX_UNITS:
            raise ValueError(f"hidden layer sizes must be 1..{MAX_UNITS}, got {size} in {hidden!r}")
    return tuple(int(size) for size in hidden)


def _check_choice(value: object, name: str, choices: Sequence) -> object:
    """value if it is one of choices, else a ValueError listing them."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def _regularization_name(value: object) -> object:
    """None, "L1" or "L2" from any spelling ("l2", "none", ...); other values pass through."""
    if isinstance(value, str):
        return None if value.lower() == "none" else value.upper()
    return value


_ROWS = 512


def _dot(A: np.ndarray, W: np.ndarray) -> np.ndarray:
    """A @ W, in blocks of 512 rows: on a busy machine OpenBLAS's threads make one big product
    of these thin matrices 10-50 times slower than the blocks, which it runs on one thread."""
    if len(A) <= _ROWS:
        return A @ W
    out = np.empty((len(A), W.shape[1]))
    for start in range(0, len(A), _ROWS):
        np.matmul(A[start : start + _ROWS], W, out=out[start : start + _ROWS])
    return out


class MLP:
    """Fully connected network: n_inputs -> hidden layers -> one sigmoid output (class 1)."""

    def __init__(
        self,
        n_inputs: int = 2,
        hidden: Sequence[int] = (4, 4),
        activation: str = "tanh",
        regularization: str | None = None,
        reg_rate: float = 0.0,
        seed: int | None = 0,
    ):
        self.n_inputs = integer(n_inputs, "n_inputs", at_least=1, at_most=MAX_UNITS)
        self.hidden = _check_hidden(hidden)
        self.activation = _check_choice(activation, "activation", list(ACTIVATIONS))
        self.regularization = _check_choice(
            _regularization_name(regularization), "regularization", REGULARIZATIONS
        )
        self.reg_rate = number(reg_rate, "reg_rate", at_least=0)
        self.init(seed)

    def init(self, seed: int | None = 0) -> None:
        """Fresh random weights (Glorot uniform) and biases of 0.1, from np.random.default_rng(seed)."""
        rng = np.random.default_rng(seed)
        sizes = [self.n_inputs, *self.hidden, 1]
        self.weights = []
        self.biases = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            self.weights.append(rng.uniform(-limit, limit, size=(fan_in, fan_out)))
            self.biases.append(np.full(fan_out, 0.1))

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units in every layer, inputs and output included, e.g. (2, 4, 4, 1)."""
        return (self.n_inputs, *self.hidden, 1)

    def parameters(self) -> list[np.ndarray]:
        """The weight and bias arrays (the live ones, not copies): W1, b1, W2, b2, ..."""
        return [p for pair in zip(self.weights, self.biases, strict=True) for p in pair]

    def _inputs(self, X: object) -> np.ndarray:
        return array(X, "X", ("n", self.n_inputs))

    def _forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations zs and activations acts of every layer (acts[0] is X, zs[-1] the logit)."""
        act = ACTIVATIONS[self.activation][0]
        zs, acts = [], [X]
        last = len(self.weights) - 1
        for i, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = _dot(acts[-1], W) + b
            zs.append(z)
            acts.append(_sigmoid(z) if i == last else act(z))
        return zs, acts

    def forward(self, X: object) -> np.ndarray:
        """Probabilities of class 1 for the rows of X, shape (n,)."""
        return self._forward(self._inputs(X))[1][-1][:, 0]

    def layer_outputs(self, X: object) -> list[np.ndarray]:
        """The output of every layer for the rows of X: inputs, each hidden layer, probabilities."""
        return self._forward(self._inputs(X))[1]

    def penalty(self) -> float:
        """The regularisation term reg_rate * sum |w| (L1) or reg_rate * sum w^2 / 2 (L2)."""
        if self.regularization is None or self.reg_rate == 0:
            return 0.0
        if self.regularization == "L1":
            return self.reg_rate * float(sum(np.abs(W).sum() for W in self.weights))
        return 0.5 * self.reg_rate * float(sum((W**2).sum() for W in self.weights))

    def data_loss(self, X: object, y: object) -> float:
        """Mean binary cross-entropy of the predictions for X against the labels y (no penalty)."""
        X = self._inputs(X)
        y = labels(y, "y", len(X), classes=2, match=f"X {X.shape}")
        logit = self._forward(X)[0][-1][:, 0]
        # -y log p - (1 - y) log(1 - p) with p = sigmoid(logit), computed without overflow:
        return float(np.mean(np.logaddexp(0.0, logit) - y * logit))

    def loss(self, X: object, y: object) -> float:
        """The training objective: mean binary cross-entropy plus the regularisation penalty."""
        return self.data_loss(X, y) + self.penalty()

    def gradients(self, X: object, y: object) -> list[np.ndarray]:
        """d loss / d parameter for each array of parameters(), by backpropagation."""
        return self._loss_and_gradients(X, y)[1]

    def _loss_and_gradients(self, X: object, y: object) -> tuple[float, list[np.ndarray]]:
        """The loss and its gradients from one forward and one backward pass."""
        X = self._inputs(X)
        y = labels(y, "y", len(X), classes=2, match=f"X {X.shape}")
        zs, acts = self._forward(X)
        logit = zs[-1][:, 0]
        loss = float(np.mean(np.logaddexp(0.0, logit) - y * logit)) + self.penalty()
        act_grad = ACTIVATIONS[self.activation][1]
        # Sigmoid + cross-entropy: d loss / d logit = (p - y) / n.
        delta = (acts[-1] - y[:, None]) / len(X)
        grads: list[np.ndarray] = []
        for i in reversed(range(len(self.weights))):
            W = self.weights[i]
            dW = acts[i].T @ delta + self._penalty_grad(W)
            db = delta.sum(axis=0)
            grads[:0] = [dW, db]
            if i > 0:  # push the error back through W and the hidden layer's activation
                delta = _dot(delta, W.T) * act_grad(zs[i - 1])
        return loss, grads

    def _penalty_grad(self, W: np.ndarray) -> np.ndarray | float:
        if self.regularization is None or self.reg_rate == 0:
            return 0.0
        if self.regularization == "L1":
            return self.reg_rate * np.sign(W)
        return self.reg_rate * W

    def sgd_step(self, X: object, y: object, lr: float) -> float:
        """One step of gradient descent on the batch (X, y) with learning rate lr; returns the loss before it.

        With L1, a weight that the penalty would push across zero stops at zero (as in
        TensorFlow Playground), so unneeded links really vanish.
        """
        lr = number(lr, "lr", at_least=0)
        loss, grads = self._loss_and_gradients(X, y)
        for param, grad in zip(self.parameters(), grads, strict=True):
            before = param.copy() if self.regularization == "L1" and param.ndim == 2 else None
            param -= lr * grad
            if before is not None:
                param[(before * param < 0) & (np.abs(before) <= lr * self.reg_rate)] = 0.0
        return loss

    def accuracy(self, X: object, y: object) -> float:
        """The fraction of rows of X whose predicted class (probability >= 0.5) equals y."""
        X = self._inputs(X)
        y = labels(y, "y", len(X), classes=2, match=f"X {X.shape}")
        return float(np.mean((self.forward(X) >= 0.5) == (y == 1)))

    def to_dict(self) -> dict:
        """Architecture and parameters as plain lists, for JSON."""
        return {
            "n_inputs": self.n_inputs,
            "hidden": list(self.hidden),
            "activation": self.activation,
            "regularization": self.regularization,
            "reg_rate": self.reg_rate,
            "weights": [W.tolist() for W in self.weights],
            "biases": [b.tolist() for b in self.biases],
        }

    @classmethod
    def from_dict(cls, state: dict) -> MLP:
        """The network that to_dict described, with its parameters."""
        model = cls(
            state["n_inputs"],
            state["hidden"],
            state["activation"],
            state.get("regularization"),
            state.get("reg_rate", 0.0),
        )
        model.set_parameters(state["weights"], state["biases"])
        return model

    def set_parameters(self, weights: Sequence, biases: Sequence) -> None:
        """Replace the weights and biases with copies of the given arrays (shapes must match)."""
        if len(weights) != len(self.weights) or len(biases) != len(self.biases):
            raise ValueError(
                f"need {len(self.weights)} weight and bias arrays for layers {self.sizes},"
                f" got {len(weights)} and {len(biases)}"
            )
        new_weights = [np.array(W, dtype=np.float64) for W in weights]
        new_biases = [np.array(b, dtype=np.float64) for b in biases]
        for i, (W, b) in enumerate(zip(new_weights, new_biases, strict=True)):
            if W.shape != self.weights[i].shape or b.shape != self.biases[i].shape:
                raise ValueError(
                    f"layer {i + 1}: weights must have shape {self.weights[i].shape} and biases"
                    f" {self.biases[i].shape}, got {W.shape} and {b.shape}"
                )
        self.weights, self.biases = new_weights, new_biases

    def __repr__(self) -> str:
        layers = "-".join(str(size) for size in self.sizes)
        reg = f", {self.regularization} {self.reg_rate:g}" if self.regularization else ""
        return f"MLP({layers}, {self.activation}{reg})"
