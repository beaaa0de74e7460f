"""One submission, one sandbox: bubblewrap around a fresh Python that runs grading/runner.py.

Inside: a read-only system (only the Python install, the course's venv, utils/ and the MNIST
data), an empty scratch folder holding the one notebook, a tmpfs home and /tmp, no network, its
own PID namespace, and rlimits on memory, processes, CPU time, file size and open files. Run as
root, each worker slot also gets its own unprivileged uid, so the process limit really binds.
Where bubblewrap is missing or user namespaces are refused, the fallback runs the same executor
with the same rlimits in a scratch folder, and says so loudly (summary, CSV, stderr).
"""

from __future__ import annotations

import functools
import os
import pwd
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRADING = HERE.parent
REPO = GRADING.parent
BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
HOME = "/home/student"
WORK = f"{HOME}/work"
GRADER = "/opt/grader"
DATA = "/opt/data"
FONTS = "/opt/fonts"
FIRST_UID = 61000  # worker slot k runs as uid FIRST_UID + k when the grader is root


@dataclass
class Limits:
    """What one submission may use."""

    memory_bytes: int = 6 * 2**30  # address space (torch maps a lot it never touches)
    processes: int = 64
    cpu_seconds: int = 900
    file_bytes: int = 64 * 2**20
    open_files: int = 512
    tmpfs_bytes: int = 256 * 2**20


@dataclass
class Sandboxing:
    """How this machine can isolate a submission: 'bwrap' or 'fallback', and why."""

    kind: str
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


@functools.cache
def probe() -> Sandboxing:
    """Find out once whether bubblewrap with user namespaces works here."""
    if os.environ.get("NN_GRADING_NO_BWRAP"):
        return Sandboxing("fallback", "NN_GRADING_NO_BWRAP is set")
    if not Path(BWRAP).exists():
        return Sandboxing("fallback", f"bubblewrap is not installed ({BWRAP} missing)")
    uid = slot_uid(0)
    command = [BWRAP, *bwrap_args(None, None, Limits(), uid), sys.executable, "-c", "pass"]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=60, preexec_fn=preexec(Limits(), uid)
        )
    except (OSError, subprocess.SubprocessError) as problem:
        return Sandboxing("fallback", f"bubblewrap failed to start: {problem}")
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip()[-300:]
        return Sandboxing("fallback", f"bubblewrap cannot make a sandbox here: {why}")
    return Sandboxing("bwrap")


def slot_uid(slot: int) -> int | None:
    """The unprivileged uid for a worker slot when running as root; None otherwise."""
    if os.geteuid() != 0:
        return None
    return FIRST_UID + slot


def preexec(limits: Limits, uid: int | None):
    """Set the rlimits in the child before bwrap or python starts (uid: the dedicated one)."""

    def apply() -> None:
        os.setsid()
        for what, value in [
            (resource.RLIMIT_AS, limits.memory_bytes),
            (resource.RLIMIT_CPU, limits.cpu_seconds),
            (resource.RLIMIT_FSIZE, limits.file_bytes),
            (resource.RLIMIT_NOFILE, limits.open_files),
            (resource.RLIMIT_CORE, 0),
        ]:
            resource.setrlimit(what, (value, value))
        # Per uid: with a uid of its own (root) this counts only this slot's processes.
        nproc = limits.processes if uid is not None else _own_processes() + limits.processes
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    return apply


def _own_processes() -> int:
    """How many processes this uid already runs (RLIMIT_NPROC counts them all)."""
    me = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == me
            except OSError:
                pass
    return count


def _python_roots() -> list[str]:
    """The folders a Python needs: the base install and the course's venv."""
    roots = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    return sorted(r for r in roots if not r.startswith("/usr"))


def bwrap_args(
    scratch: Path | None,
    data: Path | None,
    limits: Limits,
    uid: int | None,
    fonts: str | None = None,
) -> list[str]:
    """bwrap's options and the command prefix that starts the executor inside."""
    if uid is None:  # an ordinary user: a user namespace of its own
        unshare = ["--unshare-all"]
    else:  # root: no user namespace, so that setpriv can drop to a real unprivileged uid
        unshare = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                   "--unshare-cgroup-try"]  # fmt: skip
    args = [
        *unshare,
        "--die-with-parent",
        "--new-session",
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/sbin", "/sbin",
        "--proc", "/proc",
        "--dev", "/dev",
        "--perms", "1777", "--size", str(limits.tmpfs_bytes), "--tmpfs", "/tmp",
        "--perms", "1777", "--size", str(limits.tmpfs_bytes), "--tmpfs", "/home",
    ]  # fmt: skip
    dests = ["/etc/x", f"{GRADER}/x", f"{WORK}/x"] + [f"{r}/x" for r in _python_roots()]
    dests += [str(REPO / "utils"), DATA, FONTS]
    parents = sorted(
        {str(p) for d in dests for p in Path(d).parents if str(p) not in ("/", "/home")}
    )
    for parent in parents:  # bwrap would make them 0700 when run as root
        args += ["--perms", "1777" if parent == HOME else "0755", "--dir", parent]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "mime.types"):
        if Path("/etc", name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    binds = [(root, root) for root in _python_roots()]
    binds += [(str(REPO / "utils"), str(REPO / "utils"))]
    binds += [(str(HERE / "runner.py"), f"{GRADER}/runner.py")]
    binds += [(str(HERE / "wire.py"), f"{GRADER}/wire.py")]
    if data is not None and data.is_dir():
        binds += [(str(data), DATA)]
    if fonts is not None:
        binds += [(fonts, FONTS)]
    for source, dest in binds:
        args += ["--ro-bind", source, dest]
    if scratch is not None:
        args += ["--bind", str(scratch), WORK, "--chdir", WORK]
    args.append("--")
    if uid is not None:
        args += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]  # fmt: skip
    return args


