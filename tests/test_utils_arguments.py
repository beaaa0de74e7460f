"""utils.arguments: numbers and ints checked, bools refused, messages saying what was wanted."""

import math

import numpy as np
import pytest

from utils import arguments
from utils.arguments import ArgumentTypeError, integer, is_integer, is_number, number


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
        "integer",
        "is_integer",
        "is_number",
        "number",
    }
