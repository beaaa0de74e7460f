"""The executor inside the sandbox: runs one submission's cells as the grader sends them.

Started by grading.sandbox with requests on stdin and replies on stdout (both moved to private
descriptors at once; the student's stdout and stderr are captured per cell and capped). It never
sees a hidden test: the grader sends visible cell code, then asks for calls of the student's
functions on inputs it made (in a child forked for the test and thrown away after it), and
compares the answers in a process that never ran student code. Earlier exercises that a test
needs right are proxies whose every call the grader answers. Everything this process reports is
untrusted; it only has to be useful when nobody cheats (grading/README.md).
"""

from __future__ import annotations

import copy
import os
import signal
import sys
import time
import traceback

import wire  # beside this file in the sandbox

MAX_STREAM = 20_000  # characters of stdout/stderr kept per cell
MAX_DATA = 600_000  # characters of one display output (a PNG in base64) kept
MAX_OUTPUTS = 20  # display outputs kept per cell
WATCHED = (
    "subprocess.Popen",
    "os.system",
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.exec",
    "os.spawn",
    "pty.spawn",
    "socket.connect",
    "socket.getaddrinfo",
    "socket.bind",
)


LIBRARIES = ("matplotlib", "IPython", "ipywidgets", "ipykernel", "comm")  # their hooks are fine


class State:
    student = False  # True while student code runs: the audit hook watches then
    flags: list[str] = []
    outputs: list[dict] = []
    allowed: tuple[str, ...] = ()
    test_fork = False  # True while the executor forks the child for a test's hidden calls
    child = False  # True in that child
    inline = False  # True while a test's hidden calls run without a child (none could be made)


def note(flag: str) -> None:
    if flag not in State.flags and len(State.flags) < 30:
        State.flags.append(flag)


def audit(event: str, args: tuple) -> None:
    """Note what a student's code tried that a lesson never needs (files elsewhere, processes)."""
    if not State.student:
        return
    if event in ("open", "os.listdir", "os.scandir"):
        path = args[0] if args else None
        if isinstance(path, bytes):
            path = path.decode(errors="replace")
        if isinstance(path, str):
            full = os.path.normpath(os.path.join(os.getcwd(), path))
            if not any(full == a or full.startswith(a.rstrip("/") + "/") for a in State.allowed):
                note(f"tried to read outside its folder: {path}")
    elif event in WATCHED or event.startswith(("os.exec", "os.spawn")):
        what = "the network" if event.startswith("socket") else "another process"
        note(f"tried to use {what} ({event})")


class Capped:
    """A text stream that keeps the first MAX_STREAM characters of a cell's output."""

    def __init__(self, name: str) -> None:
        self.name, self.kept, self.size = name, [], 0
        self.encoding, self.errors = "utf-8", "replace"

    def write(self, text: object) -> int:
        text = str(text)
        if self.size < MAX_STREAM:
            self.kept.append(text[: MAX_STREAM - self.size])
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def text(self) -> str:
        out = "".join(self.kept)
        if self.size > MAX_STREAM:
            out += f"\n[... {self.size - MAX_STREAM} more characters not shown]\n"
        return out


def publish(data: dict) -> None:
    """Keep one display output (a figure, a widget's text, a cell's result), capped."""
    if len(State.outputs) >= MAX_OUTPUTS:
        return
    kept = {}
    for mime in ("image/png", "text/html", "text/plain"):
        value = data.get(mime)
        if isinstance(value, bytes):
            import base64

            value = base64.b64encode(value).decode()
        if isinstance(value, str):
            if len(value) > MAX_DATA:
                value = None if mime != "text/plain" else value[:MAX_DATA]
                kept.setdefault("text/plain", f"[a {mime} output too big to keep]")
            if value is not None:
                kept[mime] = value
    if kept:
        State.outputs.append({"output_type": "display_data", "data": kept})


def make_shell(figures: bool = True):
    """An IPython shell (the one a Jupyter kernel wraps) whose displays land in State.outputs."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False):
            publish(data)

        def clear_output(self, wait=False):
            State.outputs.clear()

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            publish(format_dict)

        def finish_displayhook(self):
            pass

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # inline figures need no event loop
            pass

    config = Config()
    config.HistoryManager.enabled = False
    shell = Shell.instance(config=config, colors="NoColor")
    shell.display_pub = Publisher(shell=shell)
    shell.displayhook = Hook(shell=shell, cache_size=0)
    shell.display_trap.hook = shell.displayhook
    if figures:
        shell.run_line_magic("matplotlib", "inline")
    else:  # faster: figures are never drawn (Agg, nothing shown), and closed after each cell
        os.environ["MPLBACKEND"] = "agg"

        def close_figures() -> None:
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:
                pyplot.close("all")

        shell.events.register("post_execute", close_figures)
    return shell


class Timeout(BaseException):
    """The grader's time limit for a cell or a call (BaseException, like KeyboardInterrupt)."""


