"""Plain data across the sandbox wall: None, bools, numbers, strings, numeric arrays and
tuples, lists and dicts of them, nothing else. A compact binary encoding (no pickle, no eval):
every size is read and checked against what is left of the message before anything is allocated,
and nesting is bounded, so a hostile message costs at most its own length.

This file is copied into the sandbox beside runner.py; it imports only the standard library and
numpy (torch tensors become arrays on the sending side, when torch is loaded there).
"""

from __future__ import annotations

import os
import re
import select
import struct
import sys
import time

import numpy as np

MAX_MESSAGE = 64 * 2**20  # bytes in one message; a longer one is refused unread
MAX_DEPTH = 32  # containers inside containers
MAX_DIMS = 32
MAX_INT_DIGITS = 4000
DTYPE_KINDS = "biufc"  # bool, signed and unsigned int, float, complex
_U32, _I64, _F64 = struct.Struct(">I"), struct.Struct(">q"), struct.Struct(">d")
INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only (str.isdigit takes "²" and the like)


class WireError(ValueError):
    """A value that is not plain data, or a message that breaks the protocol."""


# ---------------------------------------------------------------- encoding


def encode(value: object) -> bytes:
    """value as bytes; WireError for anything that is not plain data."""
    chunks: list[bytes] = []
    _encode(value, chunks, 0)
    return b"".join(chunks)


def _encode(value: object, out: list[bytes], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    kind = type(value)
    if value is None:
        out.append(b"N")
    elif kind is bool:
        out.append(b"T" if value else b"F")
    elif kind is int:
        if -(2**63) <= value < 2**63:
            out += [b"i", _I64.pack(value)]
        else:
            _text(b"I", str(value), out)
    elif kind is float:
        out += [b"f", _F64.pack(value)]
    elif kind is str:
        _text(b"s", value, out)
    elif isinstance(value, (np.ndarray, np.generic)):
        _array(value, out)
    elif kind in (tuple, list):
        out += [b"t" if kind is tuple else b"l", _U32.pack(len(value))]
        for item in value:
            _encode(item, out, depth + 1)
    elif kind is dict:
        out += [b"d", _U32.pack(len(value))]
        for key, item in value.items():
            if type(key) not in (str, int):
                raise WireError(f"a dict key of type {type(key).__name__}")
            _encode(key, out, depth + 1)
            _encode(item, out, depth + 1)
    else:
        raise WireError(f"a {kind.__module__}.{kind.__qualname__}")


def _text(tag: bytes, text: str, out: list[bytes]) -> None:
    data = text.encode("utf-8", "surrogatepass")
    out += [tag, _U32.pack(len(data)), data]


def _array(value: np.ndarray | np.generic, out: list[bytes]) -> None:
    array = np.asarray(value)  # (not ascontiguousarray: it makes a 0-d array 1-d)
    if not array.flags.c_contiguous:
        array = array.copy(order="C")
    if type(array) is not np.ndarray:  # a subclass crosses as a plain array
        array = array.view(np.ndarray)
    if array.dtype.kind not in DTYPE_KINDS or array.dtype.fields is not None:
        raise WireError(f"an array of dtype {array.dtype} (only numbers and booleans)")
    dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
    array = array.astype(dtype, copy=False)
    name = dtype.str.encode()
    out += [b"g" if isinstance(value, np.generic) else b"a", bytes([len(name)]), name]
    out += [bytes([array.ndim]), *[_I64.pack(n) for n in array.shape], array.tobytes()]


# ---------------------------------------------------------------- decoding


def decode(data: bytes) -> object:
    """The value encode() wrote; WireError for anything malformed, oversized or left over."""
    reader = _Reader(memoryview(data))
    value = reader.value(0)
    if reader.at != len(data):
        raise WireError("bytes left over after the value")
    return value


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data, self.at = data, 0

    def take(self, n: int) -> memoryview:
        if n < 0 or self.at + n > len(self.data):
            raise WireError("a value runs past the end of the message")
        piece = self.data[self.at : self.at + n]
        self.at += n
        return piece

    def u32(self) -> int:
        return _U32.unpack(self.take(4))[0]

    def value(self, depth: int) -> object:
        if depth > MAX_DEPTH:
            raise WireError("nested too deeply")
        tag = bytes(self.take(1))
        if tag == b"N":
            return None
        if tag in (b"T", b"F"):
            return tag == b"T"
        if tag == b"i":
            return _I64.unpack(self.take(8))[0]
        if tag == b"f":
            return _F64.unpack(self.take(8))[0]
        if tag in (b"s", b"I"):
            text = self.text()
            if tag == b"s":
                return text
            if len(text) > MAX_INT_DIGITS or not INTEGER.fullmatch(text):
                raise WireError("a malformed integer")
            return int(text)
        if tag in (b"a", b"g"):
            return self.array(scalar=tag == b"g")
        if tag in (b"t", b"l"):
            count = self.u32()
            self.room_for(count)
            items = [self.value(depth + 1) for _ in range(count)]
            return tuple(items) if tag == b"t" else items
        if tag == b"d":
            count = self.u32()
            self.room_for(2 * count)
            result = {}
            for _ in range(count):
                key = self.value(depth + 1)
                if type(key) not in (str, int):
                    raise WireError("a dict key that is not a string or an integer")
                result[key] = self.value(depth + 1)
            return result
        raise WireError(f"an unknown tag {tag!r}")

    def room_for(self, items: int) -> None:
        """Each item takes at least one byte: refuse a count the message cannot hold."""
        if items > len(self.data) - self.at:
            raise WireError("a container claims more items than the message holds")

    def text(self) -> str:
        try:
            return bytes(self.take(self.u32())).decode("utf-8", "surrogatepass")
        except UnicodeDecodeError as problem:
            raise WireError(f"malformed text: {problem}") from None

    def array(self, scalar: bool) -> np.ndarray | np.generic:
        name = bytes(self.take(self.take(1)[0])).decode("ascii", "replace")
        try:
            dtype = np.dtype(name)
        except TypeError:
            raise WireError(f"an unknown dtype {name!r}") from None
        if dtype.kind not in DTYPE_KINDS or dtype.fields is not None or dtype.str != name:
            raise WireError(f"an array of dtype {name!r} (only numbers and booleans)")
        ndim = self.take(1)[0]
        if ndim > MAX_DIMS:
            raise WireError(f"an array of {ndim} dimensions")
        shape = tuple(_I64.unpack(self.take(8))[0] for _ in range(ndim))
        if any(n < 0 for n in shape):
            raise WireError(f"an array of shape {shape}")
        size = dtype.itemsize
        for n in shape:  # checked before anything is allocated
            size *= n
            if size > len(self.data) - self.at:
                raise WireError(f"an array of shape {shape} longer than the message")
        try:  # an empty array may still claim a shape numpy cannot make
            array = np.frombuffer(self.take(size), dtype=dtype).reshape(shape).copy()
        except ValueError as problem:
            raise WireError(f"an array of shape {shape}: {problem}") from None
        return array[()] if scalar and ndim == 0 else array


# ---------------------------------------------------------------- messages on descriptors


def send(fd: int, message: dict, deadline: float | None = None) -> None:
    """Write one length-prefixed message; TimeoutError when the reader stops reading in time."""
    body = encode(message)
    if len(body) > MAX_MESSAGE:
        raise WireError(f"a message of {len(body)} bytes (at most {MAX_MESSAGE})")
    data = memoryview(_U32.pack(len(body)) + body)
    while data:
        _in_time(deadline)
        try:
            written = os.write(fd, data[: 2**20])
        except BlockingIOError:
            _wait(fd, deadline, write=True)
            continue
        data = data[written:]


def receive(fd: int, deadline: float | None = None) -> dict:
    """Read one message (EOFError when the other side is gone, TimeoutError past deadline)."""
    (size,) = _U32.unpack(_read_exact(fd, 4, deadline))
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size} bytes (at most {MAX_MESSAGE})")
    message = decode(_read_exact(fd, size, deadline))
    if not isinstance(message, dict):
        raise WireError("a message that is not a dict")
    return message


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes:
    chunks, left = [], n
    while left:
        _in_time(deadline)
        try:
            chunk = os.read(fd, min(left, 2**20))
        except BlockingIOError:
            _wait(fd, deadline, write=False)
            continue
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _in_time(deadline: float | None) -> None:
    """TimeoutError once the deadline has passed, even while the other side keeps data coming."""
    if deadline is not None and time.monotonic() > deadline:
        raise TimeoutError("no answer in time")


def _wait(fd: int, deadline: float | None, write: bool) -> None:
    """Wait until a non-blocking fd is ready, or raise TimeoutError at the deadline (the
    grader's side sets its descriptors non-blocking; the sandbox's block, with no deadline)."""
    left = float("inf") if deadline is None else deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("no answer in time")
    wait = None if left == float("inf") else left
    ready = select.select([], [fd], [], wait)[1] if write else select.select([fd], [], [], wait)[0]
    if not ready:
        raise TimeoutError("no answer in time")
