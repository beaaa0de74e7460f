"""The jail's rules, each tested by a hostile program run as a student's cell in a real jail:
no new user namespace, no host path visible, a uid per concurrent run, one capped scratch tmpfs
and nothing left on the host, MNIST read-only from wherever the loader finds it, and what held
before (read-only system, no network, PID namespace, rlimits, no capabilities, fonts)."""

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from sandbox_helpers import need_bwrap

from grading import sandbox
from grading.sandbox import Limits, Sandbox

REPO = Path(__file__).resolve().parents[1]
MiB = 2**20

pytestmark = pytest.mark.xdist_group("grading-jail")


def run(box: Sandbox, code: str, timeout: int = 30) -> dict:
    """Run code as a cell; the JSON it printed last."""
    reply = box.request({"op": "run", "code": textwrap.dedent(code), "timeout": timeout},
                        timeout + 30)  # fmt: skip
    text = "".join(o.get("text", "") for o in reply["outputs"] if o.get("name") == "stdout")
    assert reply["status"] == "ok" and text.strip(), reply
    return json.loads(text.strip().splitlines()[-1])


def grader(code: str, limits: dict, tmp: Path) -> subprocess.Popen:
    """Another grading run, in a process of its own: one sandbox runs code, prints the cell's
    answer with its uid and bwrap's pid, then waits for its stdin to close."""
    script = textwrap.dedent("""
        import json, sys
        from grading.sandbox import Limits, Sandbox
        box = Sandbox("x.ipynb", b"{}", limits=Limits(**json.loads(sys.argv[1])))
        reply = box.request({"op": "run", "code": sys.argv[2], "timeout": 60}, 90)
        out = "".join(o.get("text", "") for o in reply["outputs"] if o.get("name") == "stdout")
        print(json.dumps({"uid": box.jailed.uid, "pid": box.process.pid, "out": out}), flush=True)
        sys.stdin.read()
        box.close()
    """)
    command = [sys.executable, "-c", script, json.dumps(limits), textwrap.dedent(code)]
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen(command, cwd=REPO, env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip


def answer_of(process: subprocess.Popen) -> dict:
    line = process.stdout.readline()
    assert line, f"the grading run failed (status {process.wait()})"
    got = json.loads(line)
    got["out"] = json.loads(got["out"].strip().splitlines()[-1])
    return got


# ------------------------------------------------------------------ 1. no user namespace


USERNS = """
import ctypes, json, os, platform, subprocess, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
NR = {"x86_64": dict(clone=56, unshare=272, setns=308, clone3=435),
      "aarch64": dict(clone=220, unshare=97, setns=268, clone3=435)}[platform.machine()]
NEWUSER, SIGCHLD = 0x10000000, 17

def syscall(name, *args):
    result = libc.syscall(ctypes.c_long(NR[name]), *map(ctypes.c_long, args))
    error = ctypes.get_errno()
    if result == 0 and name == "clone":
        os._exit(0)  # a child in a new user namespace: it got through
    if result > 0 and name == "clone":
        os.waitpid(result, 0)
    return [result, error]

got = {
    "unshare -U": subprocess.run(["unshare", "-U", "true"], capture_output=True).returncode,
    "unshare": [libc.unshare(NEWUSER), ctypes.get_errno()],
    "clone": syscall("clone", NEWUSER | SIGCHLD, 0, 0, 0, 0),
    "clone3": syscall("clone3", 0, 0),
    "setns": syscall("setns", 0, 0),
}
if platform.machine() == "x86_64":  # the same call by its x32 number dodges a naive filter
    x32 = "import ctypes; ctypes.CDLL(None).syscall(0x40000000 | 272, 0x10000000)"
    got["x32"] = subprocess.run([sys.executable, "-c", x32]).returncode
thread = threading.Thread(target=lambda: None)
thread.start()
thread.join()
pid = os.fork()
if pid == 0:
    os._exit(7)
got["fork"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
got["subprocess"] = subprocess.run(["true"]).returncode
print(json.dumps(got))
"""


def test_no_new_user_namespace_inside():
    need_bwrap("the jail's tests")
    with Sandbox("x.ipynb", b"{}") as box:
        got = run(box, USERNS)
    assert got["unshare -U"] != 0, got
    assert got["unshare"] == [-1, 1] and got["clone"] == [-1, 1], got  # EPERM
    assert got["clone3"] == [-1, 38] and got["setns"] == [-1, 1], got  # ENOSYS, EPERM
    assert got.get("x32", -signal.SIGSYS) == -signal.SIGSYS, got  # killed
    assert got["fork"] == 7 and got["subprocess"] == 0, got  # threads, fork, spawn still work


# ------------------------------------------------------------------ 2. no host path


SNOOP = """
import json, os, sys
NEEDLES = %r
hits = []

def look(where, text):
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    hits.extend(f"{where}: {n}" for n in NEEDLES if n in str(text))

def read(path):
    if not os.path.isfile(path):  # never a pipe (the executor's own), a device, a folder
        return
    try:
        with open(path, "rb") as handle:
            look(path, handle.read(2**20))
    except OSError:
        pass

def walk(top, keep=lambda name: True):
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(folder, name)
            look(path, path)
            if os.path.islink(path):
                look(path, os.readlink(path))
        for name in files:
            if keep(name):
                read(os.path.join(folder, name))

def mounts():  # what mountinfo says, by Linux 6.8's listmount and statmount
    import ctypes, struct
    libc = ctypes.CDLL(None)
    ids = (ctypes.c_uint64 * 512)()
    every = struct.pack("=IIQQQ", 32, 0, 2**64 - 1, 0, 0)
    for mount in ids[: max(libc.syscall(458, every, ids, 512, 0), 0)]:
        info = ctypes.create_string_buffer(2**16)
        root_and_point = struct.pack("=IIQQQ", 32, 0, mount, 0x08 | 0x10, 0)
        libc.syscall(457, root_and_point, info, 2**16, 0)
        look(f"mount {mount}", info.raw)

import utils, __main__
mounts()
look("sys", [sys.path, sys.prefix, sys.exec_prefix, sys.executable, sys.meta_path,
             sys.path_hooks, os.getcwd(), utils.__file__, dict(os.environ)])
look("modules", [getattr(m, "__file__", "") for m in list(sys.modules.values())])
look("the executor's state", vars(getattr(__main__, "State", object)))
for fd in range(3, 256):
    try:
        look(f"fd {fd}", os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        pass
if os.path.isdir("/proc/self"):
    walk("/proc/self", keep=lambda name: name not in ("mem", "pagemap", "clear_refs"))
for pid in filter(str.isdigit, os.listdir("/proc")):
    read(f"/proc/{pid}/cmdline")
    read(f"/proc/{pid}/environ")
    read(f"/proc/{pid}/mountinfo")
for top in ("/etc", "/home", "/tmp", "/dev", "/opt/course", "/opt/grader", "/opt/fonts",
            "/opt/data"):
    walk(top)
read(os.path.join(sys.prefix, "pyvenv.cfg"))
for site in [p for p in sys.path if p.endswith("site-packages")]:
    for name in os.listdir(site):
        path = os.path.join(site, name)
        if name.endswith((".pth", ".cfg", ".json", "_finder.py", ".egg-link")):
            read(path)
        if name.endswith(".dist-info"):
            read(os.path.join(path, "direct_url.json"))
print(json.dumps(sorted(set(hits))[:20]))
"""


def test_no_host_path_visible_inside():
    need_bwrap("the jail's tests")
    needles = {str(REPO), os.path.realpath(REPO)}
    if sys.prefix != sys.base_prefix:  # a venv: shown at /opt/venv (a Python's own prefix is not)
        needles |= {sys.prefix, os.path.realpath(sys.prefix)}
    needles = sorted(needles)
    with Sandbox("x.ipynb", b"{}") as box:
        host_side = [box.jailed.allowed, box.jailed.fonts]  # sent to the executor in its hello
        assert not [n for n in needles if n in json.dumps(host_side)], host_side
        assert run(box, SNOOP % needles) == []


# ------------------------------------------------------------------ 3. a uid per run


FILL = """
import json, os, time
children = 0
try:
    while children < 200:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
        children += 1
except OSError as error:
    print(json.dumps({"uid": os.getuid(), "children": children, "error": error.strerror}))
"""


def test_concurrent_runs_get_their_own_uids(tmp_path):
    need_bwrap("the jail's tests")
    limits = {"processes": 12}
    first = grader(FILL, limits, tmp_path)
    second = None
    try:
        one = answer_of(first)  # its sandbox holds all the processes its limit allows
        second = grader(FILL, limits, tmp_path)
        two = answer_of(second)
    finally:
        for process in (first, second):
            if process is not None:
                process.stdin.close()
                process.wait(timeout=30)
    assert one["uid"] != two["uid"] and one["out"]["uid"] != two["out"]["uid"], (one, two)
    assert one["out"]["children"] >= 5 and two["out"]["children"] >= 5, (one, two)  # no sharing


# ------------------------------------------------------------------ 4. one capped scratch


FLOOD = """
import errno, json, os
written, errors = {}, {}
for where in (".", "/tmp", os.environ["HOME"]):
    written[where] = 0
    try:
        for n in range(1024 // 32):  # 1 GB, in files of 32 MB
            with open(os.path.join(where, f"flood-{n}"), "wb") as handle:
                for _ in range(32):
                    handle.write(b"x" * 2**20)
                    written[where] += 2**20
    except OSError as error:
        errors[where] = errno.errorcode[error.errno]
print(json.dumps({"written": written, "errors": errors}))
"""


def host_processes(uid: int) -> list[int]:
    """The live processes of a uid on this host."""
    return [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc"))) if alive(pid, uid)]


def alive(pid: int, uid: int | None = None) -> bool:
    """Whether pid runs (not a zombie), as uid if given."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z" and (uid is None or os.stat(f"/proc/{pid}").st_uid == uid)
    except OSError:
        return False


def test_scratch_is_one_capped_tmpfs_and_nothing_stays_on_the_host(tmp_path):
    need_bwrap("the jail's tests")
    cap = 96 * MiB
    free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    run_ = grader(FLOOD, {"tmpfs_bytes": cap}, tmp_path)
    try:
        got = answer_of(run_)
        jail = [got["pid"], *host_processes(got["uid"])]
    finally:
        run_.kill()  # SIGKILL: no cleanup of any kind runs on the grader's side
        run_.wait()
    written, errors = got["out"]["written"], got["out"]["errors"]
    assert sum(written.values()) <= cap, got
    assert set(errors.values()) <= {"ENOSPC", "EFBIG"} and len(errors) == 3, got
    assert errors["/tmp"] == "ENOSPC", got  # the notebook's folder took it all: one space
    assert len(jail) > 1, jail  # bwrap and the executor
    deadline = time.monotonic() + 10
    while any(map(alive, jail)) and time.monotonic() < deadline:
        time.sleep(0.1)  # the jail dies with its grader (--die-with-parent)
    assert not any(map(alive, jail)), jail
    assert list(tmp_path.iterdir()) == []  # the grader's TMPDIR: no nn-grade-* folder
    now = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    assert abs(now - free) < 256 * MiB, (free, now)  # other tests write too; the flood was 1 GB


# ------------------------------------------------------------------ 5. MNIST


def idx_files(folder: Path) -> None:
    """A tiny MNIST-format set (gzipped IDX files)."""
    folder.mkdir(parents=True)
    for split, count in (("train", 12), ("t10k", 5)):
        images = np.arange(count * 28 * 28, dtype=np.uint8).reshape(count, 28, 28)
        labels = np.arange(count, dtype=np.uint8) % 10
        heads = {"images": (2051, count, 28, 28), "labels": (2049, count)}
        for kind, body in (("images", images), ("labels", labels)):
            head = np.array(heads[kind], dtype=">u4").tobytes()
            name = f"{split}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz"
            (folder / name).write_bytes(gzip.compress(head + body.tobytes()))


MNIST = """
import json, os
from utils.mnist import data_dir, load_mnist
images, labels = load_mnist("train", download=False)
test_images, _ = load_mnist("test", download=False)
folder = data_dir()
tries = {}
for name, attempt in [("write", lambda: open(folder / "new", "wb")),
                      ("replace", lambda: open(next(folder.iterdir()), "r+b")),
                      ("remove", lambda: os.unlink(next(folder.iterdir())))]:
    try:
        attempt()
        tries[name] = "done"
    except OSError as error:
        tries[name] = error.strerror
print(json.dumps({"shapes": [images.shape, test_images.shape], "labels": labels.tolist(),
                  "folder": str(folder), "tries": tries}))
"""


@pytest.mark.parametrize("where", ["NN_WORKBOOK_DATA", "data/mnist"])
def test_mnist_is_there_read_only_from_where_the_loader_finds_it(where, tmp_path, monkeypatch):
    need_bwrap("the jail's tests")
    from utils import mnist

    idx_files(tmp_path / "shared" / "datasets" / "mnist-mini")
    folder = tmp_path / "course" / "data" / "mnist"  # a folder of links to ../shared/...
    folder.mkdir(parents=True)
    for file in (tmp_path / "shared" / "datasets" / "mnist-mini").iterdir():
        (folder / file.name).symlink_to(os.path.relpath(file, folder))
    if where == "NN_WORKBOOK_DATA":
        monkeypatch.setenv("NN_WORKBOOK_DATA", str(folder))
    else:  # the instructor's <repo>/data/mnist
        monkeypatch.delenv("NN_WORKBOOK_DATA", raising=False)
        monkeypatch.setattr(mnist, "REPO", tmp_path / "course")
    with Sandbox("x.ipynb", b"{}") as box:
        got = run(box, MNIST)
    assert got["shapes"] == [[12, 28, 28], [5, 28, 28]] and got["labels"][:3] == [0, 1, 2], got
    assert "done" not in got["tries"].values(), got
    assert str(tmp_path) not in got["folder"], got


# ------------------------------------------------------------------ 6. what held before


KEPT = """
import ctypes, json, os, resource, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
got = {"uid": os.getuid(), "pid": os.getpid()}
for path in ("/usr/x", "/etc/x", os.path.join(sys.prefix, "x"), "/opt/course/utils/x", "/x"):
    try:
        open(path, "w")
        got[path] = "written"
    except OSError as error:
        got[path] = error.strerror
try:
    socket.create_connection(("1.1.1.1", 53), timeout=3)
    got["network"] = "reachable"
except OSError as error:
    got["network"] = error.strerror
got["caps"] = [libc.prctl(23, cap, 0, 0, 0) for cap in range(41)]  # PR_CAPBSET_READ
header = (ctypes.c_uint32 * 2)(0x20080522, 0)
data = (ctypes.c_uint32 * 6)()
libc.capget(header, data)
got["capabilities"] = list(data)
got["no_new_privs"] = libc.prctl(39, 0, 0, 0, 0)
got["limits"] = {name: resource.getrlimit(getattr(resource, name))[0]
                 for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_CPU", "RLIMIT_FSIZE",
                              "RLIMIT_NOFILE")}
got["fonts"] = sorted(os.listdir(os.environ["MPLCONFIGDIR"]))
print(json.dumps(got))
"""


def test_what_held_before_still_holds():
    need_bwrap("the jail's tests")
    limits = Limits()
    with Sandbox("x.ipynb", b"{}", limits=limits) as box:
        got = run(box, KEPT)
    assert got["uid"] != 0 and got["pid"] < 10, got  # its own PID namespace
    written = [k for k, v in got.items() if k.startswith("/") and v == "written"]
    assert not written, got
    assert got["network"] != "reachable", got
    assert set(got["caps"]) == {0} and set(got["capabilities"]) == {0}, got
    assert got["no_new_privs"] == 1, got
    assert got["limits"].pop("RLIMIT_NPROC") >= limits.processes, got  # = as root
    assert got["limits"] == {
        "RLIMIT_AS": limits.memory_bytes,
        "RLIMIT_CPU": limits.cpu_seconds,
        "RLIMIT_FSIZE": limits.file_bytes,
        "RLIMIT_NOFILE": limits.open_files,
    }, got
    assert any(name.startswith("fontlist") for name in got["fonts"]), got


def test_the_fallback_says_why_and_leaves_no_scratch(monkeypatch):
    monkeypatch.setenv("NN_GRADING_NO_BWRAP", "1")
    sandbox.probe.cache_clear()
    try:
        with Sandbox("x.ipynb", b"{}") as box:
            assert box.how.kind == "fallback" and "NN_GRADING_NO_BWRAP" in box.how.reason
            scratch = box.jailed.scratch
            got = run(
                box,
                """
                import json, os
                os.makedirs("locked/deeper")
                open("locked/deeper/file", "w").write("x")
                os.chmod("locked/deeper", 0)
                os.chmod("locked", 0)
                print(json.dumps(os.getcwd()))
            """,
            )
            assert got.startswith(str(scratch))
    finally:
        sandbox.probe.cache_clear()
    assert not scratch.exists()


def test_the_sandbox_runs_in_grading_mode():
    """The lessons' training cells take seconds there (utils.grading_mode): the variable is set
    inside, and utils sees it."""
    need_bwrap("the jail's tests")
    with Sandbox("x.ipynb", b"{}") as box:
        got = run(box, "import json, os\nfrom utils import grading_mode\n"
                       "print(json.dumps([os.environ.get('NN_WORKBOOK_GRADING'), grading_mode.grading()]))")  # fmt: skip
    assert got == ["1", True]