def on_alarm(signum, frame):
    raise Timeout("stopped: it ran longer than the time limit")


def limited(seconds: float):
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(0.01, float(seconds)))


def unlimited():
    signal.setitimer(signal.ITIMER_REAL, 0)


def integrity(shell, baseline: dict) -> list[str]:
    """What student code changed in the machinery that runs the cells."""
    problems = []
    now = fingerprint(shell)
    for key, value in baseline.items():
        if now.get(key) != value:
            problems.append(f"changed the notebook machinery: {key}")
    return problems


def fingerprint(shell) -> dict:
    import threading

    return {
        "input transformers": repr(list(shell.input_transformers_cleanup))
        + repr(list(shell.input_transformers_post)),
        "AST transformers": repr(list(shell.ast_transformers)),
        "showtraceback": "showtraceback" in shell.__dict__
        or type(shell).showtraceback is not State.showtraceback,
        "run_cell": "run_cell" in shell.__dict__ or type(shell).run_cell is not State.run_cell,
        "sys.settrace": sys.gettrace() is not None or threading.gettrace() is not None,
        "event hooks": repr(
            {
                k: [cb for cb in v if not getattr(cb, "__module__", "").startswith(LIBRARIES)]
                for k, v in shell.events.callbacks.items()
            }
        ),
        "sys.excepthook": sys.excepthook is not State.excepthook,
    }


def run_cell(shell, code: str, timeout: float) -> dict:
    """Run code as a notebook cell; its outputs, status and (visible-code) traceback."""
    State.outputs = []
    out, err = Capped("stdout"), Capped("stderr")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    error = None
    status = "ok"
    State.student = True
    try:
        limited(timeout)
        result = shell.run_cell(code, store_history=True, silent=False)
        unlimited()
        failure = result.error_before_exec or result.error_in_exec
        if failure is not None:
            status = "timeout" if isinstance(failure, Timeout) else "error"
            error = describe(failure)
    except Timeout as failure:  # landed outside the cell's own code
        status, error = "timeout", describe(failure)
    except BaseException as failure:  # noqa: BLE001 - a student's SystemExit and the like
        status, error = "error", describe(failure)
    finally:
        unlimited()
        State.student = False
        sys.stdout, sys.stderr = saved
    outputs = []
    for stream in (out, err):
        if stream.size:
            outputs.append({"output_type": "stream", "name": stream.name, "text": stream.text()})
    outputs.extend(State.outputs)
    return {"status": status, "outputs": outputs, "error": error}


def describe(failure: BaseException) -> dict:
    """ename, evalue and the traceback lines from the cell's own code (no grader frames)."""
    lines = traceback.format_exception(type(failure), failure, failure.__traceback__)
    kept = [ln for ln in lines if "/opt/grader/" not in ln and "site-packages/IPython" not in ln]
    text = "".join(kept)[-4000:]
    return {"ename": type(failure).__name__, "evalue": str(failure)[:2000], "traceback": text}


def call(shell, request: dict) -> dict:
    """Call one of the student's functions on the grader's inputs; the answer as plain data."""
    name = request["fn"]
    fn = shell.user_ns.get(name)
    if not callable(fn):
        return {"ok": False, "error": f"{name} is not defined (or not a function)"}
    sink = Capped("stdout")
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink
    State.student = True
    try:
        with proxies(shell, request.get("proxies", ())):
            limited(request.get("timeout", 30))
            got = fn(*copy.deepcopy(list(request["args"])))
            unlimited()
        wire.encode(got)  # plain data, or a message saying what it is
        return {"ok": True, "value": got}
    except wire.WireError as problem:
        return {
            "ok": False,
            "error": f"{name} returned {problem}, which the grader cannot compare:"
            " return numbers, arrays or tuples/lists/dicts of them",
        }
    except Timeout:
        return {"ok": False, "error": f"{name} ran longer than the time limit"}
    except BaseException as failure:  # noqa: BLE001 - anything the student raised
        return {"ok": False, "error": f"{name} raised {type(failure).__name__}: {failure}"[:600]}
    finally:
        unlimited()
        State.student = False
        sys.stdout, sys.stderr = saved


class Channel:
    """The descriptors to the grader (private: the student's fds 0-2 are /dev/null)."""

    requests = -1
    replies = -1


