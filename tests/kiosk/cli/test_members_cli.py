"""`kiosk members enroll|erase`: consent first, refusals named, the key from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kiosk.cli.main import cli
from kiosk.members import registry
from kiosk.members.config import FacePayConfig
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


def test_add_then_enrol_the_same_member_id(env: str, tmp_path: Path) -> None:
    """The demo's member: wallet first (`members add`), then a face for the same id."""
    import matplotlib

    from kiosk.config import DEFAULT_PATH
    from kiosk.storage import members

    photo = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    base = ["--db", env, "--config", str(DEFAULT_PATH)]
    added = CliRunner().invoke(
        cli,
        ["members", "add", "--member-id", "M0001", "--name", "Li Lei", "--phone", "1380000",
         "--wallet", "500", *base],
    )  # fmt: skip
    assert added.output.strip() == "M0001", added.output
    enrolled = CliRunner().invoke(
        cli,
        ["members", "enroll", "--member-id", "M0001", "--name", "Li Lei", "--phone",
         "13800001234", "--image", str(photo), "--consent", *base],
    )  # fmt: skip
    assert enrolled.exit_code == 0, enrolled.output
    assert "M0001: Li Lei enrolled with 1 face template(s)" in enrolled.output
    db = Database.open(env)
    member = members.get_member(db, "M0001")
    assert member is not None
    assert member.wallet_balance == 50000  # the same member, not a new one
    assert registry.verify_digits(db, "M0001", "1234", FacePayConfig())


def _invoke(args: list[str], env: str) -> Result:
    from kiosk.config import DEFAULT_PATH

    return CliRunner().invoke(cli, [*args, "--db", env, "--config", str(DEFAULT_PATH)])


def _grace_hopper() -> str:
    import matplotlib

    return str(Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg")


def _enrol_m0001(env: str, name: str, phone: str) -> Result:
    """`members enroll` of M0001 from Grace Hopper's portrait, with consent."""
    args = ["members", "enroll", "--member-id", "M0001", "--name", name, "--phone", phone]
    return _invoke([*args, "--image", _grace_hopper(), "--consent"], env)


def test_enrol_an_existing_member_under_another_name_is_refused(env: str) -> None:
    """A typo'd member id must not give this face the wallet of someone else."""
    from kiosk.storage import members

    _invoke(
        ["members", "add", "--member-id", "M0001", "--name", "Li Lei", "--phone", "1380000"], env
    )
    refused = _enrol_m0001(env, "Han Mei", "13900005678")
    assert refused.exit_code == 2, refused.output
    assert "member M0001 is 'Li Lei', not 'Han Mei'" in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    db = Database.open(env)
    assert registry.template_count(db) == 0
    assert not registry.has_consent(db, "M0001")
    member = members.get_member(db, "M0001")
    assert member is not None
    assert member.display_name == "Li Lei"
    assert registry.verify_digits(db, "M0001", "0000", FacePayConfig())  # phone untouched


def test_enrol_matches_names_loosely(env: str) -> None:
    _invoke(
        ["members", "add", "--member-id", "M0001", "--name", "Li  Lei", "--phone", "1380000"], env
    )
    enrolled = _enrol_m0001(env, "li lei", "13800001234")
    assert enrolled.exit_code == 0, enrolled.output


def test_erased_or_taken_member_ids_are_refused_in_one_line(env: str) -> None:
    add = ["members", "add", "--member-id", "M0001", "--name", "Li Lei", "--phone", "1380000"]
    assert _invoke(add, env).exit_code == 0
    again = _invoke(add, env)
    assert (again.exit_code, again.output.strip()) == (
        2,
        "member M0001 already exists: choose another member id",
    )
    assert _invoke(["members", "erase", "M0001", "--yes"], env).exit_code == 0
    enrol = _invoke(
        ["members", "enroll", "--member-id", "M0001", "--name", "Li Lei", "--phone",
         "13800001234", "--image", _grace_hopper(), "--consent"],
        env,
    )  # fmt: skip
    assert (enrol.exit_code, enrol.output.strip()) == (
        2,
        "member M0001 was erased: enrol them under a new member id",
    )
    readd = _invoke(add, env)
    assert (readd.exit_code, readd.output.strip()) == (
        2,
        "member M0001 was erased: choose another member id",
    )


def test_unknown_member_is_one_line_exit_2(env: str) -> None:
    erased = _invoke(["members", "erase", "M9999", "--yes"], env)
    assert (erased.exit_code, erased.output.strip()) == (2, "no member M9999")


def test_set_phone_of_unknown_member_names_it(db: Database) -> None:
    with pytest.raises(registry.UnknownMember) as raised:
        registry.set_phone(db, "M9999", "13800001234")
    assert str(raised.value) == "no member M9999"
    assert isinstance(raised.value, KeyError)  # callers catching KeyError still do
