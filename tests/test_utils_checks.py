"""utils.checks: each check passes on right answers and explains wrong ones."""

import numpy as np
import pytest
import torch

import utils.checks as checks
from utils.checks import (
    CheckFailed,
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


def test_passed_prints_one_marked_line_in_plain_text(capsys):
    passed("All visible tests of step() pass.")
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("\u2714 PASSED: All visible tests of step() pass.")
    assert "\033" not in out  # no colour codes: plain text in a terminal, nbgrader and Voila


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


# ---------------------------------------------------------------- how a failure reads


def failure_of(check, *args, **kwargs):
    """The CheckFailed that check(*args, **kwargs) raises."""
    with pytest.raises(CheckFailed) as failure:
        check(*args, **kwargs)
    return failure.value


def test_a_failed_check_is_an_assertion_error_with_the_message_it_always_had():
    failure = failure_of(check_shape, np.zeros((2, 3)), (3, 2), name="W")
    assert isinstance(failure, AssertionError)
    assert str(failure) == "W should have shape (3, 2), but has shape (2, 3)"  # the grader's text


def test_a_failed_check_reads_as_one_block_what_was_checked_expected_got_and_a_hint():
    failure = failure_of(
        check_array,
        np.array([0, 0, 0, 1, 1]),
        np.array([0, 0, 1, 1, 1]),
        name="step([-2, -0.5, 0, 0.5, 3])",
        rtol=0.0,
        atol=0.0,
    )
    lines = failure.report().splitlines()
    assert lines[:6] == [
        "\u2718 FAILED: step([-2, -0.5, 0, 0.5, 3]): wrong values",
        "  checked:  each value, exactly",
        "  expected: [0, 0, 1, 1, 1]",
        "  got:      [0, 0, 0, 1, 1]",
        "            1 of 5 values differ:",
        "            at index (2,): expected 1, got 0",
    ]
    assert lines[6].startswith("  hint:     ") and len(lines) <= 9
    assert all(len(line) <= checks.WIDTH for line in lines)


def test_a_block_shows_at_most_three_differences_and_large_arrays_by_shape():
    failure = failure_of(check_array, np.arange(20.0) + 1, np.arange(20.0), name="x")
    report = failure.report()
    assert "20 of 20 values differ:" in report and report.count("at index") == 3
    assert "... and 17 more" in report
    assert "expected: an array of shape (20,) and dtype float64" in report
    assert "to within rtol=1e-07 (relative) or atol=1e-12 (absolute)" in report
    assert "off by the same +1" in report  # the hint sees the pattern
    assert str(failure).count("at index") == 5  # the message itself is as it was


@pytest.mark.parametrize(
    ("got", "expected", "hint"),
    [
        (np.array([-0.5, 0.25]), np.array([0.5, -0.25]), "wrong sign"),
        (np.array([1.0, 4.0, 0.0]), np.array([0.5, 2.0, 0.0]), "2 times the expected one"),
        (np.array([np.nan, 1.0]), np.array([0.5, 1.0]), "nan comes from 0 / 0"),
        (np.array([np.inf, 1.0]), np.array([0.5, 1.0]), "inf comes from an overflow"),
        (np.array([0.5001, 1.0]), np.array([0.5, 1.0]), "close, but not within the tolerance"),
        (np.array([0.1, 0.9]), np.array([0.5, 0.3]), "work out the value at index (0,) by hand"),
    ],
)
def test_a_wrong_values_hint_names_the_pattern(got, expected, hint):
    assert hint in failure_of(check_array, got, expected).hint


@pytest.mark.parametrize(
    ("got", "shape", "hint"),
    [
        ((3, 1), (3,), "an extra axis of length 1"),
        ((3,), (3, 1), "an axis of length 1 is missing"),
        ((2, 3), (3, 2), "the transpose of the expected shape"),
        ((4, 4), (4,), "broadcast to (n, n)"),
        ((), (3,), "one number where an array is expected"),
        ((6,), (2, 3), "arranged in another shape"),
        ((2,), (5,), "check the axis="),
    ],
)
def test_a_wrong_shape_hint_names_the_likely_slip(got, shape, hint):
    failure = failure_of(check_shape, np.zeros(got), shape, name="out")
    assert failure.problem == "wrong shape"
    assert f"expected: shape {shape}" in failure.report() and hint in failure.hint


@pytest.mark.parametrize(
    ("check", "args"),
    [
        (check_array, (np.ones(3),)),
        (check_scalar, (0.5,)),
        (check_number, ()),
        (check_tuple, (2,)),
        (check_keys, (["W1"],)),
        (check_numbers, (3,)),
    ],
)
def test_none_as_an_answer_says_the_function_returned_nothing(check, args):
    failure = failure_of(check, None, *args, name="step([-2, 0, 3])")
    assert failure.kind == "none"
    assert "`step` returned nothing (None)" in failure.hint
    assert "without a `return` statement returns None" in failure.hint


def test_none_from_an_unnamed_answer_still_explains_none():
    failure = failure_of(check_number, None, name="the trained b")
    assert failure.report().startswith("\u2718 FAILED: the trained b: None")
    assert "the function returned nothing (None)" in failure.hint


@pytest.mark.parametrize(
    ("got", "hint"),
    [
        ((1.0, 2.0, 3.0), "should return exactly 2 values, separated by commas: `return w, b`"),
        (np.array([1.0, 2.0]), "as a tuple, `return w, b`, not as one array"),
        ({"w": 1, "b": 2}, "not a dict"),
        (3.0, "should return 2 values"),
    ],
)
def test_a_wrong_number_of_values_says_what_to_return(got, hint):
    failure = failure_of(check_tuple, got, 2, name="perceptron_step's answer (w, b)")
    assert hint in failure.hint
    assert "expected: a tuple of 2 items" in failure.report()


def test_scalar_and_number_failures_have_their_hints():
    assert "2 times the expected value" in failure_of(check_scalar, 0.5, 0.25, name="loss").hint
    assert "1/3 of the expected value" in failure_of(check_scalar, 1.0, 3.0).hint
    assert "the sign is wrong" in failure_of(check_scalar, -0.5, 0.5).hint
    assert "nan comes from" in failure_of(check_scalar, float("nan"), 0.5).hint
    per_sample = failure_of(check_number, np.ones(4), name="b")
    assert "got:      [1., 1., 1., 1.]" in per_sample.report()
    assert "reduce it to one number" in per_sample.hint
    assert "int(...)" in failure_of(check_number, 3.0, integer=True).hint


def test_key_and_dtype_failures_have_their_hints():
    keys = failure_of(check_keys, {"dw": 1}, ["dW"], name="grads")
    assert "capitals included: 'dw' is not 'dW'" in keys.hint
    assert ".astype(np.int64)" in failure_of(check_dtype, np.zeros(2), "int").hint
    assert "strings" in failure_of(check_array, np.array(["a"]), np.array([1.0])).hint
    assert "finite numbers" in failure_of(check_real_array, np.array([np.inf]), (1,)).report()


def test_a_judged_case_names_the_case_and_keeps_the_inner_check():
    def judge(x, got):
        check_tuple(got, 2, "train's answer (w, b)")

    failure = failure_of(check_judged, lambda x: None, judge, [(1,)], "train")
    assert str(failure).startswith("train (case 1): train's answer (w, b) should be a tuple")
    assert failure.report().startswith("\u2718 FAILED: train (case 1): train's answer (w, b)")
    assert "`train` returned nothing" in failure.hint


def test_a_plain_judge_assertion_becomes_the_headline():
    def judge(x, got):
        if got <= 1:  # (a plain assert here would get pytest's rewritten message)
            raise AssertionError("accuracy 50 %; at least 85 % is needed")

    failure = failure_of(check_judged, lambda x: 0, judge, [(1,)], "train")
    assert str(failure) == "train (case 1): accuracy 50 %; at least 85 % is needed"
    assert (
        failure.report() == "\u2718 FAILED: train (case 1): accuracy 50 %; at least 85 % is needed"
    )


def ascii_stdout(monkeypatch):
    """sys.stdout replaced by one that can only write ASCII; what it got is returned by read()."""
    import io

    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="ascii")
    monkeypatch.setattr("sys.stdout", stream)

    def read():
        stream.flush()
        return buffer.getvalue().decode("ascii")

    return read