@functools.cache
def font_cache() -> str | None:
    """A folder holding matplotlib's font list, built once per grading run (else every sandbox
    would rebuild it, a second or more, running fc-list)."""
    import atexit

    given = os.environ.get("NN_GRADING_FONT_CACHE")
    if given and Path(given).is_dir():  # made by the parent process for its workers
        return given
    folder = tempfile.mkdtemp(prefix="nn-grade-fonts-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.chmod(folder, 0o755)
    env = {**os.environ, "MPLCONFIGDIR": folder, "MPLBACKEND": "agg"}
    done = subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                          capture_output=True, timeout=300)  # fmt: skip
    if done.returncode != 0:
        return None
    for path in Path(folder).rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.environ["NN_GRADING_FONT_CACHE"] = folder  # inherited by spawned workers
    return folder


@dataclass
class Jailed:
    """A submission's executor started in its jail, and what it needs to know of its jail."""

    process: subprocess.Popen
    how: Sandboxing
    allowed: list[str]  # the folders the executor's audit hook treats as its own
    fonts: str | None  # where matplotlib's prepared font list is, inside
    scratch: Path
    uid: int | None

    def cleanup(self) -> None:
        """Remove what the jail left on the host (call after the process is gone)."""
        shutil.rmtree(self.scratch, ignore_errors=True)
        if self.uid is not None and self.scratch.exists():
            subprocess.run(["rm", "-rf", str(self.scratch)], check=False)


def launch(notebook_name: str, notebook_bytes: bytes, slot: int, limits: Limits,
           data: Path | None) -> Jailed:  # fmt: skip
    """Start runner.py in a fresh jail holding one notebook; requests on its stdin, replies on
    its stdout."""
    how = probe()
    uid = slot_uid(slot)
    scratch = Path(tempfile.mkdtemp(prefix="nn-grade-"))
    work = scratch / "work"
    work.mkdir()
    (work / notebook_name).write_bytes(notebook_bytes)
    if uid is not None:
        for path in (scratch, work, work / notebook_name):
            os.chown(path, uid, uid)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    allowed = [os.path.realpath(sys.base_prefix), sys.prefix, os.path.realpath(sys.prefix),
               "/usr", "/etc", "/proc", "/sys", "/dev", "/tmp", str(REPO / "utils"),
               GRADER, str(HERE)]  # fmt: skip
    if how.kind == "bwrap":
        home, workdir = HOME, WORK
        if data is not None and data.is_dir():
            env["NN_WORKBOOK_DATA"] = DATA
            allowed.append(DATA)
        command = [BWRAP, "--setenv", "HOME", HOME]
        fonts = font_cache()
        command += [*bwrap_args(work, data, limits, uid, fonts)]
        fonts = FONTS if fonts else None
        command += [sys.executable, f"{GRADER}/runner.py"]
        cwd = None
    else:
        home = str(scratch / "home")
        Path(home).mkdir()
        if uid is not None:
            os.chown(home, uid, uid)
        workdir = str(work)
        if data is not None:
            env["NN_WORKBOOK_DATA"] = str(data)
            allowed.append(str(data))
        command = [sys.executable, str(HERE / "runner.py")]
        cwd = str(work)
        env["PYTHONPATH"] = str(HERE)
        fonts = font_cache()
        uid = None  # the venv may sit where another uid cannot reach it
    env.update({"HOME": home, "MPLCONFIGDIR": f"{home}/.mpl", "IPYTHONDIR": f"{home}/.ipy"})
    env["XDG_CACHE_HOME"] = f"{home}/.cache"
    allowed += [workdir, f"{home}/.mpl", f"{home}/.ipy", f"{home}/.cache", f"{home}/.config",
                f"{home}/.local/share/fonts", f"{home}/.fonts", FONTS]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        # The uid changes inside the sandbox (setpriv), after bwrap has mounted as root.
        preexec_fn=preexec(limits, uid),
    )
    return Jailed(process, how, allowed, fonts, scratch, uid)


def uid_name(uid: int | None) -> str:
    if uid is None:
        return "the grader's own user"
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
