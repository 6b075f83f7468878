"""Same and different people on the shared photos, 1:N identification, and the payment refusals."""

from __future__ import annotations

import itertools
import math

import pytest

from vision.faces import (
    FaceGallery,
    FaceIdentifier,
    Identified,
    IdentifyRefusal,
    MatchConfig,
    NotIdentified,
)
from vision.faces.gallery import Candidate, Ranking
from vision.faces.matching import decide

THRESHOLD = MatchConfig().threshold


def test_same_person_pairs_match_and_different_people_do_not(enrolled, identity):
    same, different = [], []
    for x, y in itertools.combinations(sorted(enrolled), 2):
        distance = float(((enrolled[x] - enrolled[y]) ** 2).sum() ** 0.5)
        (same if identity(x) == identity(y) else different).append((distance, x, y))
    assert len(same) == 12
    assert len(different) == 33
    assert [pair for pair in same if pair[0] > THRESHOLD] == []
    assert [pair for pair in different if pair[0] <= THRESHOLD] == []


def _gallery_by_identity(enrolled, identity, leave_out=()):
    by_person: dict[str, list] = {}
    for name, encoding in enrolled.items():
        if name not in leave_out:
            by_person.setdefault(identity(name), []).append(encoding)
    gallery = FaceGallery()
    for person, encodings in by_person.items():
        gallery.set_member(person, encodings)
    return gallery


def test_each_photo_is_identified_as_its_person_when_another_photo_is_enrolled(enrolled, identity):
    checked = 0
    for probe in enrolled:
        gallery = _gallery_by_identity(enrolled, identity, leave_out={probe})
        if identity(probe) not in gallery:
            continue  # the only photo of this person: nothing to find
        result = FaceIdentifier(gallery).identify(enrolled[probe])
        assert isinstance(result, Identified), (probe, result)
        assert result.member_id == identity(probe)
        assert result.margin >= MatchConfig().margin
        checked += 1
    assert checked == 9  # lin_manuel_miranda has one photo only


def test_a_person_who_is_not_enrolled_is_refused(enrolled, identity):
    for probe in enrolled:
        person = identity(probe)
        others = [name for name in enrolled if identity(name) == person]
        gallery = _gallery_by_identity(enrolled, identity, leave_out=set(others))
        result = FaceIdentifier(gallery).identify(enrolled[probe])
        assert isinstance(result, NotIdentified), (probe, result)
        assert result.reason is IdentifyRefusal.NO_MATCH


def test_the_group_photo_is_refused_for_payment(photos, group_photo, enrolled, identity, frame_of):
    identifier = FaceIdentifier(_gallery_by_identity(enrolled, identity))
    for frame in (frame_of(photos[group_photo]), photos[group_photo]):
        result = identifier.identify_frame(frame)
        assert isinstance(result, NotIdentified)
        assert result.reason is IdentifyRefusal.SEVERAL_FACES


def test_a_camera_frame_of_an_enrolled_person_identifies_them(photos, enrolled, identity, frame_of):
    gallery = _gallery_by_identity(enrolled, identity, leave_out={"obama_2.jpg"})
    result = FaceIdentifier(gallery).identify_frame(frame_of(photos["obama_2.jpg"]))
    assert isinstance(result, Identified)
    assert result.member_id == "obama"


def test_a_lookalike_too_close_to_the_best_member_is_ambiguous(enrolled):
    gallery = FaceGallery()
    gallery.set_member("obama", [enrolled["obama_1.jpg"]])
    # obama_4_480p is 0.06 from obama_1: enrolled as someone else, it is a perfect look-alike.
    gallery.set_member("twin", [enrolled["obama_4_480p.jpg"]])
    result = FaceIdentifier(gallery).identify(enrolled["obama_3.jpg"])
    assert isinstance(result, NotIdentified)
    assert result.reason is IdentifyRefusal.AMBIGUOUS
    assert result.margin is not None
    assert result.margin < MatchConfig().margin


def test_decide_needs_both_threshold_and_margin():
    config = MatchConfig(threshold=0.5, margin=0.1)
    close = Ranking((Candidate("a", 0.30), Candidate("b", 0.45)), 0.45)
    clear = Ranking((Candidate("a", 0.30), Candidate("b", 0.41)), 0.41)
    far = Ranking((Candidate("a", 0.51), Candidate("b", 0.90)), 0.90)
    assert decide(close, config) == Identified("a", 0.30, pytest.approx(0.15))
    assert decide(clear, config) == Identified("a", 0.30, pytest.approx(0.11))
    assert decide(far, config).reason is IdentifyRefusal.NO_MATCH  # type: ignore[union-attr]
    tight = Ranking((Candidate("a", 0.30), Candidate("b", 0.39)), 0.39)
    assert decide(tight, config).reason is IdentifyRefusal.AMBIGUOUS  # type: ignore[union-attr]


def test_decide_on_an_empty_gallery_and_on_a_single_member():
    config = MatchConfig()
    assert decide(Ranking((), math.inf), config).reason is IdentifyRefusal.EMPTY_GALLERY  # type: ignore[union-attr]
    alone = decide(Ranking((Candidate("a", 0.2),), math.inf), config)
    assert alone == Identified("a", 0.2, math.inf)


def test_frames_without_a_usable_face_say_why(photos, enrolled, identity):
    import numpy as np

    identifier = FaceIdentifier(_gallery_by_identity(enrolled, identity))
    blank = np.full((480, 640, 3), 128, dtype=np.uint8)
    result = identifier.identify_frame(blank)
    assert isinstance(result, NotIdentified)
    assert result.reason is IdentifyRefusal.NO_FACE