def test_marks_fall_back_to_plain_ascii_where_the_output_cannot_show_them(monkeypatch):
    passed("reset the count")
    read = ascii_stdout(monkeypatch)
    passed("step works")
    assert read() == "PASSED: step works\n"
    assert failure_of(check_scalar, 1.0, 2.0).report().startswith("FAILED: result: wrong value")


def test_passed_counts_the_checks_that_passed_before_it(capsys):
    passed("reset")
    check_array(np.ones(2), np.ones(2))
    check_result((np.ones(2), {"b": 0.5}), (np.ones(2), {"b": 0.5}))  # one check, many inside
    with pytest.raises(CheckFailed):
        check_scalar(1.0, 2.0)  # a failure does not count
    passed("both pass")
    passed("again")
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == ["\u2714 PASSED: both pass (2 checks)", "\u2714 PASSED: again"]


# ---------------------------------------------------------------- plain Python


def run_python(code):
    """Run code in a new Python; its stderr."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    return done.stderr


def test_in_plain_python_a_failure_is_an_ordinary_exception_with_its_hint():
    err = run_python(
        "import numpy as np, utils.checks\n"
        "utils.checks.check_array(None, np.ones(3), name='step([-2, 0, 3])')\n"
    )
    assert "utils.checks.CheckFailed: step([-2, 0, 3]) should be a numpy array, but got" in err
    assert err.count("utils/checks/") == 1  # one frame of utils/checks/, not one per inner check
    assert err.rstrip().splitlines()[-1].startswith("hint: `step` returned nothing (None).")


def test_in_plain_python_an_unwritten_exercise_keeps_its_error_with_a_note():
    err = run_python(
        "import numpy as np, utils.checks\n"
        "def sigmoid(z):\n"
        "    raise NotImplementedError()\n"
        "utils.checks.check_function(sigmoid, np.tanh, [(np.ones(2),)], 'sigmoid')\n"
    )
    assert "\nNotImplementedError\n" in err
    assert "NOT DONE YET: `sigmoid` is not written yet" in err
    assert "replace `raise NotImplementedError()` in the cell defining `sigmoid`" in err


# ---------------------------------------------------------------- in IPython


@pytest.fixture
def shell(monkeypatch):
    """An IPython shell with the handler of utils.checks, as a notebook's kernel has it."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    if InteractiveShell.initialized():
        pytest.skip("another IPython shell is running in this process")
    config = Config()
    config.HistoryManager.enabled = False
    ipython = InteractiveShell.instance(config=config, colors="nocolor")
    checks.install()
    monkeypatch.setattr(checks, "FULL_TRACEBACKS", False)
    try:
        yield ipython
    finally:
        InteractiveShell.clear_instance()


