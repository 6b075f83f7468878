"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ("pytester", "tests.ci_policy")

ROOT = Path(__file__).resolve().parent.parent


def _shared_data() -> Path:
    return Path(os.environ.get("KIOSK_TEST_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The third-party photos with known answers; skips with the reason when absent."""
    from tests.ci_policy import SHARED_DATA_SKIP

    path = _shared_data()
    if not path.is_dir():
        pytest.skip(f"{SHARED_DATA_SKIP} {path} not found (set KIOSK_TEST_DATA)")
    return path


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where UI and console tests save their screenshots: `$KIOSK_SCREENSHOTS` when set (`make
    screenshots` points it at docs/screenshots), else a temporary folder, so that a test run
    does not rewrite the committed pictures."""
    chosen = os.environ.get("KIOSK_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[tuple[str, int]]:
    """A throwaway PostgreSQL server on 127.0.0.1, or a skip naming what is missing."""
    import glob
    import pwd
    import shutil
    import subprocess

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        pytest.skip("PostgreSQL binaries not found (apt install postgresql)")
    bindir = Path(bins[-1]).parent
    run_as: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
        run_as = ["runuser", "-u", "postgres", "--"]
    import tempfile

    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    data = base / "data"
    if run_as:
        shutil.chown(base, "postgres", "postgres")
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(base / "log"),
            "-w",
            "start",
            "-o",
            f"-h 127.0.0.1 -p {port} -k {base} -F",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield ("127.0.0.1", port)
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )


@pytest.fixture
def postgres_url(postgres_server: tuple[str, int]) -> str:
    """A new empty database on the throwaway server, as a SQLAlchemy URL."""
    import uuid

    import psycopg

    host, port = postgres_server
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(
        host=host, port=port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{host}:{port}/{name}"
