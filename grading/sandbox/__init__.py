"""The sandbox a submission runs in: its jail (jail.py), the running process and its channel
(process.py), the executor inside (runner.py) and the plain-data wire protocol (wire.py)."""

from grading.sandbox.jail import Limits, Sandboxing, font_cache, probe
from grading.sandbox.process import Sandbox, SandboxDied

__all__ = ["Limits", "Sandbox", "SandboxDied", "Sandboxing", "font_cache", "probe"]