def run_cells(shell, capsys, *cells):
    """Run the cells in the shell; what the last one printed and the error it raised."""
    for code in cells:
        capsys.readouterr()
        result = shell.run_cell(code, store_history=True)
    return capsys.readouterr().out, result.error_before_exec or result.error_in_exec


SETUP = "import numpy as np\nimport utils\nutils.checks.check_scalar(1, 1)"
STEP_TESTS = (
    "z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])\n"
    "utils.checks.check_array(\n"
    '    step(z), np.array([0, 0, 1, 1, 1]), name="step([-2, -0.5, 0, 0.5, 3])", rtol=0, atol=0\n'
    ")\n"
    'utils.checks.passed("step works on the visible examples")\n'
)


def test_in_ipython_a_failed_check_is_one_block_without_internal_frames(shell, capsys):
    out, error = run_cells(
        shell, capsys, SETUP, "def step(z):\n    return (z > 0).astype(int)", STEP_TESTS
    )
    assert isinstance(error, CheckFailed)
    assert out.startswith("\u2718 FAILED: step([-2, -0.5, 0, 0.5, 3]): wrong values\n")
    assert "utils/checks/" not in out and "Traceback" not in out and "-->" not in out
    assert "expected: [0, 0, 1, 1, 1]\n  got:      [0, 0, 0, 1, 1]\n" in out


