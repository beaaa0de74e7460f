"""What the sandbox reports, validated before the grader uses it (grading/README.md, rule 1).

Every reply is untrusted: a cell's status and outputs, its error, the flags the executor raised.
Each is checked for type, size and count here, and cut to what feedback can show; a reply that
does not fit is a ProtocolError, which makes the submission that student's error."""

from __future__ import annotations

from grading.sandbox import ProtocolError
from grading.untrusted import ESCAPES, UNPRINTABLE

MAX_FLAGS = 30  # flags kept from one sandbox
MAX_FLAG = 300  # characters of one flag
MAX_OUTPUTS = 25  # outputs of one cell
MAX_TEXT = 25_000  # characters of one stream output or text value
MAX_IMAGE = 800_000  # characters of one base64 image
MIME_TYPES = ("image/png", "text/html", "text/plain")
STATUSES = ("ok", "error", "timeout")


def text(value: object, limit: int = MAX_TEXT) -> str:
    """A string from the sandbox, control characters removed (newlines and tabs kept) and cut."""
    if not isinstance(value, str):
        raise ProtocolError(f"a {type(value).__name__} where text belongs")
    return UNPRINTABLE.sub("", ESCAPES.sub("", value[:limit]))


def flags(reply: dict) -> list[str]:
    """The executor's flags: at most MAX_FLAGS strings, each one line, cut."""
    raw = reply.get("flags", [])
    if not isinstance(raw, list):
        raise ProtocolError("flags that are not a list")
    return [" ".join(text(flag, MAX_FLAG).split()) for flag in raw[:MAX_FLAGS]]


def run_reply(reply: dict) -> dict:
    """A cell's run: status, outputs and error, each checked."""
    status = reply.get("status")
    if status not in STATUSES:
        raise ProtocolError(f"a cell status {str(status)[:40]!r}")
    outputs = reply.get("outputs", [])
    if not isinstance(outputs, list):
        raise ProtocolError("outputs that are not a list")
    return {"status": status, "outputs": [output(o) for o in outputs[:MAX_OUTPUTS]],
            "error": error(reply.get("error")), "flags": flags(reply)}  # fmt: skip


def output(value: object) -> dict:
    """One output: a stream's text, or display data in the MIME types feedback shows."""
    if not isinstance(value, dict):
        raise ProtocolError("an output that is not a dict")
    if value.get("output_type") == "stream":
        name = value.get("name")
        if name not in ("stdout", "stderr"):
            raise ProtocolError(f"a stream named {str(name)[:40]!r}")
        return {"output_type": "stream", "name": name, "text": text(value.get("text", ""))}
    data = value.get("data")
    if value.get("output_type") != "display_data" or not isinstance(data, dict):
        raise ProtocolError("an output of no known kind")
    kept = {}
    for mime in MIME_TYPES:
        if mime in data:
            limit = MAX_IMAGE if mime == "image/png" else MAX_TEXT
            kept[mime] = text(data[mime], limit)
    return {"output_type": "display_data", "data": kept}


def error(value: object) -> dict | None:
    """A cell's error (ename, evalue, traceback), or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError("an error that is not a dict")
    return {key: text(value.get(key, ""), 4000) for key in ("ename", "evalue", "traceback")}


def call_reply(reply: dict) -> tuple[bool, object, str]:
    """A hidden call's (ok, value, error message)."""
    ok = reply.get("ok")
    if type(ok) is not bool:
        raise ProtocolError("a call reply without ok")
    return ok, reply.get("value"), "" if ok else text(reply.get("error", ""), 600)


def problems(reply: dict) -> list[str]:
    """The integrity check's list of changes to the machinery."""
    raw = reply.get("problems", [])
    if not isinstance(raw, list):
        raise ProtocolError("problems that are not a list")
    return [text(p, MAX_FLAG) for p in raw[:MAX_FLAGS]]


def scrubbed(value: object) -> object:
    """value with every string made valid UTF-8 (a lone surrogate, from a reply or from the
    notebook's own JSON, would crash the writing of every file after it)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    if isinstance(value, dict):
        return {scrubbed(key): scrubbed(item) for key, item in value.items()}
    return value
