"""Face templates encrypted at rest with AES-GCM; the key comes from the environment or a file."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENCODING_SIZE = 128  # face_recognition's dlib encodings


class FaceKeyMissing(RuntimeError):
    """No template key is configured; face enrolment and face pay cannot run."""


class TemplateUnreadable(RuntimeError):
    """A stored template does not decrypt with this key (wrong key, or tampered bytes)."""


@dataclass(frozen=True)
class TemplateKey:
    key_id: str
    key: bytes

    @classmethod
    def from_bytes(cls, key: bytes) -> TemplateKey:
        if len(key) != 32:
            raise FaceKeyMissing(f"the face template key must be 32 bytes, got {len(key)}")
        return cls(hashlib.sha256(key).hexdigest()[:16], key)


def generate_key() -> str:
    """A new key, as the text to put in KIOSK_FACE_KEY or the key file."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def load_key(
    key_env: str, key_file_env: str, environ: Mapping[str, str] | None = None
) -> TemplateKey:
    env = os.environ if environ is None else environ
    text = env.get(key_env)
    if not text and env.get(key_file_env):
        path = Path(env[key_file_env])
        try:
            text = path.read_text().strip()
        except OSError as e:
            raise FaceKeyMissing(f"cannot read the face key file {path}: {e.strerror}") from None
    if not text:
        raise FaceKeyMissing(
            f"no face template key: set {key_env} or {key_file_env} "
            "(make one with `kiosk members keygen`)"
        )
    try:
        raw = base64.urlsafe_b64decode(text.encode())
    except ValueError:
        raise FaceKeyMissing(f"{key_env} is not base64") from None
    return TemplateKey.from_bytes(raw)


def _aad(member_id: str, template_id: str) -> bytes:
    # Binds a ciphertext to its member and row: swapping templates between members fails.
    return f"face-template:{member_id}:{template_id}".encode()


def seal(
    key: TemplateKey, member_id: str, template_id: str, encoding: np.ndarray
) -> tuple[bytes, bytes]:
    vector = np.asarray(encoding, dtype="<f8")
    if vector.shape != (ENCODING_SIZE,) or not np.all(np.isfinite(vector)):
        raise ValueError(f"a face encoding is {ENCODING_SIZE} finite numbers")
    nonce = os.urandom(12)
    return nonce, AESGCM(key.key).encrypt(nonce, vector.tobytes(), _aad(member_id, template_id))


def open_sealed(
    key: TemplateKey, member_id: str, template_id: str, nonce: bytes, ciphertext: bytes
) -> np.ndarray:
    try:
        plain = AESGCM(key.key).decrypt(nonce, ciphertext, _aad(member_id, template_id))
    except InvalidTag:
        raise TemplateUnreadable(
            f"template {template_id} does not decrypt with key {key.key_id}"
        ) from None
    return np.frombuffer(plain, dtype="<f8").copy()