def test_in_ipython_a_passing_cell_ends_with_one_marked_line(shell, capsys):
    out, error = run_cells(
        shell, capsys, SETUP, "def step(z):\n    return (z >= 0).astype(int)", STEP_TESTS
    )
    assert error is None
    assert out == "\u2714 PASSED: step works on the visible examples (1 check)\n"


def test_in_ipython_an_untouched_exercise_says_which_and_what_to_write(shell, capsys):
    stub = 'def step(z):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    out, error = run_cells(shell, capsys, SETUP, stub, STEP_TESTS)
    assert type(error) is NotImplementedError
    assert out.splitlines() == [
        "\u2718 NOT DONE YET: `step` is not written yet (it still raises NotImplementedError)",
        "  hint:     replace `raise NotImplementedError()` in the cell defining `step` with your code,",
        "            run that cell, then run this one again.",
    ]


def test_in_ipython_an_unwritten_helper_names_its_caller(shell, capsys):
    cells = ("def step(z):\n    raise NotImplementedError()", "def train(z):\n    return step(z)")
    out, _ = run_cells(shell, capsys, SETUP, *cells, "train(1)")
    assert "NOT DONE YET: `step` is not written yet" in out and "used by:  train" in out


def test_in_ipython_an_unwritten_cell_says_so(shell, capsys):
    out, _ = run_cells(shell, capsys, SETUP, "# YOUR CODE HERE\nraise NotImplementedError()")
    assert out.startswith("\u2718 NOT DONE YET: this cell still raises NotImplementedError\n")


def test_in_ipython_none_returned_to_a_check_names_the_function(shell, capsys):
    cells = ("def output(X, w, b):\n    print(X @ w + b >= 0)", "X = np.ones((3, 2))")
    check = "utils.checks.check_array(output(X, np.ones(2), -1.0), np.ones(3), name='3 students')"
    out, error = run_cells(shell, capsys, SETUP, *cells, check)
    assert isinstance(error, CheckFailed)
    assert "FAILED: 3 students: None" in out and "got:      None" in out
    assert "`output` returned nothing (None)" in out and "utils/checks/" not in out


def test_in_ipython_an_if_on_an_array_gets_the_elementwise_fix(shell, capsys):
    cells = ("def step(z):\n    if z >= 0:\n        return 1\n    return 0", STEP_TESTS)
    out, error = run_cells(shell, capsys, SETUP, *cells)
    assert isinstance(error, ValueError)
    assert out.startswith("\u2718 ERROR in step: a whole array used as one True / False\n")
    assert ", line 2, in step: if z >= 0:" in out  # where, in the student's own code
    flat = " ".join(out.split())
    assert "use `np.where(z >= 0, 1, 0)` or `(z >= 0).astype(int)` instead of `if z >= 0:`" in flat
    assert "utils/checks/" not in out and "Traceback" not in out


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        ("return max(0, z)", "np.maximum(0, z)"),
        ("return 1 if z > 0 and z < 5 else 0", "use `&`, `|` and `~`"),
    ],
)
def test_in_ipython_other_truth_value_slips_get_their_fix(shell, capsys, line, fix):
    out, _ = run_cells(shell, capsys, SETUP, f"def f(z):\n    {line}", "f(np.ones(3))")
    assert fix in " ".join(out.split())


