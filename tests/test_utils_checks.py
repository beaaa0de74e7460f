"""utils.checks: each check passes on right answers and explains wrong ones."""

import numpy as np
import pytest
import torch

from utils.checks import (
    check_array,
    check_dtype,
    check_function,
    check_judged,
    check_result,
    check_scalar,
    check_shape,
    gradient_check,
    numerical_gradient,
    passed,
    relative_error,
)


class EqualToEverything:
    """A cheat: == says True to anything."""

    shape = (3,)

    def __eq__(self, other):
        return True

    __hash__ = None


def test_check_array_passes_equal_and_nearly_equal_arrays():
    check_array(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    check_array(np.array([1.0, 2.0 + 1e-12]), np.array([1.0, 2.0]))
    check_array(np.array([1.0, 2.1]), np.array([1.0, 2.0]), atol=0.2)
    check_array(np.array([[True, False]]), np.array([[True, False]]))


@pytest.mark.parametrize("got", [[1.0, 2.0, 3.0], (1.0, 2.0, 3.0), 6.0, None, EqualToEverything()])
def test_check_array_wants_a_numpy_array(got):
    with pytest.raises(AssertionError, match="should be a numpy array"):
        check_array(got, np.array([1.0, 2.0, 3.0]))


def test_check_array_names_both_shapes():
    with pytest.raises(
        AssertionError, match=r"answer should have shape \(3,\), but has shape \(3, 1\)"
    ):
        check_array(np.ones((3, 1)), np.ones(3), name="answer")


@pytest.mark.parametrize(
    ("got", "expected", "message"),
    [
        (
            np.array([1, 2]),
            np.array([1.0, 2.0]),
            "should have a dtype of kind 'float', but has dtype int64",
        ),
        (np.array([1.0, 0.0]), np.array([True, False]), "kind 'bool'"),
        (np.array([True, False]), np.array([1, 0]), "kind 'int', but has dtype bool"),
    ],
)
def test_check_array_wants_the_same_kind_of_dtype(got, expected, message):
    with pytest.raises(AssertionError, match=message):
        check_array(got, expected)


def test_check_array_accepts_another_precision_of_the_same_kind():
    check_array(np.array([0.5, 1.5], dtype=np.float32), np.array([0.5, 1.5]))


def test_check_array_shows_where_values_differ():
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = 7.0
    with pytest.raises(AssertionError) as failure:
        check_array(got, expected, name="grad")
    message = str(failure.value)
    assert "grad: 1 of 6 values differ" in message
    assert "at index (1, 2): expected 0.0, got 7.0" in message


def test_check_array_shows_only_the_first_five_differences():
    with pytest.raises(AssertionError) as failure:
        check_array(np.arange(10.0) + 1, np.arange(10.0))
    message = str(failure.value)
    assert "10 of 10 values differ" in message
    assert message.count("at index") == 5


def test_check_array_is_exact_for_integers():
    with pytest.raises(AssertionError, match="1 of 1 values differ"):
        check_array(np.array([100_000_001]), np.array([100_000_000]))


def test_check_array_treats_nan_as_a_value():
    check_array(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))
    with pytest.raises(AssertionError, match="expected 1.0, got nan"):
        check_array(np.array([np.nan]), np.array([1.0]))


def test_check_array_accepts_torch_tensors_even_with_gradients():
    check_array(torch.tensor([1.0, 2.0], requires_grad=True) * 1, np.array([1.0, 2.0]), rtol=1e-6)
    with pytest.raises(AssertionError, match="1 of 2 values differ"):
        check_array(torch.tensor([1.0, 3.0]), np.array([1.0, 2.0]))


@pytest.mark.parametrize(
    "got", [0.5, np.float64(0.5), np.float32(0.5), np.array(0.5), torch.tensor(0.5)]
)
def test_check_scalar_passes_numbers_of_any_flavour(got):
    check_scalar(got, 0.5)


def test_check_scalar_passes_ints_and_nearly_equal_floats():
    check_scalar(3, 3)
    check_scalar(3.0, 3)
    check_scalar(0.1 + 0.2, 0.3)
    check_scalar(float("inf"), float("inf"))


@pytest.mark.parametrize("got", [True, np.True_, "0.5", [0.5], np.array([0.5]), None])
def test_check_scalar_rejects_what_is_not_a_number(got):
    with pytest.raises(AssertionError, match="should be a number"):
        check_scalar(got, 1.0)


def test_check_scalar_rejects_nan():
    with pytest.raises(AssertionError, match="is nan"):
        check_scalar(float("nan"), 1.0)


def test_check_scalar_says_what_was_expected():
    with pytest.raises(AssertionError, match=r"loss should be 0\.25, but got 0\.5"):
        check_scalar(0.5, 0.25, name="loss")
    with pytest.raises(AssertionError):
        check_scalar(float("-inf"), float("inf"))


def test_check_scalar_wants_a_bool_when_a_bool_is_expected():
    check_scalar(True, True)
    check_scalar(np.False_, False)
    with pytest.raises(AssertionError, match="should be True"):
        check_scalar(1, True)
    with pytest.raises(AssertionError, match="should be True"):
        check_scalar(False, True)


def test_check_shape():
    check_shape(np.zeros((2, 3)), (2, 3))
    check_shape(torch.zeros(4), (4,))
    with pytest.raises(
        AssertionError, match=r"W should have shape \(3, 2\), but has shape \(2, 3\)"
    ):
        check_shape(np.zeros((2, 3)), (3, 2), name="W")
    with pytest.raises(AssertionError, match="should be a numpy array"):
        check_shape([[0, 0]], (1, 2))


