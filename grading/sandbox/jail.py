"""One submission, one sandbox: bubblewrap around a fresh Python that runs grading/runner.py.

Inside, nothing names the host's folders: the course's venv is at /opt/venv, utils/ at
/opt/course/utils, the executor at /opt/grader and the MNIST folder at /opt/data, all read-only.
The only writable space is one tmpfs at /home, capped at Limits.tmpfs_bytes, that holds the
notebook's folder, the home and /tmp. No network, its own PID namespace, rlimits on memory,
processes, CPU time, file size and open files, and no procfs: /proc/*/mountinfo would show each
bind mount's source path on the host (bubblewrap 0.8 has no overlay to hide it), so /proc holds
only cpuinfo and meminfo, and the seccomp filter (seccomp.py) refuses statmount and listmount,
which tell the same, as well as any new user namespace. Run as root, each worker slot takes an
unprivileged uid no other run holds (a lock file per uid), so the process limit really binds.
Nothing is written on the host: the files the jail needs go in through memfds, bubblewrap's
options too (its command line is `bwrap --args N --` and the jail's command). Where bubblewrap
is missing or cannot make a sandbox, the fallback runs the same executor with the same rlimits in
a host scratch folder, and says so loudly (summary, CSV, stderr).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import pwd
import resource
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from grading.sandbox import seccomp

HERE = Path(__file__).resolve().parent
GRADING = HERE.parent
REPO = GRADING.parent
BWRAP = shutil.which("bwrap") or "/usr/bin/bwrap"
HOME = "/home/student"
WORK = f"{HOME}/work"
TMP = "/home/.tmp"  # /tmp inside links here, into the one capped tmpfs (hidden from ../../*)
VENV = "/opt/venv"
COURSE = "/opt/course"
GRADER = "/opt/grader"
DATA = "/opt/data"
FONTS = "/opt/fonts"
RUNNER_FILES = ("runner.py", "wire.py")
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "mime.types")
PROC_FILES = ("cpuinfo", "meminfo")  # torch picks its vector kernels from /proc/cpuinfo
FIRST_UID, UID_COUNT = 61000, 1000  # the uids a root grader hands out, one per slot and run


@dataclass
class Limits:
    """What one submission may use."""

    memory_bytes: int = 6 * 2**30  # address space (torch maps a lot it never touches)
    processes: int = 64
    cpu_seconds: int = 900
    file_bytes: int = 64 * 2**20
    open_files: int = 512
    tmpfs_bytes: int = 256 * 2**20  # all the writable space: notebook folder, home and /tmp


@dataclass
class Sandboxing:
    """How this machine can isolate a submission: 'bwrap' or 'fallback', and why."""

    kind: str
    reason: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Jailed:
    """A submission's executor started in its jail, and what it needs to know of its jail."""

    process: subprocess.Popen
    how: Sandboxing
    allowed: list[str]  # the folders the executor's audit hook treats as its own
    fonts: str | None  # where matplotlib's prepared font list is, inside
    scratch: Path | None  # the host folder the fallback runs in (a bwrap jail has none)
    uid: int | None

    def cleanup(self) -> None:
        """Remove what the jail left on the host (call after the process is gone)."""
        if self.scratch is not None:
            _remove_tree(self.scratch)


@functools.cache
def probe() -> Sandboxing:
    """Find out once whether bubblewrap can make this module's jail here."""
    if os.environ.get("NN_GRADING_NO_BWRAP"):
        return Sandboxing("fallback", "NN_GRADING_NO_BWRAP is set")
    if not Path(BWRAP).exists():
        return Sandboxing("fallback", f"bubblewrap is not installed ({BWRAP} missing)")
    how = Sandboxing("bwrap")
    try:
        jailed = _launch_bwrap("probe.ipynb", b"", 0, Limits(), None, ["-S", "-c", "pass"], how)
    except (OSError, RuntimeError) as problem:
        return Sandboxing("fallback", f"bubblewrap failed to start: {problem}")
    try:
        _, err = jailed.process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        jailed.process.kill()
        return Sandboxing("fallback", "bubblewrap did not start a sandbox in 60 s")
    if jailed.process.returncode != 0:
        why = err.decode(errors="replace").strip()[-300:]
        return Sandboxing("fallback", f"bubblewrap cannot make a sandbox here: {why}")
    return how


