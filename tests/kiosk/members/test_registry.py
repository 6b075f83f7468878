"""Consent before encoding, encryption at rest, erasure down to the bytes, lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, update

from kiosk.members import registry
from kiosk.members.config import FacePayConfig
from kiosk.members.consent import consent_text
from kiosk.members.templates import (
    FaceKeyMissing,
    TemplateKey,
    TemplateUnreadable,
    generate_key,
    load_key,
)
from kiosk.storage.engine import Database
from kiosk.storage.models import ErasureRow, FaceTemplateRow, MemberRow

CFG = FacePayConfig()
NAME = "Zhang Xiaoming"


@pytest.fixture
def key() -> TemplateKey:
    return load_key("K", "KF", {"K": generate_key()})


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database.open(f"sqlite:///{tmp_path / 'kiosk.db'}")


def encoding(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(0, 0.1, 128)
    return v / np.linalg.norm(v)


def enrolled(db: Database, key: TemplateKey, seed: int = 1, name: str = NAME) -> str:
    member_id = registry.create_member(db, name, "+86 138 0013 8000")
    registry.record_consent(db, member_id, CFG)
    registry.add_templates(db, key, member_id, [encoding(seed), encoding(seed + 100)])
    return member_id


def test_no_consent_no_template(db: Database, key: TemplateKey) -> None:
    member_id = registry.create_member(db, NAME, "13800138000")
    with pytest.raises(registry.ConsentMissing):
        registry.add_templates(db, key, member_id, [encoding(1)])
    assert registry.template_count(db) == 0
    registry.record_consent(db, member_id, CFG)
    assert registry.add_templates(db, key, member_id, [encoding(1)]) == 1


def test_templates_round_trip_only_with_the_key(db: Database, key: TemplateKey) -> None:
    member_id = enrolled(db, key)
    loaded = registry.load_templates(db, key)
    assert len(loaded) == 2
    assert {t.member_id for t in loaded} == {member_id}
    assert any(np.allclose(t.encoding, encoding(1)) for t in loaded)
    other = load_key("K", "KF", {"K": generate_key()})
    with pytest.raises(TemplateUnreadable):
        registry.load_templates(db, other)


def test_stored_bytes_are_not_the_encoding(db: Database, key: TemplateKey, tmp_path: Path) -> None:
    enrolled(db, key)
    plain = encoding(1).astype("<f8").tobytes()
    assert plain[:32] not in _file_bytes(tmp_path)


def test_swapped_templates_do_not_decrypt(db: Database, key: TemplateKey) -> None:
    a = enrolled(db, key, 1, "Member A")
    enrolled(db, key, 2, "Member B")
    with db.write() as s:
        row = s.scalars(select(FaceTemplateRow).where(FaceTemplateRow.member_id != a)).first()
        assert row is not None
        row.member_id = a  # someone moves B's template onto A's account
    with pytest.raises(TemplateUnreadable):
        registry.load_templates(db, key)


def _file_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(tmp_path.glob("kiosk.db*")) if p.is_file())


def test_erase_leaves_neither_template_nor_name_in_the_file_or_wal(
    db: Database, key: TemplateKey, tmp_path: Path
) -> None:
    member_id = enrolled(db, key)
    with db.read() as s:
        ciphertexts = [r.ciphertext for r in s.scalars(select(FaceTemplateRow))]
    before = _file_bytes(tmp_path)
    assert NAME.encode() in before  # the scan can find them, so their absence below means something
    assert all(c in before for c in ciphertexts)
    assert registry.erase_member(db, member_id) == 2
    after = _file_bytes(tmp_path)
    assert NAME.encode() not in after
    assert not any(c[:24] in after for c in ciphertexts)
    assert (tmp_path / "kiosk.db-wal").stat().st_size == 0
    with db.read() as s:
        member = s.get(MemberRow, member_id)
        assert member is not None
        assert (member.display_name, member.status, member.phone_last4_hash) == (
            "erased",
            "erased",
            None,
        )
        assert [e.what for e in s.scalars(select(ErasureRow))] == ["member"]
    assert registry.load_templates(db, key) == []


def test_retention_purge(db: Database, key: TemplateKey) -> None:
    old = enrolled(db, key, 1, "Old Member")
    recent = enrolled(db, key, 2, "Recent Member")
    now = datetime.now(UTC)
    with db.write() as s:
        s.execute(
            update(MemberRow)
            .where(MemberRow.member_id == old)
            .values(last_active_at=now - timedelta(days=1200))
        )
    assert registry.purge_inactive(db, CFG.retention_days, now=now) == [old]
    assert {t.member_id for t in registry.load_templates(db, key)} == {recent}
    assert registry.purge_inactive(db, CFG.retention_days, now=now) == []


def test_second_factor_and_lockout(db: Database, key: TemplateKey) -> None:
    member_id = enrolled(db, key)
    now = datetime.now(UTC)
    assert registry.verify_digits(db, member_id, "8000", CFG, now=now)
    assert not registry.verify_digits(db, member_id, "1234", CFG, now=now)
    assert not registry.verify_digits(db, member_id, "0000", CFG, now=now)
    assert not registry.verify_digits(db, member_id, "9999", CFG, now=now)  # third failure: locked
    assert registry.is_locked(db, member_id, now=now)
    with pytest.raises(registry.FaceLocked):
        registry.verify_digits(db, member_id, "8000", CFG, now=now)
    later = now + timedelta(minutes=CFG.lockout_minutes + 1)
    assert registry.verify_digits(db, member_id, "8000", CFG, now=later)


def test_phone_needs_four_digits(db: Database) -> None:
    with pytest.raises(ValueError, match="four digits"):
        registry.create_member(db, NAME, "12")


def test_key_loading(tmp_path: Path) -> None:
    with pytest.raises(FaceKeyMissing, match="set K or KF"):
        load_key("K", "KF", {})
    with pytest.raises(FaceKeyMissing, match="cannot read"):
        load_key("K", "KF", {"KF": str(tmp_path / "missing")})
    with pytest.raises(FaceKeyMissing, match="32 bytes"):
        load_key("K", "KF", {"K": "c2hvcnQ="})
    keyfile = tmp_path / "face.key"
    keyfile.write_text(generate_key() + "\n")
    assert len(load_key("K", "KF", {"KF": str(keyfile)}).key) == 32


def test_consent_text_in_both_languages() -> None:
    assert "3 years" in consent_text("2026-11", "en", 1095)
    with pytest.raises(KeyError, match="no consent text version"):
        consent_text("1999-01", "en", 1095)
