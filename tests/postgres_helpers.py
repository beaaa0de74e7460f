"""A throwaway PostgreSQL server for the gradebook tests (Debian's postgresql package)."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import free_port


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@contextlib.contextmanager
def postgres_server(databases: tuple[str, ...] = ("grades",)) -> Iterator[list[str]]:
    """A PostgreSQL server on a free port, run by the postgres user when we are root; the URL of
    each database made in it. Skips, loudly, where PostgreSQL is not installed."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        message = "!!!!!!!! PostgreSQL is not installed: the PostgreSQL gradebook test SKIPS"
        warnings.warn(message, stacklevel=3)
        pytest.skip(message)
    # Not under pytest's tmp_path: the postgres user cannot enter root's 0700 folders.
    data = Path(tempfile.mkdtemp(prefix="nn-grading-pg-"))
    user = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
        user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    run = lambda *cmd: subprocess.run([*user, *cmd], check=True, capture_output=True)  # noqa: E731
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "grader", "--auth=trust")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(data / "log"), "-w", "-o",
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start")  # fmt: skip
    try:
        for name in databases:
            run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "grader", name)
        yield [f"postgresql://grader@127.0.0.1:{port}/{name}" for name in databases]
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(data, ignore_errors=True)
