"""utils.arguments: numbers and ints checked, bools refused, messages saying what was wanted."""

import math

import numpy as np
import pytest

from utils import arguments
from utils.arguments import (
    ArgumentTypeError,
    array,
    integer,
    is_integer,
    is_number,
    labels,
    number,
    points,
)


@pytest.mark.parametrize("value", [0, 3, -2.5, 1e300, np.float32(0.5), np.int64(7)])
def test_is_number_takes_finite_reals(value):
    assert is_number(value)


@pytest.mark.parametrize("value", [True, False, "1", None, [1.0], math.inf, math.nan, 1j])
def test_is_number_refuses_bools_strings_and_non_finite_values(value):
    assert not is_number(value)


def test_is_number_takes_inf_and_nan_when_finite_is_not_asked():
    assert is_number(math.inf, finite=False) and is_number(math.nan, finite=False)
    assert not is_number(True, finite=False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, True), (np.int8(-1), True), (True, False), (2.0, False), ("2", False)],
)
def test_is_integer_takes_ints_only_and_no_bool(value, expected):
    assert is_integer(value) is expected


def test_number_returns_a_float():
    assert number(np.float32(0.5), "lr") == 0.5 and type(number(2, "lr")) is float
    assert number(0.0, "noise", at_least=0) == 0.0
    assert number(3, "x", at_least=1, at_most=3) == 3.0


@pytest.mark.parametrize(
    ("kwargs", "value", "message"),
    [
        ({"positive": True}, True, "eta must be a number > 0, got bool True"),
        ({}, "fast", "eta must be a number, got str 'fast'"),
        ({"at_least": 0}, None, "eta must be a number >= 0, got NoneType None"),
        (
            {"at_least": 1, "at_most": 2},
            [1],
            "eta must be a number >= 1 and <= 2, got a list of 1 item",
        ),
    ],
)
def test_number_refuses_a_wrong_type_saying_what_came(kwargs, value, message):
    with pytest.raises(TypeError) as error:
        number(value, "eta", **kwargs)
    assert str(error.value) == message
    assert isinstance(error.value, ArgumentTypeError) and isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "value", "message"),
    [
        ({"positive": True}, 0.0, "eta must be a finite number > 0, got 0.0"),
        ({"positive": True}, np.float64(-1), "eta must be a finite number > 0, got -1.0"),
        ({}, math.inf, "eta must be a finite number, got inf"),
        ({"at_least": 0}, math.nan, "eta must be a finite number >= 0, got nan"),
        (
            {"at_least": 0, "at_most": 0.5},
            0.9,
            "eta must be a finite number >= 0 and <= 0.5, got 0.9",
        ),
        ({"at_least": 0, "finite": False}, -1, "eta must be a number >= 0, got -1.0"),
        ({"finite": False}, math.nan, "eta must be a number, got nan"),
    ],
)
def test_number_refuses_a_value_out_of_range_with_a_value_error(kwargs, value, message):
    with pytest.raises(ValueError) as error:
        number(value, "eta", **kwargs)
    assert str(error.value) == message and not isinstance(error.value, TypeError)


def test_number_takes_inf_when_finite_is_not_asked():
    assert number(math.inf, "eta", positive=True, finite=False) == math.inf


def test_integer_returns_an_int():
    assert integer(np.int64(5), "n") == 5 and type(integer(np.int64(5), "n")) is int
    assert integer(0, "start", at_least=0) == 0 and integer(-4, "offset") == -4


@pytest.mark.parametrize(
    ("kwargs", "value", "error", "message"),
    [
        ({"at_least": 1}, True, TypeError, "n must be a positive int, got bool True"),
        ({"at_least": 1}, 2.5, TypeError, "n must be a positive int, got float 2.5"),
        ({"at_least": 1}, 0, ValueError, "n must be a positive int, got 0"),
        ({"at_least": 2}, 1, ValueError, "n must be an int >= 2, got 1"),
        (
            {"at_least": 1, "at_most": 200},
            np.int64(201),
            ValueError,
            "n must be an int >= 1 and <= 200, got 201",
        ),
        ({"at_most": 3}, 4, ValueError, "n must be an int <= 3, got 4"),
        ({}, "3", TypeError, "n must be an int, got str '3'"),
    ],
)
def test_integer_refuses_bad_values_saying_what_was_wanted(kwargs, value, error, message):
    with pytest.raises(error) as raised:
        integer(value, "n", **kwargs)
    assert str(raised.value) == message


