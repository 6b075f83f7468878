"""Face pay on the shared photos: identify, second factor, lockout, refusals, and the sale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.assembly import Kiosk
from kiosk.checkout import events as ev
from kiosk.checkout.events import PaymentMethod
from kiosk.checkout.session import Phase
from kiosk.members import registry
from kiosk.members.config import FacePayConfig
from kiosk.members.facepay import FacePayEngine, FaceStep
from kiosk.members.templates import TemplateKey, generate_key, load_key
from kiosk.simulator.runner import VirtualClock
from kiosk.storage import members
from kiosk.storage.engine import Database
from vision.faces import FacesConfig, encode_for_enrolment, load_image
from vision.faces.detection import detect_faces

PAY = FacePayConfig(max_amount=50_000)


@pytest.fixture(scope="module")
def encodings(shared_data: Path) -> dict[str, np.ndarray]:
    faces = shared_data / "faces"
    return {
        name: np.asarray(encode_for_enrolment(load_image(faces / name)))
        for name in (
            "obama_1.jpg",
            "obama_2.jpg",
            "biden_1.jpg",
            "biden_2.jpg",
            "alex_lacamoire_1.png",
        )
    }


@pytest.fixture
def key() -> TemplateKey:
    return load_key("K", "KF", {"K": generate_key()})


def enrol(db: Database, key: TemplateKey, name: str, phone: str, *encs: np.ndarray) -> str:
    member_id = registry.create_member(db, name, phone)
    registry.record_consent(db, member_id, PAY)
    registry.add_templates(db, key, member_id, list(encs))
    return member_id


@pytest.fixture
def engine(
    tmp_path: Path, key: TemplateKey, encodings: dict[str, np.ndarray]
) -> Iterator[FacePayEngine]:
    db = Database.open(f"sqlite:///{tmp_path / 'k.db'}")
    enrol(db, key, "Barack Obama", "+1 202 555 0144", encodings["obama_1.jpg"])
    enrol(db, key, "Joe Biden", "+1 202 555 0199", encodings["biden_1.jpg"])
    yield FacePayEngine(db, key, FacesConfig(), PAY)
    db.close()


def test_identifies_the_right_member_then_asks_for_digits(
    engine: FacePayEngine, encodings: dict[str, np.ndarray]
) -> None:
    attempt = engine.attempt(1000)
    status = attempt.identify(encodings["obama_2.jpg"])
    assert status.step == FaceStep.DIGITS
    assert status.display_name == "Barack Obama"
    assert attempt.digits("0199").step == FaceStep.DIGITS  # Biden's digits do not unlock Obama
    assert attempt.digits("0144").step == FaceStep.VERIFIED


def test_strangers_are_refused(engine: FacePayEngine, encodings: dict[str, np.ndarray]) -> None:
    status = engine.attempt(1000).identify(encodings["alex_lacamoire_1.png"])
    assert status.step == FaceStep.REFUSED
    assert status.reason == "no_match"


def test_wrong_digits_lock_face_pay(
    engine: FacePayEngine, encodings: dict[str, np.ndarray]
) -> None:
    attempt = engine.attempt(1000)
    attempt.identify(encodings["biden_2.jpg"])
    for _ in range(PAY.max_failures - 1):
        assert attempt.digits("1111").step == FaceStep.DIGITS
    assert attempt.digits("1111").reason == "locked"
    again = engine.attempt(1000).identify(encodings["biden_2.jpg"])
    assert (again.step, again.reason) == (FaceStep.REFUSED, "locked")


def test_second_factor_above_an_amount_only(
    tmp_path: Path, key: TemplateKey, encodings: dict[str, np.ndarray]
) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'k.db'}")
    enrol(db, key, "Barack Obama", "2025550144", encodings["obama_1.jpg"])
    engine = FacePayEngine(
        db,
        key,
        FacesConfig(),
        PAY.model_copy(update={"second_factor": "above_amount", "second_factor_above": 5000}),
    )
    assert engine.attempt(4000).identify(encodings["obama_2.jpg"]).step == FaceStep.VERIFIED
    assert engine.attempt(6000).identify(encodings["obama_2.jpg"]).step == FaceStep.DIGITS


def test_erased_member_is_gone_from_the_gallery(
    engine: FacePayEngine, encodings: dict[str, np.ndarray]
) -> None:
    member = engine.attempt(1000).identify(encodings["obama_2.jpg"]).member_id
    assert member is not None
    registry.erase_member(engine.db, member)
    engine.reload()
    assert engine.attempt(1000).identify(encodings["obama_2.jpg"]).reason == "no_match"


def test_group_photo_is_refused(engine: FacePayEngine, shared_data: Path) -> None:
    frame = load_image(shared_data / "faces" / "group_biden_obama.jpg")
    attempt = engine.attempt(1000)
    status = attempt.feed(frame, 0.0)
    for t in range(1, 30):
        if status.step != FaceStep.LIVENESS:
            break
        status = attempt.feed(frame, t * 0.2)
    assert (status.step, status.reason) == (FaceStep.REFUSED, "several_faces")


def test_a_photo_held_up_does_not_pay(engine: FacePayEngine, shared_data: Path) -> None:
    frame = load_image(shared_data / "faces" / "obama_1.jpg")
    attempt = engine.attempt(1000)
    status = attempt.feed(frame, 0.0)
    t = 0.0
    while status.step == FaceStep.LIVENESS and t < 30:
        t += 0.2
        status = attempt.feed(frame, t)
    assert status.step == FaceStep.REFUSED
    assert status.reason in {"still_image", "timeout"}


def test_a_frame_fed_says_where_the_face_is_and_what_to_do(
    engine: FacePayEngine, shared_data: Path
) -> None:
    frame = load_image(shared_data / "faces" / "obama_1.jpg")
    attempt = engine.attempt(1000)
    look = attempt.look(frame, 0.0)
    assert look.status.step == FaceStep.LIVENESS
    assert look.step == attempt.challenge.steps[0]
    assert [look.face] == detect_faces(frame, attempt.challenge.config.detection)
    group = load_image(shared_data / "faces" / "group_biden_obama.jpg")
    look = engine.attempt(1000).look(group, 0.0)
    assert (look.status.reason, look.face, look.step) == ("several_faces", None, None)


def test_over_the_limit_is_refused(engine: FacePayEngine, shared_data: Path) -> None:
    status = engine.attempt(PAY.max_amount + 1).feed(
        load_image(shared_data / "faces" / "obama_1.jpg"), 0.0
    )
    assert (status.step, status.reason) == (FaceStep.REFUSED, "over_limit")


def test_face_pay_charges_the_member_wallet(
    kiosk: Kiosk, clock: VirtualClock, encodings: dict[str, np.ndarray]
) -> None:
    key = load_key("K", "KF", {"K": generate_key()})
    member_id = enrol(kiosk.db, key, "Barack Obama", "2025550144", encodings["obama_1.jpg"])
    members.wallet_credit(kiosk.db, "topup-1", member_id, 10_000, kind="topup")
    engine = FacePayEngine(kiosk.db, key, FacesConfig(), PAY)
    rt = kiosk.runtime
    rt.dispatch(ev.WeightChanged(at=0, grams=0, stable=True))
    rt.dispatch(ev.ItemScanned(at=1, code="5449000039231"))
    rt.dispatch(ev.WeightChanged(at=2, grams=345, stable=True))
    attempt = engine.attempt(rt.price().amount_due)
    attempt.identify(encodings["obama_2.jpg"])
    verified = attempt.digits("0144")
    assert verified.step == FaceStep.VERIFIED
    assert verified.member_id == member_id
    rt.dispatch(
        ev.FaceVerified(
            at=3,
            member_id=member_id,
            display_name=verified.display_name,
            points_balance=verified.points_balance,
        )
    )
    rt.dispatch(ev.PayRequested(at=4, method=PaymentMethod.FACE))
    assert rt.state.phase == Phase.PAID
    assert rt.state.sale is not None
    assert rt.state.sale.member_name == "B***** O****"
    assert members.get_member(kiosk.db, member_id).wallet_balance == 10_000 - 350  # type: ignore[union-attr]