def test_in_ipython_a_matmul_mismatch_shows_the_shapes(shell, capsys):
    cells = ("def output(X, w, b):\n    return (w @ X + b >= 0).astype(int)", "X = np.ones((3, 2))")
    out, error = run_cells(shell, capsys, SETUP, *cells, "output(X, np.ones(2), -1.0)")
    assert isinstance(error, ValueError) and str(error).startswith("matmul:")
    assert out.startswith("\u2718 ERROR in output: the shapes of a matrix product do not fit\n")
    assert "shapes:   w has shape (2,), X has shape (3, 2)" in out
    assert "(X @ w, not w @ X)" in out


def test_in_ipython_np_dot_and_broadcasting_mismatches_are_explained(shell, capsys):
    dot, _ = run_cells(shell, capsys, SETUP, "A = np.ones((2, 3))\nA.dot(A)")
    assert "shapes of a matrix product" in dot and "A has shape (2, 3)" in dot
    broadcast, _ = run_cells(shell, capsys, SETUP, "np.ones((4, 3)) + np.ones(4)")
    assert "ERROR: arrays whose shapes do not broadcast" in broadcast


@pytest.mark.parametrize(
    ("body", "headline", "hint"),
    [
        ("w = w + lr", "`perceptron_step` returned None, so there is nothing to unpack into w_new,"
         " b_new", "`return w_new, b_new`"),
        ("return w, b, lr", "`perceptron_step` returned more than 2 values, but this line unpacks 2"
         " into w_new, b_new", "return exactly 2 values"),
        ("return (w,)", "`perceptron_step` returned 1 values, but this line unpacks 2",
         "return exactly 2 values"),
        ("return 1.5", "`perceptron_step` returned one float, not 2 values", "return all 2 values"),
    ],
)  # fmt: skip
def test_in_ipython_a_wrong_number_of_values_to_unpack_is_explained(
    shell, capsys, body, headline, hint
):
    fn = f"def perceptron_step(X, y, w, b, lr):\n    {body}"
    call = "w_new, b_new = perceptron_step(np.ones((2, 2)), np.ones(2), np.ones(2), -4.0, 0.5)"
    out, error = run_cells(shell, capsys, SETUP, fn, call)
    assert isinstance(error, (TypeError, ValueError))
    assert out.startswith(f"\u2718 ERROR: {headline}")
    assert hint in " ".join(out.split())


def test_in_ipython_a_none_on_a_line_is_explained(shell, capsys):
    out, _ = run_cells(shell, capsys, SETUP, "def f():\n    pass", "f().shape")
    assert "a value on this line is None" in out and "without a `return`" in out


def test_in_ipython_a_visible_assert_is_one_block(shell, capsys):
    cell = "accuracy = 0.5\nassert accuracy >= 0.85, f'{accuracy:.0%} correct; 85 % needed'"
    out, error = run_cells(shell, capsys, SETUP, cell)
    assert type(error) is AssertionError
    assert out.splitlines()[:2] == [
        "\u2718 FAILED: 50% correct; 85 % needed",
        "  checked:  accuracy >= 0.85",
    ]
    assert "Traceback" not in out


def test_in_ipython_other_errors_keep_their_traceback_less_our_frames(shell, capsys):
    cell = "def f(x):\n    return x[10]\nutils.checks.check_function(f, lambda x: x, [(np.ones(3),)], 'f')"
    out, error = run_cells(shell, capsys, SETUP, cell)
    assert isinstance(error, IndexError)
    assert "Traceback" in out and "return x[10]" in out and "IndexError: index 10" in out
    assert "utils/checks/" not in out and "_called" not in out