def launch(notebook_name: str, notebook_bytes: bytes, slot: int, limits: Limits,
           data: Path | None, *, program: list[str] | None = None) -> Jailed:  # fmt: skip
    """Start runner.py in a fresh jail holding one notebook; requests on its stdin, replies on
    its stdout. data: the MNIST folder (None: the one utils.mnist finds on this host); program:
    other arguments for the jail's Python, to run instead of the runner."""
    if notebook_name in ("", ".", "..") or "/" in notebook_name or "\0" in notebook_name:
        raise ValueError(f"not a file name: {notebook_name!r}")
    how, folder = probe(), _data_folder(data)
    if how.kind == "bwrap":
        return _launch_bwrap(notebook_name, notebook_bytes, slot, limits, folder, program, how)
    return _launch_fallback(notebook_name, notebook_bytes, limits, folder, program, how)


# ---------------------------------------------------------------- uids, one per slot and run

_UIDS: dict[int, tuple[int, int, int]] = {}  # slot: (pid, uid, the lock file's descriptor)
_UIDS_LOCK = threading.Lock()


def slot_uid(slot: int) -> int | None:
    """The unprivileged uid a worker slot of this process runs as when the grader is root (else
    None): the first uid whose lock file no other slot or run holds, kept for the process's life."""
    if os.geteuid() != 0:
        return None
    with _UIDS_LOCK:
        held = _UIDS.get(slot)
        if held is None or held[0] != os.getpid():  # a forked child takes its own
            held = _UIDS[slot] = (os.getpid(), *_take_uid())
        return held[1]


