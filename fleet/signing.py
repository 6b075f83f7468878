"""Ed25519 keys for remote commands: generate, load, sign (fleet side), verify (kiosk side)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fleet.messages.commands import CommandBody, SignedCommand


class KeyFileError(Exception):
    """A key file is missing, unreadable or not an Ed25519 key (the message says which)."""


class SignatureRefused(Exception):
    """The signature does not verify with any trusted key."""


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def generate_keypair(private_path: Path, public_path: Path, *, overwrite: bool = False) -> str:
    """Write a new private key (mode 0600) and its public key; returns the key id."""
    if private_path.exists() and not overwrite:
        raise KeyFileError(f"{private_path} exists; refusing to overwrite a signing key")
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.write_bytes(public_pem(private.public_key()))
    return key_id(private.public_key())


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyFileError(
            f"signing key {path} not found; create one with `fleet keys generate`"
        ) from None
    except (ValueError, TypeError, OSError) as e:
        raise KeyFileError(f"signing key {path} cannot be read: {e}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except FileNotFoundError:
        raise KeyFileError(
            f"public key {path} not found; copy it from `fleet keys generate`"
        ) from None
    except (ValueError, OSError) as e:
        raise KeyFileError(f"public key {path} cannot be read: {e}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} is not an Ed25519 public key")
    return key


class Signer:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        self.key_id = key_id(private.public_key())

    def sign(self, body: CommandBody) -> SignedCommand:
        text = body.model_dump_json()
        signature = self._private.sign(text.encode())
        return SignedCommand(
            key_id=self.key_id, body=text, signature=base64.b64encode(signature).decode()
        )


class Verifier:
    """Checks signatures against the trusted public keys (several during a rotation)."""

    def __init__(self, keys: list[Ed25519PublicKey]) -> None:
        if not keys:
            raise KeyFileError("no trusted public key: kiosks would refuse every command")
        self._keys = {key_id(k): k for k in keys}

    def verify(self, signed: SignedCommand) -> bytes:
        """The signed body bytes, or SignatureRefused."""
        key = self._keys.get(signed.key_id)
        if key is None:
            raise SignatureRefused(f"signed with unknown key {signed.key_id}")
        try:
            signature = base64.b64decode(signed.signature, validate=True)
        except (binascii.Error, ValueError):
            raise SignatureRefused("signature is not base64") from None
        body = signed.body.encode()
        try:
            key.verify(signature, body)
        except InvalidSignature:
            raise SignatureRefused("signature does not match the body") from None
        return body
