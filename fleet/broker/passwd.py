"""Mosquitto password-file lines ($7$: PBKDF2-SHA512), written without mosquitto_passwd.

`config/mosquitto/make-site.sh` uses mosquitto_passwd for real sites; this is for local
brokers with thousands of simulated kiosks, where one process per user would take minutes.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

ITERATIONS = 101  # what mosquitto_passwd 2.0 uses


def hash_line(username: str, password: str, salt: bytes | None = None) -> str:
    if ":" in username:
        raise ValueError("a Mosquitto username cannot contain ':'")
    salt = salt or os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ITERATIONS)
    return (
        f"{username}:$7${ITERATIONS}${base64.b64encode(salt).decode()}"
        f"${base64.b64encode(digest).decode()}"
    )


def write_password_file(path: Path, users: Mapping[str, str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for username, password in users.items():
            f.write(hash_line(username, password) + "\n")
