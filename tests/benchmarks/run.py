"""`make bench`: time the course on this machine and write tests/benchmarks/RESULTS.md.

Each benchmark is a function returning table rows (what, figure, target). This file holds the
course-wide ones; every `bench_*.py` module beside it adds its own BENCHMARKS list.
"""

from __future__ import annotations

import importlib
import os
import platform
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from grading.course import lesson_ids, lesson_notebook  # noqa: E402
from tests.course_helpers import run_notebook  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")
MNIST_MINI = REPO.parent / "shared" / "datasets" / "mnist-mini"
# The targets are set on the offline MNIST stand-in (see its README); the kernels inherit this.
# torch's OpenMP threads spin while waiting, which slows every other process on a small machine.
if MNIST_MINI.is_dir():
    os.environ.setdefault("NN_WORKBOOK_DATA", str(MNIST_MINI))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
Row = tuple[str, str, str]


def machine() -> str:
    """One line describing this machine: CPU, cores, memory, Python, torch and GPU."""
    import torch

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; Python {platform.python_version()},"
        f" torch {torch.__version__}; {gpu}"
    )


def import_time(repeats: int = 7) -> list[Row]:
    """Median wall time of `import utils`, bare and with the submodules a lesson uses first."""
    rows = []
    for what, statement in [
        ("`import utils`", "import utils"),
        ("`import utils` + `utils.data`, `utils.checks`", "import utils; utils.data; utils.checks"),
    ]:
        code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
        times = [
            float(subprocess.check_output([sys.executable, "-c", code], cwd=REPO))
            for _ in range(repeats)
        ]
        rows.append((f"{what} (median of {repeats}, fresh interpreter)",
                     f"{statistics.median(times):.3f} s", "≤ 0.3 s"))  # fmt: skip
    return rows


def notebook_times() -> list[Row]:
    """Wall time to execute each solution notebook in a fresh kernel, kernel start included."""
    rows = []
    data = Path(os.environ.get("NN_WORKBOOK_DATA", "data/mnist")).name
    for lesson in lesson_ids():
        path = lesson_notebook(lesson)
        seconds = run_notebook(path, path.parent, timeout=600)
        on = f" (MNIST: {data})" if lesson in {"05-cnn", "07-mnist"} else ""
        target = "≤ 60 s"  # issue 13: every lesson, on 2 cores and the offline MNIST stand-in
        rows.append((f"execute solutions/{lesson}{on}", f"{seconds:.1f} s", target))
    return rows


BENCHMARKS = [import_time, notebook_times]


def all_benchmarks() -> list:
    """This file's benchmarks, then those of each bench_*.py module beside it, by name."""
    sys.path.insert(0, str(Path(__file__).parent))
    found = list(BENCHMARKS)
    for module in sorted(Path(__file__).parent.glob("bench_*.py")):
        found += importlib.import_module(module.stem).BENCHMARKS
    return found


def main() -> None:
    """Run every benchmark and write the results table."""
    rows = []
    for bench in all_benchmarks():
        print(f"running {bench.__name__} ...", flush=True)
        rows.extend(bench())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {when} with `make bench` on: {machine()}.",
        "",
        "| what | measured | target |",
        "| --- | --- | --- |",
        *(f"| {what} | {figure} | {target} |" for what, figure, target in rows),
        "",
    ]
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