def test_a_wrong_type_is_a_value_error_too():
    with pytest.raises(ValueError, match="n must be a positive int"):
        integer("100", "n", at_least=1)


def test_the_public_names_are_the_checks():
    assert set(arguments.__all__) == {
        "ArgumentTypeError",
        "array",
        "integer",
        "is_integer",
        "is_number",
        "labels",
        "number",
        "points",
    }


# --- arrays ----------------------------------------------------------------------------------


def test_array_returns_float64_from_lists_ints_and_tensors():
    torch = pytest.importorskip("torch")
    got = array([[1, 2], [3, 4]], "X", ("n", 2))
    assert got.dtype == np.float64 and got.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    grad = torch.ones(3, 2, requires_grad=True)
    assert array(grad, "X", ("n", 2)).shape == (3, 2)
    assert array(np.arange(6, dtype=np.uint8).reshape(2, 3), "image").dtype == np.float64
    maps = [torch.ones(2, 2, requires_grad=True), torch.zeros(2, 2)]  # a list of tensors
    assert array(maps, "maps", ("n", "height", "width")).sum() == 4.0


@pytest.mark.parametrize(
    ("value", "shape", "message"),
    [
        (
            np.zeros((5, 3)),
            ("n", 2),
            "X must be a numeric array of shape (n, 2), got an array of shape (5, 3) and dtype"
            " float64",
        ),
        (
            np.zeros(4),
            ("n", 2),
            "X must be a numeric array of shape (n, 2), got an array of shape (4,) and dtype"
            " float64 (1-D, not 2-D)",
        ),
        (np.zeros(3), (2,), "X must be two numbers, got an array of shape (3,) and dtype float64"),
        (
            np.zeros((2, 3)),
            (2, 2),
            "X must be a 2x2 matrix, got an array of shape (2, 3) and dtype float64",
        ),
        (
            np.zeros((2, 2)),
            ("n",),
            "X must be a numeric array of shape (n,), got an array of shape (2, 2) and dtype"
            " float64 (2-D, not 1-D)",
        ),
    ],
)
def test_array_refuses_a_wrong_shape_saying_what_was_wanted(value, shape, message):
    with pytest.raises(ValueError) as error:
        array(value, "X", shape)
    assert str(error.value) == message and not isinstance(error.value, TypeError)


def test_array_refuses_bools_and_says_how_to_turn_them_into_numbers():
    with pytest.raises(ArgumentTypeError) as error:
        array(np.ones((3, 2), dtype=bool), "X", ("n", 2))
    assert str(error.value) == (
        "X must hold real numbers (not bools: write .astype(float) for 0 and 1),"
        " got an array of shape (3, 2) and dtype bool"
    )


@pytest.mark.parametrize("value", [[["a", "b"]], [[1 + 2j, 0]]])
def test_array_refuses_strings_and_complex_numbers(value):
    with pytest.raises(ArgumentTypeError, match="X must hold real numbers, got an array of"):
        array(value, "X", ("n", 2))


@pytest.mark.parametrize(
    ("value", "got"),
    [
        (None, "NoneType None"),
        ({"a": 1}, "a dict with the keys ['a']"),
        ([[None, 1.0]], "a list of 1 item"),
        ("1, 2", "str '1, 2'"),
    ],
)
def test_array_says_what_came_when_it_is_no_array_at_all(value, got):
    with pytest.raises(ArgumentTypeError) as error:
        array(value, "X", ("n", 2))
    assert str(error.value) == f"X must be a numeric array of shape (n, 2), got {got}"


def test_array_names_the_shapes_of_a_ragged_list():
    with pytest.raises(ArgumentTypeError) as error:
        array([[1.0, 2.0], [3.0]], "X", ("n", 2))
    assert str(error.value) == (
        "X must be a numeric array of shape (n, 2), got a ragged list whose items do not all"
        " have one shape: (2,), (1,)"
    )


