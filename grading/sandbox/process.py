"""A running sandbox: the executor (runner.py) started in its jail, and one request at a time
over its pipes. Every exchange has a deadline, the write as well as the read, so a sandbox that
stops reading or answering can never block the grader; every reply must carry its request's
sequence number; proxy requests are answered only by the `serve` function of the request under
way (grading/README.md, rules 2 and 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from grading.sandbox import wire
from grading.sandbox.jail import Limits, launch

START_TIMEOUT = 120  # seconds for a fresh sandbox to import the course and say hello
MAX_PROXY_CALLS = 200_000  # proxy requests within one request (lesson 04 needs about 8,000)


class SandboxDied(RuntimeError):
    """The submission's process ended (os._exit, a crash, a limit)."""


class ProtocolError(RuntimeError):
    """The sandbox sent something the protocol does not allow (malformed, oversized, unasked)."""


class StartFailed(RuntimeError):
    """The sandbox could not start its executor or import the course: the grader's problem."""


class Sandbox:
    """A running executor for one submission; request() sends one message, waits for a reply.

    With wait=False the constructor returns as soon as the jail is launched, and the executor
    starts (imports, `preload` statements) while the grader does other work; ready() waits."""

    def __init__(self, notebook_name: str, notebook_bytes: bytes, slot: int = 0,
                 limits: Limits | None = None, data: Path | None = None,
                 figures: bool = True, preload: tuple[str, ...] = (),
                 wait: bool = True) -> None:  # fmt: skip
        self.limits = limits or Limits()
        self.jailed = launch(notebook_name, notebook_bytes, slot, self.limits, data)
        self.how, self.process = self.jailed.how, self.jailed.process
        self._stderr: list[bytes] = []
        threading.Thread(target=self._drain, daemon=True).start()
        self._in, self._out = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(self._in, False)
        os.set_blocking(self._out, False)
        self._seq = 0
        self.refused: list[str] = []  # proxy requests that came when none was allowed
        self.startup: float | None = None  # seconds the executor took to start, once ready
        hello = {"op": "hello", "allowed": self.jailed.allowed, "figures": figures,
                 "font_cache": self.jailed.fonts, "preload": list(preload)}  # fmt: skip
        self._hello_seq = self._post(hello, time.monotonic() + START_TIMEOUT)
        if wait:
            self.ready()

    def ready(self) -> Sandbox:
        """Wait until the executor has started (StartFailed if it cannot); returns self."""
        if self.startup is not None:
            return self
        try:
            reply = self._await(self._hello_seq, time.monotonic() + START_TIMEOUT, None)
        except (SandboxDied, TimeoutError, ProtocolError) as problem:
            self.close()
            raise StartFailed(f"the sandbox did not start: {problem}\n{self.stderr()}") from None
        if "fatal" in reply:
            self.close()
            raise StartFailed(f"the sandbox could not start:\n{str(reply['fatal'])[-2000:]}")
        self.startup = (
            float(reply.get("startup", 0.0)) if type(reply.get("startup")) is float else 0.0
        )
        return self

    def _drain(self) -> None:
        """Keep bwrap's own complaints (the runner sends its stderr to /dev/null)."""
        size = 0
        for chunk in iter(lambda: self.process.stderr.read(4096), b""):
            if size < 8192:
                self._stderr.append(chunk)
            size += len(chunk)

    def stderr(self) -> str:
        """What bubblewrap (not the student) wrote on stderr, the end of it."""
        return b"".join(self._stderr).decode(errors="replace")[-2000:]

    def request(self, message: dict, timeout: float,
                serve: Callable[[dict], dict] | None = None) -> dict:  # fmt: skip
        """Send one message and return its reply. Proxy requests that come first go to `serve`
        (refused when None). TimeoutError past the deadline, SandboxDied when the process ends,
        ProtocolError for anything the protocol does not allow."""
        self.ready()
        deadline = time.monotonic() + timeout
        return self._await(self._post(message, deadline), deadline, serve)

    def _post(self, message: dict, deadline: float) -> int:
        """Send a message with the next sequence number; that number."""
        self._seq += 1
        message["seq"] = self._seq
        self._send(message, deadline)
        return self._seq

    def _await(self, seq: int, deadline: float, serve: Callable[[dict], dict] | None) -> dict:
        """The reply to request seq, answering proxy requests that come first."""
        asked = 0
        while True:
            reply = self._receive(deadline)
            if "ref" in reply:
                asked += 1
                if asked > MAX_PROXY_CALLS:
                    raise ProtocolError(
                        f"more than {MAX_PROXY_CALLS} calls for the grader to answer"
                    )
                self._answer(self._answer_proxy(reply, serve), deadline)
            elif reply.get("re") == seq or reply.get("op") == "forked-ended":
                return reply
            else:
                raise ProtocolError(f"a reply to no request (to {reply.get('re')!r}, not {seq})")

    def receive_event(self, timeout: float) -> dict:
        """The next message that is not a proxy request (those are refused meanwhile)."""
        self.ready()
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if "ref" not in message:
                return message
            self._answer(self._answer_proxy(message, None), deadline)

    def _answer_proxy(self, request: dict, serve: Callable[[dict], dict] | None) -> dict:
        if serve is None:
            name = str(request.get("ref"))[:80]
            if len(self.refused) < 30:
                self.refused.append(name)
            return {"op": "ref-reply", "ok": False, "error": "the grader answers this only "
                    "during the test that needs it"}  # fmt: skip
        return {"op": "ref-reply", **serve(request)}

    def _answer(self, answer: dict, deadline: float) -> None:
        """Send a proxy's answer; one too large for the wire becomes a refusal."""
        try:
            self._send(answer, deadline)
        except wire.WireError as problem:
            self._send(
                {"op": "ref-reply", "ok": False, "error": f"the answer is too large ({problem})"},
                deadline,
            )

    def _send(self, message: dict, deadline: float) -> None:
        try:
            wire.send(self._in, message, deadline)
        except TimeoutError:
            raise
        except OSError as problem:  # a broken pipe: the process is gone
            raise SandboxDied(self._death() + f" ({problem})") from None

    def _receive(self, deadline: float) -> dict:
        try:
            return wire.receive(self._out, deadline)
        except EOFError:
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            raise SandboxDied(self._death() + self.stderr()[-500:]) from None
        except (wire.WireError, ValueError, RecursionError, MemoryError) as problem:
            raise ProtocolError(f"the notebook's process broke the protocol: {problem}") from None

    def _death(self) -> str:
        code = self.process.poll()
        if code is not None and code < 0:
            if -code == signal.SIGXCPU:
                return "the notebook's process was stopped at its CPU time limit (SIGXCPU)"
            return f"the notebook's process was killed by {signal.Signals(-code).name}"
        if code is None:
            return "the notebook's process closed its channel"
        return f"the notebook's process exited (status {code})"

    def kill(self) -> None:
        """Stop everything in the sandbox (its own session and process group)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        """Kill the sandbox and remove what it left on the host."""
        self.kill()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.jailed.cleanup()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