def test_in_ipython_errors_outside_the_notebooks_code_are_shown_as_ipython_does(shell, capsys):
    out, error = run_cells(shell, capsys, SETUP, "utils.checks.check_dtype(np.ones(2), 'real')")
    assert isinstance(error, ValueError) and "Traceback" in out and "kind must be one of" in out
    syntax, error = run_cells(shell, capsys, SETUP, "def g(:\n    pass")
    assert isinstance(error, SyntaxError) and "SyntaxError" in syntax


def test_in_ipython_full_tracebacks_can_be_asked_for(shell, capsys, monkeypatch):
    monkeypatch.setattr(checks, "FULL_TRACEBACKS", True)
    out, _ = run_cells(shell, capsys, SETUP, "utils.checks.check_array(None, np.ones(2))")
    assert "utils/checks/" in out and "Traceback" in out


def test_in_ipython_another_registered_handler_is_left_alone(shell, capsys):
    shell.set_custom_exc((ValueError,), lambda *args, **kwargs: print("theirs"))
    shell._utils_checks = False
    checks.install()
    assert shell.custom_exceptions == (ValueError,)


# ---------------------------------------------------------------- in a notebook's kernel


def lesson_cell(notebook, grade_id):
    """A cell of a notebook by its nbgrader grade_id."""
    return next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def test_in_a_kernel_the_lessons_tests_fail_in_one_block_and_still_score_zero():
    """Lesson 01's own cells, run by nbclient as nbgrader runs them: each failing test cell has
    an error output (ename, evalue) with no utils/checks/ frame, and nbgrader scores it 0."""
    import copy

    import nbformat
    from nbclient import NotebookClient
    from nbgrader.utils import determine_grade

    from grading.course import REPO

    lesson = nbformat.read(REPO / "lessons/01-perceptron/perceptron.ipynb", as_version=4)
    tests = lesson_cell(lesson, "step-tests")
    answers = {
        "untouched": lesson_cell(lesson, "step").source,
        "wrong": "def step(z):\n    return (np.asarray(z) > 0).astype(np.int64)",
        "if": "def step(z):\n    if z >= 0:\n        return 1\n    return 0",
        "none": "def step(z):\n    print((z >= 0).astype(int))",
        "right": "def step(z):\n    return (np.asarray(z) >= 0).astype(np.int64)",
    }
    notebook = nbformat.v4.new_notebook(metadata=lesson.metadata)
    notebook.cells = [nbformat.v4.new_code_cell("import numpy as np\n\nimport utils")]
    for code in answers.values():
        notebook.cells += [nbformat.v4.new_code_cell(code), copy.deepcopy(tests)]
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(REPO)}},
    ).execute()
    ran = dict(zip(answers, notebook.cells[2::2], strict=True))
    expected = {
        "untouched": ("NotImplementedError", "NOT DONE YET: `step` is not written yet"),
        "wrong": ("CheckFailed", "FAILED: step([-2, -0.5, 0, 0.5, 3]): wrong values"),
        "if": ("ValueError", "ERROR in step: a whole array used as one True / False"),
        "none": ("CheckFailed", "FAILED: step([-2, -0.5, 0, 0.5, 3]): None"),
    }
    for case, (ename, headline) in expected.items():
        errors = [o for o in ran[case].outputs if o.output_type == "error"]
        assert len(errors) == 1, case
        text = "\n".join(errors[0].traceback)
        assert errors[0].ename == ename and errors[0].evalue is not None, case
        assert text.startswith(f"\u2718 {headline}"), (case, text)
        assert "utils/checks/" not in text and "Traceback" not in text and "\033[" not in text, case
        assert determine_grade(ran[case]) == (0, 1.0), case
    outputs = ran["right"].outputs
    assert [o.output_type for o in outputs] == ["stream"]
    assert outputs[0].text == "\u2714 PASSED: step works on the visible examples (2 checks)\n"
    assert determine_grade(ran["right"]) == (1.0, 1.0)
