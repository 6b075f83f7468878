"""The 1:N indexes against brute force, on synthetic encodings with planted look-alikes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vision.faces import FaceGallery, IndexConfig
from vision.faces.index.exact import ExactIndex
from vision.faces.index.quantized import QuantizedConfig, QuantizedIndex
from vision.faces.synthetic import nearby, synthetic_people


@pytest.fixture(scope="module")
def planted():
    """20k people, 300 of them with a planted look-alike 0.3 away, and for each of those a
    probe 0.25 from the person: the look-alike sits close to the probe too."""
    people = synthetic_people(20_000, seed=11)
    rng = np.random.default_rng(12)
    chosen = rng.choice(len(people), size=300, replace=False)
    lookalikes = nearby(people[chosen], 0.30, seed=13)
    probes = nearby(people[chosen], 0.25, seed=14)
    vectors = np.vstack([people, lookalikes])
    return vectors, probes


def _top(index, probes, k=2):
    return [index.search(probe, k) for probe in probes]


def test_quantized_index_returns_the_exact_top_two(planted):
    vectors, probes = planted
    exact = _top(ExactIndex(vectors), probes)
    quantized = _top(QuantizedIndex(vectors), probes)
    for e, q in zip(exact, quantized, strict=True):
        assert q.rows.tolist() == e.rows.tolist()
        np.testing.assert_allclose(q.distances, e.distances, rtol=1e-5)


def test_partitioned_index_finds_nearly_every_top_one(planted):
    vectors, probes = planted
    exact = _top(ExactIndex(vectors), probes, k=1)
    index = QuantizedIndex(vectors, QuantizedConfig(partition=True))
    assert index.cells > 1
    approximate = _top(index, probes, k=1)
    agree = np.mean([a.rows[0] == e.rows[0] for a, e in zip(approximate, exact, strict=True)])
    assert agree >= 0.97  # approximate by design; measured 99.5-100% in benchmarks/faces.py


def test_exact_index_agrees_with_face_recognition_face_distance(planted):
    from vision.faces.models import face_api

    vectors, probes = planted
    index = ExactIndex(vectors[:5000])
    for probe in probes[:20]:
        reference = face_api().face_distance(vectors[:5000].astype(np.float64), probe)
        hits = index.search(probe, 5)
        assert hits.rows.tolist() == np.argsort(reference)[:5].tolist()
        np.testing.assert_allclose(hits.distances, np.sort(reference)[:5], rtol=1e-5)


def test_short_galleries_pad_the_answer():
    vectors = synthetic_people(3, seed=1)
    for index in (ExactIndex(vectors), QuantizedIndex(vectors)):
        hits = index.search(vectors[0], 5)
        assert hits.rows.tolist()[:1] == [0]
        assert hits.rows.tolist()[3:] == [-1, -1]
        assert math.isinf(hits.distances[4])


def test_gallery_ranks_members_by_their_nearest_encoding():
    people = synthetic_people(50, seed=3).astype(np.float64)
    gallery = FaceGallery()
    for i, person in enumerate(people):
        gallery.set_member(f"m{i}", [person])
    gallery.set_member("m7", [people[7], people[8]])  # m7 has a second, different encoding
    ranking = gallery.rank(people[8])
    assert ranking.candidates[0].member_id in {"m7", "m8"}
    assert {c.member_id for c in ranking.candidates} == {"m7", "m8"}
    assert ranking.candidates[0].distance == pytest.approx(0.0, abs=1e-6)


def test_gallery_rebuilds_after_each_change():
    people = synthetic_people(10, seed=4).astype(np.float64)
    gallery = FaceGallery()
    assert gallery.rank(people[0]).candidates == ()
    gallery.set_member("a", [people[0]])
    gallery.set_member("b", [people[1]])
    assert gallery.rank(people[0]).candidates[0].member_id == "a"
    assert gallery.remove_member("a")
    assert not gallery.remove_member("a")
    assert gallery.rank(people[0]).candidates[0].member_id == "b"
    assert gallery.info().encodings == 1


def test_auto_switches_to_the_quantized_index_at_the_configured_size():
    people = synthetic_people(120, seed=5)
    gallery = FaceGallery(IndexConfig(quantized_from=100))
    gallery.replace_all({f"m{i}": p for i, p in enumerate(people[:99])})
    assert gallery.info().kind == "exact"
    gallery.replace_all({f"m{i}": p for i, p in enumerate(people)})
    assert gallery.info().kind == "quantized"
    assert gallery.rank(people[42]).candidates[0].member_id == "m42"


def test_a_member_missing_from_the_shortlist_is_bounded_by_its_last_distance():
    base = synthetic_people(1, seed=6)[0]
    gallery = FaceGallery(candidates=4)
    # One member owns the 4 nearest encodings: the next member is at least that far.
    gallery.set_member("crowded", nearby(np.repeat(base[None], 4, 0), 0.1, seed=7))
    gallery.set_member("far", [base + 0.5])
    ranking = gallery.rank(base)
    assert [c.member_id for c in ranking.candidates] == ["crowded"]
    assert ranking.others_from == pytest.approx(0.1, abs=1e-5)


def test_encodings_of_the_wrong_shape_are_refused():
    gallery = FaceGallery()
    with pytest.raises(ValueError, match="128 values"):
        gallery.set_member("x", [np.zeros(127)])
    with pytest.raises(ValueError, match="finite"):
        gallery.rank(np.full(128, np.nan))
