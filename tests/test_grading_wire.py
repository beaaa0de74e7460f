"""The wire between grader and sandbox: plain data only, malformed messages refused before
anything is allocated, a silent reader never blocks the sender."""

import os

import numpy as np
import pytest

from grading.sandbox import wire


def test_plain_data_round_trips():
    value = (np.arange(6.0).reshape(2, 3), [1, 2.5, True, None, "x", 2**80], {"a": np.int64(3)})
    back = wire.decode(wire.encode(value))
    assert isinstance(back, tuple) and isinstance(back[1], list)
    np.testing.assert_array_equal(back[0], value[0])
    assert back[1] == [1, 2.5, True, None, "x", 2**80] and back[2]["a"] == 3
    assert type(back[2]["a"]) is np.int64
    big_endian = np.arange(3, dtype=">f8")
    np.testing.assert_array_equal(wire.decode(wire.encode(big_endian)), big_endian)


class Rigged(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [object(), Rigged(1.0), np.array([object()]), {1.5: 2}])
def test_anything_but_plain_data_is_refused(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


def test_an_array_subclass_crosses_as_a_plain_array():
    class Odd(np.ndarray):
        def __eq__(self, other):
            return True

    back = wire.decode(wire.encode(np.zeros(3).view(Odd)))
    assert type(back) is np.ndarray


def _array_header(dtype: str, shape: tuple) -> bytes:
    import struct

    head = b"a" + bytes([len(dtype)]) + dtype.encode() + bytes([len(shape)])
    return head + b"".join(struct.pack(">q", n) for n in shape)


@pytest.mark.parametrize(
    "message",
    [
        _array_header("<f8", (10**6, 10**6)),  # 8 TB claimed: refused before any allocation
        _array_header("|O", (1,)) + b"\0" * 8,  # objects (pickles) never cross
        _array_header("<f8", (-1,)),
        b"l" + (2**31).to_bytes(4, "big"),  # more items than bytes
        b"l\0\0\0\1" * 10_000 + b"N",  # 10,000 nested lists
        b"s\0\0\0\5ab",  # truncated text
        b"Nx",  # bytes left over
        b"?",
        b"I\0\0\0\3" + b"1e9",  # an integer that is not digits
    ],
)
def test_malformed_messages_are_refused_cheaply(message):
    with pytest.raises(wire.WireError):
        wire.decode(message)


def test_a_silent_reader_cannot_block_the_sender():
    import time

    read, write = os.pipe()
    os.set_blocking(write, False)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.send(write, {"big": "x" * 2**20}, deadline=time.monotonic() + 0.5)
    assert time.monotonic() - started < 2
    os.close(read)
    os.close(write)
