"""Fixtures shared by every test package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _shared_data() -> Path:
    return Path(os.environ.get("KIOSK_TEST_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The third-party photos with known answers; skips with the reason when absent."""
    path = _shared_data()
    if not path.is_dir():
        pytest.skip(f"shared test data not found at {path} (set KIOSK_TEST_DATA)")
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT
