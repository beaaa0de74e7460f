"""utils.checks: each check passes on right answers and explains wrong ones."""

import numpy as np
import pytest
import torch

from utils.checks import (
    check_array,
    check_dtype,
    check_function,
    check_judged,
    check_keys,
    check_number,
    check_numbers,
    check_real_array,
    check_result,
    check_scalar,
    check_shape,
    check_tuple,
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
    ("got", "expected"),
    [
        (np.array([1, 2]), np.array([1.0, 2.0])),  # ints where floats are expected
        (np.zeros(3, dtype=np.int64), np.zeros(3)),  # unroll written with max(0, ...)
        (np.array([1.0, 0.0]), np.array([True, False])),
        (np.array([True, False]), np.array([1, 0])),  # bool where 0/1 ints are expected
        (np.array([1, 0]), np.array([True, False])),
        (np.array([3, 7], dtype=np.uint8), np.array([3, 7])),
        (np.array([2.0, 5.0]), np.array([2, 5])),  # whole floats where ints are expected
    ],
)
def test_check_array_compares_values_across_real_dtypes(got, expected):
    check_array(got, expected)


@pytest.mark.parametrize(
    ("got", "expected", "message"),
    [
        (np.array([1.0, 2.5]), np.array([1, 2]), "1 of 2 values differ"),  # ints compare exactly
        (np.array([2, 0]), np.array([True, False]), "1 of 2 values differ"),
        (np.array([1 + 0j, 2 + 0j]), np.array([1.0, 2.0]), "should hold real numbers"),
        (np.array(["a", "b"]), np.array([1.0, 2.0]), "should hold real numbers"),
    ],
)
def test_check_array_still_rejects_other_values_and_non_numbers(got, expected, message):
    with pytest.raises(AssertionError, match=message):
        check_array(got, expected)


def test_check_array_has_an_absolute_tolerance_by_default():
    # 0.5 * (1 + tanh(z / 2)) rounds sigmoid(-50) = 1.9e-22 to 0: right to 1e-22.
    check_array(np.array([0.0, 1.0]), np.array([1.9287498479639178e-22, 1.0]))
    with pytest.raises(AssertionError, match="1 of 1 values differ"):
        check_array(np.array([1e-9]), np.array([0.0]))
    with pytest.raises(AssertionError, match="1 of 1 values differ"):
        check_array(np.array([1e-22]), np.array([0.0]), atol=0.0)


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
    "got",
    [
        0.5,
        np.float64(0.5),
        np.float32(0.5),
        np.array(0.5),
        torch.tensor(0.5),
        np.array([0.5]),  # a one-element array, e.g. b = theta[2:]
        np.array([[0.5]]),
        torch.tensor([0.5]),
    ],
)
def test_check_scalar_passes_numbers_of_any_flavour(got):
    check_scalar(got, 0.5)


@pytest.mark.parametrize("got", [3, np.int64(3), np.array([3]), 3.0, np.array([3.0])])
def test_check_scalar_passes_a_whole_number_in_any_form(got):
    check_scalar(got, 3)


def test_check_scalar_takes_the_expected_value_in_any_form_too():
    check_scalar(0.5, np.array([0.5]))
    check_scalar(np.array([0.5]), np.float32(0.5))


def test_check_scalar_passes_ints_and_nearly_equal_floats():
    check_scalar(3, 3)
    check_scalar(3.0, 3)
    check_scalar(0.1 + 0.2, 0.3)
    check_scalar(float("inf"), float("inf"))


@pytest.mark.parametrize("got", [True, np.True_, np.array([True]), "0.5", [0.5], None, 1 + 0j])
def test_check_scalar_rejects_what_is_not_a_number(got):
    with pytest.raises(AssertionError, match="should be a (single )?number, but got"):
        check_scalar(got, 1.0)


def test_check_scalar_rejects_an_array_of_several_numbers_naming_its_shape():
    per_sample = np.where(np.array([1, 0, 1, 1]) == 1, 1e9, -1e9)  # a "b" for every point
    with pytest.raises(
        AssertionError, match=r"b should be a single number, but got an array of shape \(4,\)"
    ):
        check_scalar(per_sample, 0.3, name="b")


@pytest.mark.parametrize("got", [float("nan"), np.float64("nan"), np.array([np.nan])])
def test_check_scalar_rejects_nan(got):
    with pytest.raises(AssertionError, match="is nan"):
        check_scalar(got, 1.0)


