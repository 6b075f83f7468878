"""`kiosk members enroll|erase`: consent first, refusals named, the key from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli.main import cli
from kiosk.members import registry
from kiosk.members.templates import generate_key
from kiosk.storage.engine import Database


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("KIOSK_FACE_KEY", generate_key())
    return f"sqlite:///{tmp_path / 'k.db'}"


def test_no_consent_nothing_encoded(env: str, shared_data: Path) -> None:
    photo = str(shared_data / "faces" / "obama_1.jpg")
    result = CliRunner().invoke(
        cli,
        [
            "members",
            "enroll",
            "--name",
            "B O",
            "--phone",
            "2025550144",
            "--image",
            photo,
            "--db",
            env,
        ],
        input="n\n",
    )
    assert result.exit_code == 2
    assert "no consent: nothing encoded" in result.output
    assert registry.template_count(Database.open(env)) == 0


def test_enrol_with_consent_refuses_bad_photos_by_name(env: str, shared_data: Path) -> None:
    faces = shared_data / "faces"
    args = [
        "members",
        "enroll",
        "--name",
        "Barack Obama",
        "--phone",
        "2025550144",
        "--consent",
        "--db",
        env,
    ]
    for name in ("obama_1.jpg", "group_biden_obama.jpg", "obama_2.jpg"):
        args += ["--image", str(faces / name)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "group_biden_obama.jpg: refused (several_faces)" in result.output
    assert "enrolled with 2 face template(s)" in result.output
    member_id = result.output.strip().splitlines()[-1].split(":")[0]
    listed = CliRunner().invoke(cli, ["members", "list", "--db", env]).output
    assert "faces 2" in listed
    erased = CliRunner().invoke(cli, ["members", "erase", member_id, "--yes", "--db", env])
    assert "2 face template(s) destroyed" in erased.output
    assert registry.template_count(Database.open(env)) == 0


def test_missing_key_is_named(env: str, shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_FACE_KEY")
    photo = str(shared_data / "faces" / "obama_1.jpg")
    result = CliRunner().invoke(
        cli,
        [
            "members",
            "enroll",
            "--name",
            "X",
            "--phone",
            "1234",
            "--image",
            photo,
            "--consent",
            "--db",
            env,
        ],
    )
    assert result.exit_code == 2
    assert "set KIOSK_FACE_KEY or KIOSK_FACE_KEY_FILE" in result.output