def test_array_refuses_an_empty_array_unless_asked():
    with pytest.raises(ValueError, match=r"X must not be empty: wanted a numeric array of shape"):
        array(np.zeros((0, 2)), "X", ("n", 2))
    assert array([], "losses", ("n",), empty=True).shape == (0,)


def test_array_refuses_nan_and_inf_only_when_finite_is_asked():
    value = [1.0, math.nan, math.inf]
    assert np.isnan(array(value, "x", ("n",))[1])
    with pytest.raises(ValueError) as error:
        array(value, "x", ("n",), finite=True)
    assert str(error.value) == (
        "x must be finite numbers, got 2 nan or inf in an array of shape (3,) and dtype float64"
    )
    with pytest.raises(ValueError, match=r"^start must be two finite numbers, got"):
        array([1.0, 2.0, 3.0], "start", (2,), finite=True)


def test_array_takes_any_shape_when_none_is_asked():
    assert array(5, "x").shape == () and array(np.ones((2, 3, 4)), "x").shape == (2, 3, 4)


# --- labels ----------------------------------------------------------------------------------


def test_labels_are_int64_from_ints_whole_floats_and_bools():
    assert labels([0, 2, 1], "y", 3).tolist() == [0, 2, 1]
    assert labels(np.array([1.0, 0.0, 1.0]), "y", 3, classes=2).dtype == np.int64
    assert labels(np.array([True, False, True]), "y", 3, classes=2).tolist() == [1, 0, 1]
    assert labels(np.arange(7), "labels").shape == (7,)  # any length without n


def test_labels_must_be_as_many_as_asked_for():
    with pytest.raises(ValueError) as error:
        labels(np.zeros(3), "y", 4, match="X (4, 2)")
    assert str(error.value) == "y must have shape (4,) to match X (4, 2), got shape (3,)"
    with pytest.raises(ValueError) as error:
        labels(np.zeros((2, 1)), "predicted", 2)
    assert str(error.value) == "predicted must have shape (2,), got shape (2, 1)"
    with pytest.raises(ValueError, match="y must be a 1-D array of class labels, got an array"):
        labels(np.zeros((3, 1)), "y")


@pytest.mark.parametrize(
    ("value", "classes", "message"),
    [
        ([0, 2], 2, "y must hold the labels 0 and 1 only; got the values [0 2]"),
        ([0.5, 1.0], None, "y must hold class labels 0, 1, 2, ...; got the values [0.5 1. ]"),
        ([-1, 1], None, "y must hold class labels 0, 1, 2, ...; got the values [-1  1]"),
        ([3, 10], 10, "y must hold the classes 0 to 9 only; got the values [ 3 10]"),
        (
            np.arange(20),
            10,
            "y must hold the classes 0 to 9 only; got 20 values from 0 to 19",
        ),
        ([0.0, math.nan], 2, "y must hold the labels 0 and 1 only; got the values [ 0. nan]"),
    ],
)
def test_labels_refuse_values_that_are_no_classes(value, classes, message):
    with pytest.raises(ValueError) as error:
        labels(value, "y", classes=classes)
    assert str(error.value) == message


def test_labels_refuse_strings_as_a_type_error():
    with pytest.raises(ArgumentTypeError, match="y must hold class labels"):
        labels(["cat", "dog"], "y")


def test_points_checks_the_points_and_their_labels_together():
    X, y = points([[0, 1], [2, 3]], [1, 0])
    assert X.dtype == np.float64 and y.dtype == np.int64 and y.tolist() == [1, 0]
    assert points(np.zeros((2, 3)), [0, 1], width=3)[0].shape == (2, 3)
    with pytest.raises(ValueError, match=r"y must have shape \(2,\) to match X \(2, 2\)"):
        points(np.zeros((2, 2)), [0, 1, 1])
    with pytest.raises(ValueError, match="labels 0 and 1 only"):
        points(np.zeros((2, 2)), [0, 2], classes=2)