def test_check_scalar_has_an_absolute_tolerance():
    # -log(1 + 1e-12) from np.log(P + 1e-12): right to 1e-12 where the answer is 0.
    check_scalar(-np.log(1.0 + 1e-12), 0.0, rtol=1e-6, atol=1e-9)
    check_scalar(1e-13, 0.0)
    with pytest.raises(AssertionError, match="should be 0.0, but got 1e-09"):
        check_scalar(1e-9, 0.0)
    # A product of probabilities that underflowed: -log(0) is inf, far from any tolerance.
    with pytest.raises(AssertionError, match="should be 2083.0, but got inf"):
        check_scalar(float("inf"), 2083.0, rtol=1e-6, atol=1e-9)


def test_check_scalar_says_what_was_expected():
    with pytest.raises(AssertionError, match=r"loss should be 0\.25, but got 0\.5"):
        check_scalar(0.5, 0.25, name="loss")
    with pytest.raises(AssertionError):
        check_scalar(float("-inf"), float("inf"))


def test_check_scalar_wants_a_true_value_when_a_bool_is_expected():
    check_scalar(True, True)
    check_scalar(np.False_, False)
    check_scalar(1, True)
    with pytest.raises(AssertionError, match="should be True"):
        check_scalar(False, True)
    with pytest.raises(AssertionError, match="should be True"):
        check_scalar("yes", True)


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
    with pytest.raises(AssertionError, match=r"tuple \(or list\) of 3 items, but got a tuple of 1"):
        check_result((np.arange(3.0),), expected)


def test_check_result_takes_a_list_for_a_tuple_and_a_tuple_for_a_list():
    check_result([np.ones(2), 0.5, [1, 2]], (np.ones(2), 0.5, (1, 2)))
    check_result((1.0, 2.0), [1.0, 2.0])
    with pytest.raises(AssertionError, match="should be a tuple"):
        check_result(np.array([1.0, 2.0]), (1.0, 2.0))


def test_check_result_takes_any_form_of_a_number_inside_containers():
    check_result((np.ones(2), np.array([0.3])), (np.ones(2), 0.3))
    check_result({"db": np.float32(0.5), "n": np.array(3)}, {"db": 0.5, "n": 3})
    check_result(np.array(0.5), np.array(0.5))  # a 0-d expected array is a number


def test_check_result_rejects_a_per_sample_b_and_nan_inside_containers():
    with pytest.raises(AssertionError, match=r"result\[1\] should be a single number"):
        check_result((np.ones(2), np.array([1e9, -1e9, 1e9])), (np.ones(2), 0.3))
    with pytest.raises(AssertionError, match=r"result\['b'\] is nan"):
        check_result({"b": float("nan")}, {"b": 0.3})


def test_check_result_names_missing_and_extra_keys():
    with pytest.raises(AssertionError, match=r"lacks \['dW'\] and has the extra keys \['dw'\]"):
        check_result({"db": 0.5, "dw": np.ones(2)}, {"db": 0.5, "dW": np.ones(2)})


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


def test_check_function_passes_accurate_formulas_that_round_differently():
    def reference(z):
        z = np.asarray(z, dtype=np.float64)
        small = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + small), small / (1 + small))

    def via_tanh(z):
        return 0.5 * (1 + np.tanh(np.asarray(z, dtype=np.float64) / 2))

    def clipped(z):
        return 1 / (1 + np.exp(-np.clip(z, -500, 500)))

    cases = [(np.array([-1000.0, -745.0, -50.0, -0.5, 0.0, 3.0, 50.0, 1000.0]),)]
    for accurate in (via_tanh, clipped):
        check_function(accurate, reference, cases, "sigmoid")  # the default tolerances
        check_function(accurate, reference, cases, "sigmoid", rtol=1e-9, atol=1e-12)
    with pytest.raises(AssertionError, match="values differ"):
        check_function(np.tanh, reference, cases, "sigmoid")


def test_check_function_says_why_an_answer_could_not_be_checked():
    class Odd(dict):
        def __iter__(self):
            raise RuntimeError("no iterating me")

    with pytest.raises(
        AssertionError,
        match=r"f \(case 1\): the answer could not be checked: RuntimeError: no iterating me",
    ):
        check_function(lambda: Odd(a=1), lambda: {"a": 1}, [()], "f")


def test_check_judged_says_why_an_answer_could_not_be_judged():
    def judge(x, got):
        assert float(got) > 0  # float() of a two-element array raises TypeError

    with pytest.raises(
        AssertionError,
        match=r"g \(case 1\): the answer could not be checked: TypeError: only 0-dimensional",
    ):
        check_judged(lambda x: np.array([x, x]), judge, [(1.0,)], "g")


def test_check_judged_names_the_failing_case():
    def at_least_one(x, got):
        assert got >= 1, f"expected at least 1, got {got}"

    check_judged(lambda x: x + 1, at_least_one, [(0,), (5,)], "plus one")
    with pytest.raises(AssertionError, match=r"minus one \(case 1\): expected at least 1, got -1"):
        check_judged(lambda x: x - 1, at_least_one, [(0,), (5,)], "minus one")