def test_check_dtype():
    check_dtype(np.zeros(2), "float")
    check_dtype(np.zeros(2, dtype=np.uint8), "int")
    check_dtype(np.zeros(2, dtype=bool), "bool")
    with pytest.raises(
        AssertionError, match="y should have a dtype of kind 'int', but has dtype float64"
    ):
        check_dtype(np.zeros(2), "int", name="y")


def test_check_dtype_lists_the_kinds_it_knows():
    with pytest.raises(ValueError, match="kind must be one of bool, int, float, complex"):
        check_dtype(np.zeros(2), "float64")


def cube_sum(x):
    return np.sum(x**3)


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.5]])
    np.testing.assert_allclose(numerical_gradient(cube_sum, x), 3 * x**2, rtol=1e-6, atol=1e-8)


def test_numerical_gradient_leaves_x_as_it_was():
    x = np.array([0.1, 0.2, 0.3])
    numerical_gradient(cube_sum, x)
    np.testing.assert_array_equal(x, [0.1, 0.2, 0.3])


def test_numerical_gradient_leaves_x_as_it_was_even_when_f_fails():
    x = np.array([1.0, 2.0])

    def fails_above_one(v):
        if v[0] > 1:
            raise RuntimeError("boom")
        return v.sum()

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(fails_above_one, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


@pytest.mark.parametrize("x", [np.array([1, 2]), np.array([1.0], dtype=np.float32), [1.0, 2.0]])
def test_numerical_gradient_wants_a_float64_array(x):
    with pytest.raises(TypeError, match="x must be a float64 numpy array"):
        numerical_gradient(cube_sum, x)


def test_numerical_gradient_wants_f_to_return_one_number():
    with pytest.raises(ValueError, match=r"f must return a single number.*shape \(2,\)"):
        numerical_gradient(lambda x: x**2, np.array([1.0, 2.0]))


def test_gradient_check_of_a_least_squares_loss():
    rng = np.random.default_rng(0)
    A, t, W = rng.normal(size=(5, 3)), rng.normal(size=(5, 2)), rng.normal(size=(3, 2))

    def loss(W):
        return 0.5 * np.sum((A @ W - t) ** 2)

    right = A.T @ (A @ W - t)
    assert gradient_check(loss, W, right) < 1e-7
    assert gradient_check(loss, W, 2 * right) > 0.3
    assert gradient_check(loss, W, right + 1e-3) > 1e-5


def test_gradient_check_wants_a_gradient_shaped_like_x():
    with pytest.raises(
        ValueError, match=r"analytic_grad must have the shape of x \(3,\), got \(1, 3\)"
    ):
        gradient_check(cube_sum, np.ones(3), np.ones((1, 3)))


def test_relative_error():
    assert relative_error(2.0, 2.0) == 0.0
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error([1.0, 3.0], [1.0, 1.0]) == pytest.approx(0.5)
    assert relative_error(1.0, -1.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        relative_error(np.ones(2), np.ones(3))


def test_passed_prints_one_line_with_a_tick(capsys):
    passed("All visible tests of step() pass.")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "\u2714" in out and "All visible tests of step() pass." in out


def test_check_result_recurses_into_tuples_lists_and_dicts():
    expected = (np.arange(3.0), {"db": 0.5, "dW": np.ones((2, 2))}, [1, 2])
    check_result((np.arange(3.0), {"db": 0.5, "dW": np.ones((2, 2))}, [1, 2]), expected)
    with pytest.raises(AssertionError, match=r"result\[1\]\['dW'\].*shape"):
        check_result((np.arange(3.0), {"db": 0.5, "dW": np.ones(2)}, [1, 2]), expected)
    with pytest.raises(AssertionError, match="keys"):
        check_result((np.arange(3.0), {"db": 0.5}, [1, 2]), expected)
    with pytest.raises(AssertionError, match="tuple of 3 items"):
        check_result((np.arange(3.0),), expected)


def test_check_function_compares_every_case_with_the_reference():
    cases = [(np.linspace(-3, 3, 7),), (np.zeros((2, 3)),), (0.5,)]
    check_function(np.tanh, np.tanh, cases, "tanh")
    with pytest.raises(AssertionError, match=r"tanh \(case 1\): 6 of 7 values differ"):
        check_function(np.sin, np.tanh, cases, "tanh")


def test_check_function_rejects_an_object_equal_to_everything():
    with pytest.raises(AssertionError, match="numpy array"):
        check_function(lambda x: EqualToEverything(), np.tanh, [(np.ones(3),)], "tanh")


def test_check_function_gives_each_side_its_own_copy_of_the_inputs():
    def doubles_in_place(x):
        x *= 2
        return x

    x = np.ones(3)
    with pytest.raises(AssertionError):
        check_function(doubles_in_place, lambda x: x, [(x,)], "f")
    check_array(x, np.ones(3))


def test_check_judged_names_the_failing_case():
    def at_least_one(x, got):
        assert got >= 1, f"expected at least 1, got {got}"

    check_judged(lambda x: x + 1, at_least_one, [(0,), (5,)], "plus one")
    with pytest.raises(AssertionError, match=r"minus one \(case 1\): expected at least 1, got -1"):
        check_judged(lambda x: x - 1, at_least_one, [(0,), (5,)], "minus one")
