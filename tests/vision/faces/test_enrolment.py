"""Enrolment encodings from the shared photos, and the reasons images are refused."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.faces import (
    DetectionConfig,
    EnrolmentConfig,
    FaceRefusal,
    FaceRefusedError,
    InvalidImageError,
    decode_image,
    detect_faces,
    encode_for_enrolment,
)
from vision.faces.quality import face_sharpness


def _refusal(image: object) -> FaceRefusal:
    with pytest.raises(FaceRefusedError) as caught:
        encode_for_enrolment(image)
    assert caught.value.message
    return caught.value.reason


def test_every_single_face_photo_gives_one_encoding(single_face_photo, enrolled):
    encoding = enrolled[single_face_photo]
    assert isinstance(encoding, np.ndarray)
    assert encoding.shape == (128,)
    assert encoding.dtype == np.float64
    assert np.all(np.isfinite(encoding))


def test_the_group_photo_is_refused_for_several_faces(photos, group_photo):
    assert _refusal(photos[group_photo]) is FaceRefusal.SEVERAL_FACES


def test_two_photos_side_by_side_are_refused_for_several_faces(photos):
    left, right = photos["obama_1.jpg"], photos["biden_2.jpg"]
    height = min(left.shape[0], right.shape[0])
    pair = np.hstack([left[:height], right[:height]])
    assert _refusal(pair) is FaceRefusal.SEVERAL_FACES


def test_a_crop_without_the_face_is_refused_for_no_face(photos):
    photo = photos["obama_1.jpg"]
    (box,) = detect_faces(photo, DetectionConfig(max_side=640))
    below_chin = photo[box.bottom + 20 :, :]
    assert below_chin.shape[0] > 200
    assert _refusal(below_chin) is FaceRefusal.NO_FACE


def test_a_downscaled_photo_is_refused_for_a_face_too_small(photos):
    photo = photos["obama_1.jpg"]
    (box,) = detect_faces(photo, DetectionConfig(max_side=640))
    scale = 55 / box.height  # about 55 px: still found by the detector, under the 80 px limit
    small = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    assert _refusal(small) is FaceRefusal.FACE_TOO_SMALL


def test_a_blurred_photo_is_refused_as_too_blurred(photos):
    photo = photos["obama_2.jpg"]
    (box,) = detect_faces(photo, DetectionConfig(max_side=640))
    blurred = cv2.GaussianBlur(photo, (0, 0), 0.03 * box.width)
    assert face_sharpness(blurred, box) < EnrolmentConfig().quality.min_sharpness
    assert _refusal(blurred) is FaceRefusal.TOO_BLURRED


def test_the_sharp_original_of_the_blurred_photo_passes(photos):
    photo = photos["obama_2.jpg"]
    (box,) = detect_faces(photo, DetectionConfig(max_side=640))
    assert face_sharpness(photo, box) > 5 * EnrolmentConfig().quality.min_sharpness


def test_refusal_names_its_reason_and_message(photos, group_photo):
    with pytest.raises(FaceRefusedError) as caught:
        encode_for_enrolment(photos[group_photo])
    assert str(caught.value).startswith("several_faces: 2 faces")


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("not an image", "numpy image array"),
        (np.zeros((100, 100, 3), dtype=np.float32), "uint8"),
        (np.zeros((100, 100, 5), dtype=np.uint8), "H x W x 3"),
        (np.zeros((4, 4, 3), dtype=np.uint8), "too small"),
    ],
)
def test_bad_arrays_are_named_not_crashed_on(image, problem):
    with pytest.raises(InvalidImageError, match=problem):
        encode_for_enrolment(image)


def test_random_bytes_are_not_an_image():
    noise = np.random.default_rng(7).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(InvalidImageError, match="upload.bin: not a readable image"):
        decode_image(noise, "upload.bin")


def test_a_grayscale_image_is_accepted(photos):
    gray = cv2.cvtColor(photos["obama_1.jpg"], cv2.COLOR_RGB2GRAY)
    encoding = encode_for_enrolment(gray)
    assert encoding.shape == (128,)


def test_an_encoding_survives_its_byte_form(enrolled):
    from vision.faces import encoding_from_bytes, encoding_to_bytes

    encoding = enrolled["obama_1.jpg"]
    data = encoding_to_bytes(encoding)
    assert len(data) == 1024
    assert np.array_equal(encoding_from_bytes(data), encoding)
    with pytest.raises(ValueError, match="1024 bytes"):
        encoding_from_bytes(data[:-1])
