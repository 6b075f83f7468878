"""`kiosk demo --scenarios`: the example shoppers, headless, as README and docs/simulator.md say."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from kiosk.cli.main import cli


def test_scenarios_run_headless_with_receipts(repo_root: Path) -> None:
    count = len(list((repo_root / "config" / "scenarios").glob("*.toml")))
    before = os.environ.get("KIOSK_DATA_DIR")
    result = CliRunner().invoke(cli, ["demo", "--scenarios"])
    assert result.exit_code == 0, result.output
    assert f"{count} scenarios, 0 failure(s); database check: OK" in result.output
    assert "=== " in result.output
    assert os.environ.get("KIOSK_DATA_DIR") == before  # its temporary folder is not left set
