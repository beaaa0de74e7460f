"""Plain data across the sandbox wall: numbers, strings, arrays and containers of them, nothing
else. Decoding never runs code (no pickle): arrays travel as .npy bytes read with
allow_pickle=False, so a student object with a rigged __eq__ or __bool__ cannot cross.

This file is copied into the sandbox beside runner.py; it imports only the standard library and
numpy (torch tensors are turned into arrays on the sending side, when torch is loaded).
"""

from __future__ import annotations

import base64
import io
import json
import struct
import sys

import numpy as np

MAX_MESSAGE = 256 * 2**20  # bytes; a bigger message is refused
MAX_DEPTH = 20


class WireError(ValueError):
    """A value that is not plain data, or a message that breaks the protocol."""


def encode(value: object, depth: int = 0) -> object:
    """value as JSON-ready plain data; WireError for anything that is not plain."""
    if depth > MAX_DEPTH:
        raise WireError("nested too deeply")
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return {"t": "v", "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.array(value, copy=True, subok=False)
        if array.dtype.kind not in "biufc":
            raise WireError(f"an array of dtype {array.dtype} (only numbers and booleans)")
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        scalar = isinstance(value, np.generic)
        return {"t": "np", "scalar": scalar, "b": base64.b64encode(buffer.getvalue()).decode()}
    if kind in (tuple, list):
        return {"t": kind.__name__, "v": [encode(item, depth + 1) for item in value]}
    if kind is dict:
        items = []
        for key, item in value.items():
            if type(key) not in (str, int):
                raise WireError(f"a dict key of type {type(key).__name__}")
            items.append([key, encode(item, depth + 1)])
        return {"t": "dict", "v": items}
    raise WireError(f"a {kind.__module__}.{kind.__qualname__}")


def decode(data: object, depth: int = 0) -> object:
    """The value encode() described; WireError for anything malformed."""
    if depth > MAX_DEPTH or not isinstance(data, dict):
        raise WireError("malformed value")
    tag = data.get("t")
    if tag == "v" and (data.get("v") is None or type(data.get("v")) in (bool, str)):
        return data["v"]
    if tag == "int" and isinstance(data.get("v"), str) and len(data["v"]) < 5000:
        return int(data["v"])
    if tag == "float" and isinstance(data.get("v"), str):
        return float(data["v"])
    if tag == "np" and isinstance(data.get("b"), str):
        array = np.load(io.BytesIO(base64.b64decode(data["b"])), allow_pickle=False)
        if type(array) is not np.ndarray or array.dtype.kind not in "biufc":
            raise WireError("malformed array")
        return array[()] if data.get("scalar") and array.ndim == 0 else array
    if tag in ("tuple", "list") and isinstance(data.get("v"), list):
        items = [decode(item, depth + 1) for item in data["v"]]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict" and isinstance(data.get("v"), list):
        result = {}
        for pair in data["v"]:
            if not (isinstance(pair, list) and len(pair) == 2 and type(pair[0]) in (str, int)):
                raise WireError("malformed dict")
            result[pair[0]] = decode(pair[1], depth + 1)
        return result
    raise WireError("malformed value")


def send(fd: int, message: dict) -> None:
    """Write one length-prefixed JSON message to a file descriptor."""
    import os

    body = json.dumps(message).encode()
    data = struct.pack(">I", len(body)) + body
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _read_exact(fd: int, n: int) -> bytes:
    import os

    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 2**20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> dict:
    """Read one length-prefixed JSON message (EOFError when the other side is gone)."""
    (size,) = struct.unpack(">I", _read_exact(fd, 4))
    if size > MAX_MESSAGE:
        raise WireError(f"a message of {size} bytes")
    message = json.loads(_read_exact(fd, size))
    if not isinstance(message, dict):
        raise WireError("a message that is not an object")
    return message