def proxy(name: str):
    """A stand-in for an earlier exercise: each call is answered by the grader, which runs its
    reference on the inputs (the reference itself never enters the sandbox)."""

    def answered_by_the_grader(*args, **kwargs):
        # No time-limit interrupt half-way through an exchange: it would break the protocol.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        was, State.student = State.student, False
        try:
            try:
                wire.send(Channel.replies, {"ref": name, "args": args, "kwargs": kwargs})
            except wire.WireError as problem:  # raised before anything is written
                raise TypeError(f"{name} (answered by the grader) takes numbers, arrays and "
                                f"tuples/lists/dicts of them, not {problem}") from None  # fmt: skip
            reply = wire.receive(Channel.requests)
        finally:
            State.student = was
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
        if not reply.get("ok"):
            raise RuntimeError(f"{name}: {reply.get('error')}")
        return reply.get("value")

    answered_by_the_grader.__name__ = answered_by_the_grader.__qualname__ = name
    return answered_by_the_grader


class proxies:  # noqa: N801 - used as a context manager
    """Bind names to proxies for a while, then give the student's own values back."""

    def __init__(self, shell, names) -> None:
        self.ns, self.names, self.saved = shell.user_ns, list(names), {}

    def __enter__(self) -> None:
        for name in self.names:
            self.saved[name] = self.ns.get(name, self)
            self.ns[name] = proxy(name)

    def __exit__(self, *exc: object) -> None:
        for name, value in self.saved.items():
            if value is self:
                self.ns.pop(name, None)
            else:
                self.ns[name] = value


def fork() -> dict | None:
    """A child for one test's hidden calls, thrown away after them. The child answers (None
    here); the parent waits for it and then tells the grader how it ended. Where no process can
    be made (the student's own children fill the limit), the calls run here."""
    State.test_fork = True
    try:
        pid = os.fork()
    except OSError:
        State.inline = True
        return {"ok": True, "forked": False}
    finally:
        State.test_fork = False
    if pid == 0:
        State.child = True
        return {"ok": True, "forked": True}
    _, status = os.waitpid(pid, 0)
    wire.send(Channel.replies, {"op": "forked-ended", "status": os.waitstatus_to_exitcode(status)})
    return None


def answer(shell, request: dict, baseline: dict) -> dict | None:
    """The reply to one request (None: nothing to send)."""
    op = request.get("op")
    if op == "run":
        with proxies(shell, request.get("proxies", ())):
            return run_cell(shell, request["code"], request.get("timeout", 60))
    if op == "call":
        return call(shell, request)
    if op == "fork":
        return fork()
    if op == "integrity":
        return {"problems": integrity(shell, baseline)}
    return {"ok": False, "error": f"unknown op {op!r}"}


def start(hello: dict):
    """The shell, once matplotlib's fonts are in place and the course imports."""
    fonts = hello.get("font_cache")
    target = os.environ.get("MPLCONFIGDIR", "")
    if fonts and target and os.path.isdir(fonts):  # matplotlib's font list, made once
        import shutil

        shutil.copytree(fonts, target, dirs_exist_ok=True)
    import utils  # noqa: F401 - a sandbox without the course is the grader's problem, not a 0

    shell = make_shell(bool(hello.get("figures", True)))
    for statement in hello.get("preload", []):  # the lesson's own imports, made before its turn
        try:
            exec(statement, {})
        except Exception:  # noqa: BLE001 - the cell that needs it will say so
            pass
    return shell


def main() -> None:
    Channel.requests, Channel.replies = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)

    def forked() -> None:  # a child of student code never speaks for the notebook
        if not State.test_fork:
            os.close(Channel.requests)
            os.close(Channel.replies)

    os.register_at_fork(after_in_child=forked)
    hello = wire.receive(Channel.requests)
    State.allowed = tuple(hello.get("allowed", ()))
    started = time.perf_counter()
    try:
        shell = start(hello)
    except BaseException:  # noqa: BLE001 - tell the grader why, then stop
        wire.send(
            Channel.replies, {"re": hello.get("seq"), "fatal": traceback.format_exc()[-3000:]}
        )
        return
    State.showtraceback = type(shell).showtraceback
    State.run_cell = type(shell).run_cell
    State.excepthook = sys.excepthook
    baseline = fingerprint(shell)
    sys.addaudithook(audit)
    wire.send(Channel.replies, {"re": hello.get("seq"), "ok": True,
                                "startup": time.perf_counter() - started})  # fmt: skip
    while True:
        try:
            request = wire.receive(Channel.requests)
        except (EOFError, OSError, ValueError):
            os._exit(0)
        if request.get("op") == "end" and (State.child or State.inline):
            wire.send(Channel.replies, {"re": request.get("seq"), "ok": True})
            if State.child:
                os._exit(0)
            State.inline = False
            wire.send(Channel.replies, {"op": "forked-ended", "status": 0})
            continue
        reply = answer(shell, request, baseline)
        if reply is None:
            continue
        reply["re"] = request.get("seq")
        reply["flags"] = list(State.flags)
        try:
            wire.send(Channel.replies, reply)
        except (OSError, wire.WireError):
            os._exit(0)


if __name__ == "__main__":
    main()