@pytest.mark.parametrize(
    "got", [0.3, 3, np.float32(0.3), np.int64(3), np.array(0.3), np.array([0.3]), np.array([[3]])]
)
def test_check_number_takes_any_form_of_one_number(got):
    value = check_number(got, "b")
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    assert value == pytest.approx(float(np.ravel(got)[0]))


@pytest.mark.parametrize(
    ("got", "message"),
    [
        (np.where(np.array([1, 0, 1]) == 1, 1e9, -1e9), r"b should be a single number, but got an "
         r"array of shape \(3,\)"),
        (np.zeros(0), r"b should be a single number, but got an array of shape \(0,\)"),
        (True, "b should be a number, but got bool True"),
        (np.True_, "b should be a number, but got bool"),
        (np.array([False]), "b should be a single number, but got an array of shape"),
        ("0.3", "b should be a number, but got str"),
        ([0.3], "b should be a number, but got a list of 1 item"),
        (None, "b should be a number, but got NoneType"),
        (float("nan"), "b is nan"),
        (np.array([np.inf]), "b is inf: a finite number was expected"),
    ],
)  # fmt: skip
def test_check_number_rejects_everything_else(got, message):
    with pytest.raises(AssertionError, match=message):
        check_number(got, "b")


def test_check_number_can_allow_inf_and_can_insist_on_an_int():
    assert check_number(float("-inf"), finite=False) == float("-inf")
    assert check_number(np.array([14]), integer=True) == 14
    for got in (14.0, np.float64(14.0), np.array([14.0])):
        with pytest.raises(AssertionError, match=r"should be a whole number \(an int\)"):
            check_number(got, integer=True)


def test_check_numbers_takes_a_list_tuple_or_array_of_numbers():
    expected = np.array([0.5, 0.25, 3.0])
    for got in ([0.5, np.float64(0.25), np.array([3.0])], (0.5, 0.25, 3), expected.copy()):
        np.testing.assert_array_equal(check_numbers(got, 3, "losses"), expected)


@pytest.mark.parametrize(
    ("got", "message"),
    [
        ([0.5, 0.25], r"losses should be a list of 3 numbers, but got a list of 2 items"),
        (np.ones(2), r"losses should have shape \(3,\), but has shape \(2,\)"),
        ([0.5, float("nan"), 1.0], r"losses\[1\] is nan"),
        ([0.5, True, 1.0], r"losses\[1\] should be a number"),
        (np.array([0.5, np.inf, 1.0]), r"losses holds inf at index \(1,\)"),
        ({"a": 1}, "should be a list of 3 numbers, but got a dict"),
    ],
)
def test_check_numbers_rejects_everything_else(got, message):
    with pytest.raises(AssertionError, match=message):
        check_numbers(got, 3, "losses")


def test_check_tuple_takes_a_tuple_or_a_list():
    assert check_tuple([1, 2], 2) == (1, 2)
    assert check_tuple((1, 2), 2) == (1, 2)
    for got in ((1, 2, 3), np.array([1, 2]), {"w": 1, "b": 2}, None):
        with pytest.raises(AssertionError, match=r"answer should be a tuple \(or list\) of 2"):
            check_tuple(got, 2, "answer")


def test_check_keys():
    params = {"W1": 1, "b1": 2}
    assert check_keys(params, ["b1", "W1"]) is params
    with pytest.raises(AssertionError, match=r"should have the keys \['W1', 'b1'\], but it lacks"):
        check_keys({"W1": 1}, ["W1", "b1"])
    with pytest.raises(AssertionError, match=r"should be a dict with the keys \['W1'\], but got"):
        check_keys([("W1", 1)], ["W1"])


def test_check_real_array_takes_bool_int_and_float_arrays_and_gives_floats():
    for got in (np.array([1, 0]), np.array([True, False]), np.array([1.0, 0.0], dtype=np.float32)):
        values = check_real_array(got, (2,), "w")
        assert values.dtype == np.float64
        np.testing.assert_array_equal(values, [1.0, 0.0])
    check_real_array(np.array([np.nan]), (1,), finite=False)


@pytest.mark.parametrize(
    ("got", "message"),
    [
        ([1.0, 2.0], "w should be a numpy array, but got a list of 2 items"),
        (np.ones(3), r"w should have shape \(2,\), but has shape \(3,\)"),
        (np.array([1.0, np.nan]), r"w holds nan at index \(1,\): finite numbers expected"),
        (np.array([1j, 2j]), "w should hold real numbers, but has dtype complex128"),
    ],
)
def test_check_real_array_rejects_everything_else(got, message):
    with pytest.raises(AssertionError, match=message):
        check_real_array(got, (2,), "w")