def _take_uid() -> tuple[int, int]:
    """A free uid and the open lock file that keeps it ours (flock: freed when we die)."""
    folder = _state_dir()
    for uid in range(FIRST_UID, FIRST_UID + UID_COUNT):
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(folder / f"uid-{uid}.lock", flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return uid, fd
    raise RuntimeError(f"all {UID_COUNT} sandbox uids from {FIRST_UID} are taken")


def _state_dir() -> Path:
    """The grader's own folder for uid locks and the font list: made private, checked so."""
    if os.geteuid() == 0:
        folder = Path("/run/nn-grading")
    else:
        folder = Path(os.environ.get("XDG_RUNTIME_DIR") or Path.home() / ".cache") / "nn-grading"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise RuntimeError(f"{folder} must be a folder of uid {os.geteuid()}'s, mode 0700")
    return folder


def uid_name(uid: int | None) -> str:
    """Who a sandbox runs as, for people."""
    if uid is None:
        return "the grader's own user"
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


# ---------------------------------------------------------------- limits


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


# ---------------------------------------------------------------- the bwrap jail


class _Options:
    """bwrap's options as they are built, and the memfds that carry the files it copies in."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.fds: list[int] = []
        self.made = {"/"}

    def add(self, *words: str) -> None:
        self.words += words

    def folder(self, path: str, perms: str = "0755") -> None:
        """Make path and its parents (bwrap, as root, would make them 0700)."""
        for folder in [*reversed(PurePosixPath(path).parents), PurePosixPath(path)]:
            if str(folder) not in self.made:
                self.made.add(str(folder))
                self.add("--perms", perms, "--dir", str(folder))

    def bind(self, source: str | Path, dest: str) -> None:
        self.folder(str(PurePosixPath(dest).parent))
        self.add("--ro-bind", str(source), dest)

    def copy(self, data: bytes, dest: str, perms: str = "0644") -> None:
        """A file of ours inside (never on the host's disk)."""
        self.folder(str(PurePosixPath(dest).parent))
        self.add("--perms", perms, "--file", self.carry(data), dest)

    def mask(self, dest: str) -> None:
        """Show an empty file over dest."""
        self.add("--ro-bind-data", self.carry(b""), dest)

    def carry(self, data: bytes) -> str:
        """A memfd holding data, for bwrap to read (and close)."""
        fd = os.memfd_create("nn-jail", os.MFD_CLOEXEC)
        self.fds.append(fd)
        with open(fd, "wb", closefd=False) as handle:
            handle.write(data)
        os.lseek(fd, 0, os.SEEK_SET)
        return str(fd)


def _launch_bwrap(notebook_name: str, notebook_bytes: bytes, slot: int, limits: Limits,
                  data: Path | None, program: list[str] | None,
                  how: Sandboxing) -> Jailed:  # fmt: skip
    """The executor (or program) in a bwrap jail; data: the host folder to show at DATA."""
    uid = slot_uid(slot)
    fonts = _font_files() if program is None else {}  # only the executor uses them
    options = _Options()
    try:
        # The scratch first: a Python under /home is then bound into it, not hidden by it.
        _scratch(options, limits, notebook_name, notebook_bytes)
        python = _jail(options, uid, data, fonts)
        options.add("--remount-ro", "/dev", "--remount-ro", "/", "--chdir", WORK)
        arguments = options.carry(b"".join(os.fsencode(w) + b"\0" for w in options.words))
        # bwrap takes the command from its own argv only: nothing there names the host.
        command = [*_drop_to(uid), python, *(program or [f"{GRADER}/runner.py"])]
        process = subprocess.Popen(
            [BWRAP, "--args", arguments, "--", *command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_bwrap_environment(data),
            pass_fds=options.fds,
            # The uid changes inside the sandbox (setpriv), after bwrap has mounted as root.
            preexec_fn=preexec(limits, uid),
        )
    finally:
        for fd in options.fds:
            os.close(fd)
    return Jailed(process, how, _bwrap_allowed(data), FONTS if fonts else None, None, uid)


def _bwrap_environment(data: Path | None) -> dict[str, str]:
    """The executor's environment inside: only paths of the jail."""
    env = _environment(HOME, f"{VENV}/bin:/usr/bin:/bin")
    env.update({"PYTHONPATH": COURSE, "TMPDIR": "/tmp"})
    if data is not None:
        env["NN_WORKBOOK_DATA"] = DATA
    return env


def _bwrap_allowed(data: Path | None) -> list[str]:
    """The folders inside that the executor's audit hook treats as its own."""
    allowed = [os.path.realpath(sys.base_prefix), _inside(sys.prefix), "/usr", "/etc", "/proc",
               "/sys", "/dev", "/tmp", TMP, COURSE, GRADER]  # fmt: skip
    return allowed + ([DATA] if data is not None else []) + _home_folders(HOME, WORK)


def _jail(options: _Options, uid: int | None, data: Path | None, fonts: dict[str, bytes]) -> str:
    """Everything but the scratch space; the path of the jail's Python inside."""
    _namespaces(options, uid)
    _system(options)
    python = _python(options)
    for name, content in _course_files():
        options.copy(content, name)
    for name, content in fonts.items():
        options.copy(content, f"{FONTS}/{name}")
    if data is not None:
        _data(options, data)
    return python


def _namespaces(options: _Options, uid: int | None) -> None:
    """Namespaces of its own (a user namespace only when not root), and a seccomp filter so
    that nothing inside can make a user namespace."""
    if uid is None:  # an ordinary user: a user namespace of its own, closed to nesting
        options.add("--unshare-all", "--unshare-user", "--disable-userns")
    else:  # root: no user namespace, so that setpriv can drop to a real unprivileged uid
        options.add("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                    "--unshare-cgroup-try")  # fmt: skip
    options.add("--die-with-parent", "--new-session")
    options.add("--seccomp", options.carry(seccomp.userns_filter()))


def _system(options: _Options) -> None:
    """The read-only system: /usr, a few files of /etc and /proc, a fresh /dev."""
    options.add("--ro-bind", "/usr", "/usr")
    for name in ("lib", "lib64", "bin", "sbin"):
        options.add("--symlink", f"usr/{name}", f"/{name}")
    options.add("--dev", "/dev")
    options.made.add("/dev")
    options.folder("/proc", "0555")
    for name in PROC_FILES:
        options.add("--ro-bind", f"/proc/{name}", f"/proc/{name}")
    for name in ETC_FILES:
        if Path("/etc", name).exists():
            options.bind(f"/etc/{name}", f"/etc/{name}")


def _python(options: _Options) -> str:
    """The grader's Python, its venv at VENV with nothing that names the host's folders; the
    interpreter's path inside."""
    base = os.path.realpath(sys.base_prefix)
    if base != "/usr" and not base.startswith("/usr/"):
        options.bind(base, base)  # where the venv's pyvenv.cfg says it is
    python = os.path.realpath(sys.executable)
    if _in_venv():
        venv = Path(sys.prefix)
        options.bind(venv / "lib", f"{VENV}/lib")
        options.bind(python, f"{VENV}/bin/python")  # the venv's link, or its copy
        options.copy(_venv_config(venv), f"{VENV}/pyvenv.cfg")
        python = f"{VENV}/bin/python"
    for path in _leaky_files():
        options.mask(_inside(path))
    return python


def _in_venv() -> bool:
    """Whether the grader runs in a venv (else in a Python's own prefix, e.g. conda's)."""
    return sys.prefix != sys.base_prefix


def _inside(path: str | Path) -> str:
    """Where a path of the grader's Python is inside the jail."""
    if not _in_venv():
        return os.path.realpath(path)
    relative = Path(path).relative_to(sys.prefix)
    return str(PurePosixPath(VENV, relative)) if relative.parts else VENV


def _venv_config(venv: Path) -> bytes:
    """pyvenv.cfg without the lines that name the venv's or the course's folder."""
    text = (venv / "pyvenv.cfg").read_text()
    kept = [line for line in text.splitlines() if not _names_host(line)]
    return "\n".join(kept).encode() + b"\n"


def _names_host(text: str) -> bool:
    return any(path in text for path in _host_paths())


@functools.cache
def _host_paths() -> tuple[str, ...]:
    """The host folders nothing inside may name: the course's, and its venv's."""
    paths = {str(REPO)}
    if _in_venv():
        paths |= {sys.prefix, os.path.realpath(sys.prefix)}
    return tuple(sorted(paths))


@functools.cache
def _leaky_files() -> tuple[Path, ...]:
    """The installed files that name the course's folder, shown empty inside: an editable
    install's .pth and finder (its source is not there anyway), and any .pth, egg-link or
    direct_url.json that names a host folder."""
    found = set()
    for site in _site_packages():
        found |= {path for path in site.glob("__editable__*") if path.is_file()}
        candidates = [*site.glob("*.pth"), *site.glob("*.egg-link")]
        candidates += site.glob("*.dist-info/direct_url.json")
        found |= {path for path in candidates if _file_names_host(path)}
    return tuple(sorted(found))


def _file_names_host(path: Path) -> bool:
    try:
        return path.is_file() and _names_host(path.read_text(errors="replace"))
    except OSError:
        return False


def _site_packages() -> list[Path]:
    """The folders of installed packages of the grader's Python."""
    paths = sysconfig.get_paths()
    return sorted({Path(paths[key]) for key in ("purelib", "platlib") if Path(paths[key]).is_dir()})


def _course_files() -> list[tuple[str, bytes]]:
    """utils/ and the executor's files, read now, with where they go inside (copies, not binds:
    a __pycache__ there would name the host's folder in every .pyc)."""
    files = [(f"{GRADER}/{name}", (HERE / name).read_bytes()) for name in RUNNER_FILES]
    utils = REPO / "utils"
    for path in sorted(utils.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files.append((f"{COURSE}/utils/{path.relative_to(utils)}", path.read_bytes()))
    return files


def _data_folder(data: Path | None) -> Path | None:
    """The MNIST folder to show inside: the one given, else whichever one the students' loader
    (utils.mnist.data_dir) finds on this host; None if it does not exist."""
    if data is None:
        from utils import mnist

        data = mnist.data_dir()
    return data.resolve() if data.is_dir() else None


def _data(options: _Options, folder: Path) -> None:
    """The folder's entries at DATA, read-only, each from where its link points (a link to
    ../shared/x would dangle inside)."""
    options.folder(DATA)
    for entry in sorted(folder.iterdir()):
        target = entry.resolve()
        if target.is_file() or target.is_dir():
            options.bind(target, f"{DATA}/{entry.name}")


def _scratch(options: _Options, limits: Limits, notebook_name: str, notebook: bytes) -> None:
    """The one writable tmpfs, capped: the notebook's folder, the home and (linked) /tmp."""
    options.add("--perms", "0755", "--size", str(limits.tmpfs_bytes), "--tmpfs", "/home")
    options.made.add("/home")
    for folder in (HOME, WORK, TMP):
        options.folder(folder, "1777")
    options.copy(notebook, f"{WORK}/{notebook_name}")
    options.add("--symlink", TMP, "/tmp")


def _drop_to(uid: int | None) -> list[str]:
    """The command prefix that drops root for the slot's uid, with no capability left."""
    if uid is None:
        return []
    return ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]  # fmt: skip


def _environment(home: str, path: str) -> dict[str, str]:
    """The executor's whole environment (nothing of the grader's)."""
    return {
        "PATH": path,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "HOME": home,
        "MPLCONFIGDIR": f"{home}/.mpl",
        "IPYTHONDIR": f"{home}/.ipy",
        "XDG_CACHE_HOME": f"{home}/.cache",
        # The lessons' training cells take seconds, not minutes (utils.grading_mode): no score
        # depends on them, the model solution is checked the same way.
        "NN_WORKBOOK_GRADING": "1",
    }


def _home_folders(home: str, work: str) -> list[str]:
    """The notebook's folder and the home's folders libraries write to."""
    return [work, f"{home}/.mpl", f"{home}/.ipy", f"{home}/.cache", f"{home}/.config",
            f"{home}/.local/share/fonts", f"{home}/.fonts", FONTS]  # fmt: skip


# ---------------------------------------------------------------- fonts


@functools.cache
def font_cache() -> str | None:
    """A folder holding matplotlib's font list, built once for this Python and kept (else every
    sandbox would rebuild it, a second or more, running fc-list); None if it cannot be built."""
    try:
        root = _state_dir()
        folder = root / f"fonts-{_python_key()}"
        if not folder.is_dir():
            with _locked(root / "fonts.lock"):
                if not folder.is_dir():
                    _build_fonts(folder)
    except (OSError, RuntimeError, subprocess.SubprocessError):
        return None
    return str(folder) if folder.is_dir() else None


def _python_key() -> str:
    """Names this Python and its matplotlib (a new version writes a new font list)."""
    who = f"{os.path.realpath(sys.prefix)} {version('matplotlib')}"
    return hashlib.sha256(who.encode()).hexdigest()[:16]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path (other grading runs wait)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _build_fonts(folder: Path) -> None:
    """Let matplotlib write its font list in a fresh folder, then publish it whole."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)  # a build that was killed
    partial.mkdir(mode=0o700)
    env = {**os.environ, "MPLCONFIGDIR": str(partial), "MPLBACKEND": "agg"}
    done = subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                          capture_output=True, timeout=300)  # fmt: skip
    if done.returncode == 0:
        partial.rename(folder)
    else:
        shutil.rmtree(partial, ignore_errors=True)


@functools.cache
def _font_files() -> dict[str, bytes]:
    """The font list's files, to copy into every jail (its paths are relative to matplotlib's
    data folder or under /usr, so they hold inside as well)."""
    folder = font_cache()
    if folder is None:
        return {}
    return {path.name: path.read_bytes() for path in Path(folder).iterdir() if path.is_file()}


# ---------------------------------------------------------------- the fallback


def _launch_fallback(notebook_name: str, notebook_bytes: bytes, limits: Limits,
                     data: Path | None, program: list[str] | None,
                     how: Sandboxing) -> Jailed:  # fmt: skip
    """The executor on the host, with the rlimits, in a scratch folder of its own."""
    scratch = Path(tempfile.mkdtemp(prefix="nn-grade-"))
    work, home = scratch / "work", scratch / "home"
    work.mkdir()
    home.mkdir()
    (work / notebook_name).write_bytes(notebook_bytes)
    env = _environment(str(home), f"{Path(sys.executable).parent}:/usr/bin:/bin")
    env["PYTHONPATH"] = str(HERE)
    allowed = [os.path.realpath(sys.base_prefix), sys.prefix, os.path.realpath(sys.prefix),
               "/usr", "/etc", "/proc", "/sys", "/dev", "/tmp", str(REPO / "utils"),
               GRADER, str(HERE)]  # fmt: skip
    if data is not None:
        env["NN_WORKBOOK_DATA"] = str(data)
        allowed.append(str(data))
    allowed += _home_folders(str(home), str(work))
    command = [sys.executable, *(program or [str(HERE / "runner.py")])]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=work,
        preexec_fn=preexec(limits, None),
    )
    return Jailed(process, how, allowed, font_cache(), scratch, None)


def _remove_tree(path: Path) -> None:
    """Remove a scratch folder, also where the student took the permissions away (chmod 000)."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    for folder, names, _ in os.walk(path):
        for name in names:
            inner = os.path.join(folder, name)
            if not os.path.islink(inner):  # never chmod what a link points to
                with contextlib.suppress(OSError):
                    os.chmod(inner, 0o700)
    shutil.rmtree(path, ignore_errors=True)
