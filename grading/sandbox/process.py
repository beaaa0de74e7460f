"""A running sandbox: the executor (runner.py) started in its jail, and one request at a time
over its pipes, every exchange with a deadline."""

from __future__ import annotations

import os
import select
import signal
import struct
import subprocess
import threading
import time
from pathlib import Path

from grading.sandbox import wire
from grading.sandbox.jail import Limits, launch


class SandboxDied(RuntimeError):
    """The submission's process ended (os._exit, a crash, a limit) or stopped answering."""


class Sandbox:
    """A running executor for one submission; request() sends one message, waits for a reply."""

    def __init__(self, notebook_name: str, notebook_bytes: bytes, slot: int = 0,
                 limits: Limits | None = None, data: Path | None = None,
                 figures: bool = True) -> None:  # fmt: skip
        self.limits = limits or Limits()
        self.jailed = launch(notebook_name, notebook_bytes, slot, self.limits, data)
        self.how, self.process = self.jailed.how, self.jailed.process
        self._stderr: list[bytes] = []
        threading.Thread(target=self._drain, daemon=True).start()
        self._out = self.process.stdout.fileno()
        self._buffer = b""
        hello = {"op": "hello", "allowed": self.jailed.allowed, "figures": figures,
                 "font_cache": self.jailed.fonts}  # fmt: skip
        try:
            reply = self.request(hello, timeout=120)
        except BaseException:
            self.close()
            raise
        if "fatal" in reply:
            self.close()
            raise SandboxDied(f"the executor could not start:\n{reply['fatal']}")
        self.startup = reply.get("startup", 0.0)

    def _drain(self) -> None:
        """Keep bwrap's own complaints (the runner sends its stderr to /dev/null)."""
        size = 0
        for chunk in iter(lambda: self.process.stderr.read(4096), b""):
            if size < 8192:
                self._stderr.append(chunk)
            size += len(chunk)

    def stderr(self) -> str:
        return b"".join(self._stderr).decode(errors="replace")[-2000:]

    def request(self, message: dict, timeout: float) -> dict:
        """Send one message; the reply, or SandboxDied when the process ends or goes silent."""
        try:
            wire.send(self.process.stdin.fileno(), message)
        except OSError as problem:
            raise SandboxDied(f"the notebook's process has ended ({problem})") from None
        deadline = time.monotonic() + timeout
        size = None
        while True:
            if size is None and len(self._buffer) >= 4:
                (size,) = struct.unpack(">I", self._buffer[:4])
                if size > wire.MAX_MESSAGE:
                    self.kill()
                    raise SandboxDied("the notebook's process broke the protocol")
            if size is not None and len(self._buffer) >= 4 + size:
                body, self._buffer = self._buffer[4 : 4 + size], self._buffer[4 + size :]
                import json

                try:
                    reply = json.loads(body)
                except ValueError:
                    reply = None
                if not isinstance(reply, dict):
                    self.kill()
                    raise SandboxDied("the notebook's process broke the protocol")
                return reply
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer in time")
            ready, _, _ = select.select([self._out], [], [], left)
            if ready:
                chunk = os.read(self._out, 2**20)
                if not chunk:
                    self.process.wait()
                    raise SandboxDied(self._death() + self.stderr()[-500:])
                self._buffer += chunk

    def _death(self) -> str:
        code = self.process.returncode
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            if -code == signal.SIGXCPU:
                return "the notebook's process was stopped at its CPU time limit (SIGXCPU)"
            return f"the notebook's process was killed by {name}"
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
