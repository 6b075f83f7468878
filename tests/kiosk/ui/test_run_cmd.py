"""`kiosk run` is registered and refuses clearly when there is no display."""

from __future__ import annotations

from click.testing import CliRunner

from kiosk.cli.main import cli


def test_run_is_a_kiosk_command() -> None:
    result = CliRunner().invoke(cli, ["run", "--help"])
    assert result.exit_code == 0
    assert "--windowed" in result.output
    assert "--config" in result.output


def test_no_display_is_refused_with_the_fix() -> None:
    env = {"DISPLAY": None, "WAYLAND_DISPLAY": None, "SDL_VIDEODRIVER": None}
    result = CliRunner().invoke(cli, ["run", "--windowed"], env=env)
    assert result.exit_code == 2
    assert "no display: set DISPLAY" in result.output
