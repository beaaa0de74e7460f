"""utils.mlp: the numpy MLP agrees with torch autograd and a numerical gradient, and it learns."""

import numpy as np
import pytest
import torch

from utils import checks, data, mlp

ARCHITECTURES = [
    ((), "tanh", None, 0.0),
    ((3,), "tanh", None, 0.0),
    ((4, 4), "tanh", "L2", 0.01),
    ((5, 3), "sigmoid", "L1", 0.003),
    ((8, 8), "relu", None, 0.0),
    ((6, 2, 5), "relu", "L2", 0.1),
    ((4,), "linear", "L1", 0.03),
    ((2, 2, 2, 2, 2, 2), "tanh", "L2", 0.3),
]
TORCH_ACTIVATIONS = {
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "linear": lambda z: z,
}


def batch(n=40, n_inputs=2, seed=1):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_inputs)), rng.integers(0, 2, size=n)


def torch_loss_and_grads(model, X, y):
    """The same loss computed by torch autograd (float64) from copies of the model's parameters."""
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in model.parameters()]
    a = torch.tensor(X, dtype=torch.float64)
    for i in range(0, len(params), 2):
        z = a @ params[i] + params[i + 1]
        a = z if i == len(params) - 2 else TORCH_ACTIVATIONS[model.activation](z)
    target = torch.tensor(y, dtype=torch.float64)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(a[:, 0], target)
    weights = params[0::2]
    if model.regularization == "L1":
        loss = loss + model.reg_rate * sum(W.abs().sum() for W in weights)
    elif model.regularization == "L2":
        loss = loss + 0.5 * model.reg_rate * sum((W**2).sum() for W in weights)
    loss.backward()
    return loss.item(), [p.grad.numpy() for p in params]


@pytest.mark.parametrize(("hidden", "activation", "reg", "rate"), ARCHITECTURES)
def test_loss_and_gradients_equal_torch_autograd(hidden, activation, reg, rate):
    model = mlp.MLP(2, hidden, activation, reg, rate, seed=3)
    X, y = batch()
    expected_loss, expected_grads = torch_loss_and_grads(model, X, y)
    assert model.loss(X, y) == pytest.approx(expected_loss, abs=1e-12)
    grads = model.gradients(X, y)
    assert [g.shape for g in grads] == [p.shape for p in model.parameters()]
    for got, expected in zip(grads, expected_grads, strict=True):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


def test_gradients_equal_torch_with_more_inputs_and_wide_layers():
    model = mlp.MLP(7, (20, 9), "tanh", "L2", 0.05, seed=0)
    X, y = batch(n=33, n_inputs=7)
    expected_grads = torch_loss_and_grads(model, X, y)[1]
    for got, expected in zip(model.gradients(X, y), expected_grads, strict=True):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize(("hidden", "activation", "reg", "rate"), ARCHITECTURES)
def test_gradients_pass_a_numerical_gradient_check(hidden, activation, reg, rate):
    model = mlp.MLP(2, hidden, activation, reg, rate, seed=3)
    X, y = batch(n=20)
    grads = model.gradients(X, y)
    for param, grad in zip(model.parameters(), grads, strict=True):
        # numerical_gradient nudges the live parameter array in place, so loss sees each nudge
        error = checks.gradient_check(lambda _: model.loss(X, y), param, grad, eps=1e-5)
        assert error < 1e-6


def test_forward_gives_probabilities_and_layer_outputs_have_every_layer():
    model = mlp.MLP(2, (4, 3), "relu")
    X, _ = batch(n=10)
    p = model.forward(X)
    assert p.shape == (10,) and p.dtype == np.float64
    assert np.all((p > 0) & (p < 1))
    outputs = model.layer_outputs(X)
    assert [o.shape for o in outputs] == [(10, 2), (10, 4), (10, 3), (10, 1)]
    np.testing.assert_allclose(outputs[-1][:, 0], p)
    assert np.all(outputs[1] >= 0)  # ReLU


def test_same_seed_same_network_and_init_resets_it():
    a, b = mlp.MLP(seed=5), mlp.MLP(seed=5)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    X, y = batch()
    a.sgd_step(X, y, lr=0.1)
    assert not np.array_equal(a.weights[0], b.weights[0])
    a.init(5)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


def test_sgd_step_moves_against_the_gradient():
    model = mlp.MLP(2, (4,), "tanh", seed=0)
    X, y = batch()
    before = [p.copy() for p in model.parameters()]
    grads = model.gradients(X, y)
    loss = model.sgd_step(X, y, lr=0.1)
    assert loss == pytest.approx(mlp.MLP(2, (4,), "tanh", seed=0).loss(X, y))
    for old, new, grad in zip(before, model.parameters(), grads, strict=True):
        np.testing.assert_allclose(new, old - 0.1 * grad)
    assert model.loss(X, y) < loss


def test_l1_stops_weights_at_zero_instead_of_crossing_it():
    model = mlp.MLP(2, (), "tanh", "L1", 1.0, seed=0)
    X, y = batch()
    for _ in range(200):
        model.sgd_step(X, y, lr=0.1)
    assert np.count_nonzero(model.weights[0] == 0.0) >= 1


def fit(model, X, y, epochs, lr, batch_size=10, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            rows = order[start : start + batch_size]
            model.sgd_step(X[rows], y[rows], lr)


@pytest.mark.parametrize(
    ("name", "hidden", "activation", "lr"),
    [("xor", (8, 8), "tanh", 0.1), ("circles", (8,), "relu", 0.1)],
)
def test_training_reaches_high_accuracy(name, hidden, activation, lr):
    X, y = data.toy(name, n=300, noise=0.05, seed=0)
    model = mlp.MLP(2, hidden, activation, seed=0)
    fit(model, X, y, epochs=100, lr=lr)
    assert model.accuracy(X, y) >= 0.95


def test_circles_need_no_hidden_layer_with_squared_features():
    X, y = data.circles(n=300, noise=0.05, seed=0)
    features = mlp.feature_map(X, ["x1^2", "x2^2"])
    model = mlp.MLP(2, (), "linear", seed=0)
    fit(model, features, y, epochs=100, lr=0.3)
    assert model.accuracy(features, y) >= 0.95


def test_feature_map_columns():
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    got = mlp.feature_map(X, list(mlp.FEATURES))
    x1, x2 = X.T
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_array_equal(got, expected)
    assert mlp.feature_map(X).shape == (2, 2)


def test_to_dict_and_back_gives_the_same_network():
    model = mlp.MLP(3, (4, 2), "sigmoid", "l2", 0.1, seed=2)
    copy = mlp.MLP.from_dict(model.to_dict())
    X, _ = batch(n=5, n_inputs=3)
    np.testing.assert_array_equal(copy.forward(X), model.forward(X))
    assert repr(copy) == "MLP(3-4-2-1, sigmoid, L2 0.1)"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"hidden": (4, 0)}, ValueError, "hidden layer sizes must be 1..256"),
        ({"hidden": (4, 1000)}, ValueError, "hidden layer sizes must be 1..256"),
        ({"hidden": (2,) * 17}, ValueError, "at most 16 layers"),
        ({"hidden": 4}, TypeError, "hidden must be a list"),
        ({"hidden": (2.5,)}, TypeError, "must be ints"),
        ({"activation": "softplus"}, ValueError, "activation must be one of"),
        ({"regularization": "L3"}, ValueError, "regularization must be one of"),
        ({"reg_rate": -1}, ValueError, "reg_rate must be a finite number >= 0"),
        ({"n_inputs": 0}, ValueError, "n_inputs must be an int >= 1 and <= 256"),
    ],
)
def test_bad_settings_raise_clear_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        mlp.MLP(**kwargs)


def test_bad_data_raise_clear_errors():
    model = mlp.MLP(2, (3,))
    with pytest.raises(ValueError, match=r"X must be a numeric array of shape \(n, 2\).*\(5, 3\)"):
        model.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"X must be a numeric array of shape \(n, 2\).*\(4,\)"):
        model.forward(np.zeros(4))
    with pytest.raises(ValueError, match=r"y must have shape \(5,\)"):
        model.loss(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="labels 0 and 1"):
        model.gradients(np.zeros((2, 2)), np.array([0, 2]))
    with pytest.raises(TypeError, match="real numbers"):
        model.forward(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        model.sgd_step(np.zeros((2, 2)), np.array([0, 1]), lr=-0.1)
    with pytest.raises(ValueError, match="unknown feature"):
        mlp.feature_map(np.zeros((2, 2)), ["x3"])
    with pytest.raises(ValueError, match="at least one feature"):
        mlp.feature_map(np.zeros((2, 2)), [])
    with pytest.raises(TypeError, match="list of names"):
        mlp.feature_map(np.zeros((2, 2)), "x1")
    with pytest.raises(ValueError, match="weights must have shape"):
        model.set_parameters([np.zeros((3, 3)), np.zeros((3, 1))], [np.zeros(3), np.zeros(1)])
