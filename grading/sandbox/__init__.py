"""The sandbox a submission runs in: its jail (jail.py), the running process and its channel
(process.py), the executor inside (runner.py) and the plain-data wire protocol (wire.py)."""

from grading.sandbox.jail import Limits, Sandboxing, font_cache, probe
from grading.sandbox.process import ProtocolError, Sandbox, SandboxDied, StartFailed

__all__ = ["Limits", "ProtocolError", "Sandbox", "SandboxDied", "Sandboxing", "StartFailed",
           "font_cache", "probe"]  # fmt: skip
