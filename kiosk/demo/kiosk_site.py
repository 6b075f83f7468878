"""The demo's kiosk: a config derived from the shipped one, a face key, staff and a member."""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from kiosk.adapters.device_config import FaceCameraConfig
from kiosk.config import (
    ENV_CONFIG,
    ENV_DATA_DIR,
    ConfigError,
    LoadedConfig,
    load_config,
)
from kiosk.demo.steps import DemoError

STAFF_ID = "demo"
STAFF_PIN = "2468"
MEMBER_ID = "M0001"
MEMBER_NAME = "Demo Member"
MEMBER_PHONE = "13800001234"  # the last four digits are the face-pay second factor
MEMBER_WALLET = "500"  # major units
MEMBER_POINTS = 300


@dataclass(frozen=True)
class KioskSite:
    config: Path
    loaded: LoadedConfig  # the config as written and validated
    data_dir: Path
    kiosk_id: str
    face_key_file: Path
    face_key_file_env: str
    face_photo: Path

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env[ENV_CONFIG] = str(self.config)
        env[ENV_DATA_DIR] = str(self.data_dir)
        env[self.face_key_file_env] = str(self.face_key_file)
        for name in ("KIOSK_FLEET_ENABLED", "KIOSK_FLEET_CONFIG"):
            env.pop(name, None)  # they would win over the demo's [fleet] section
        return env


def member_photo(base_dir: Path) -> Path:
    """A face for M0001: the one the presented face camera shows when no photo is configured."""
    from kiosk.ui.workers.face_camera import demo_face_photo

    try:
        return demo_face_photo("", base_dir)
    except FileNotFoundError as e:
        raise DemoError("member enrolment", str(e)) from None


def _with_face_photo(data: dict[str, Any], photo: Path) -> None:
    """Let a presented face camera ([devices.face_camera] photo) show the enrolled member."""
    devices = data.get("devices")
    if not isinstance(devices, dict):
        return
    camera = devices.get("face_camera")
    if not isinstance(camera, dict) or "photo" not in camera:
        return
    trial = {**camera, "photo": str(photo)}
    try:
        FaceCameraConfig.model_validate(trial)
    except ValidationError:
        # A path over the photo's length limit (a deep --dir): the camera's default photo is
        # the same face; any other problem, load_config names.
        return
    devices["face_camera"] = trial


def write_kiosk_site(folder: Path, shipped: Path, fleet_config: Path) -> KioskSite:
    """Copy the shipped config folder (catalog, promotions, planogram) and point it here."""
    config_dir, data_dir = folder / "config", folder / "data"
    shutil.copytree(shipped.parent, config_dir, dirs_exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        data = tomllib.loads(shipped.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise DemoError("kiosk config", f"{shipped}: {e}") from None
    data.setdefault("kiosk", {})["data_dir"] = str(data_dir)
    data.setdefault("ui", {})["fullscreen"] = False
    data["fleet"] = {"enabled": True, "config_file": str(fleet_config)}  # the in-app agent
    face_photo = folder / "member-face.jpg"
    # Enrolled, and shown by the face camera.
    shutil.copyfile(member_photo(shipped.parent), face_photo)
    _with_face_photo(data, face_photo)
    config = config_dir / "kiosk.toml"
    config.write_text(
        f"# made by `kiosk demo` from {shipped}\n" + tomli_w.dumps(data), encoding="utf-8"
    )
    os.environ.pop(ENV_DATA_DIR, None)  # the demo's data_dir, not one left in the shell
    try:
        loaded = load_config(config)
    except ConfigError as e:
        raise DemoError("kiosk config", "\n".join(e.problems)) from None
    face = loaded.config.face_pay
    key_file = folder / "face.key"
    return KioskSite(
        config=config,
        loaded=loaded,
        data_dir=data_dir,
        kiosk_id=loaded.config.kiosk.id,
        face_key_file=key_file,
        face_key_file_env=face.key_file_env,
        face_photo=face_photo,
    )


def enrol_people(site: KioskSite) -> str:
    """Staff PIN 2468 and member M0001 with consent and a face; returns the photo used."""
    from kiosk.checkout.catalog_csv import parse_price
    from kiosk.members import registry
    from kiosk.members.templates import generate_key, load_key
    from kiosk.storage import members
    from kiosk.storage.engine import Database
    from kiosk.storage.staff import add_staff
    from vision.faces import FaceRefusedError, InvalidImageError, encode_for_enrolment, load_image

    loaded = site.loaded
    fd = os.open(site.face_key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(generate_key() + "\n")
    face = loaded.config.face_pay
    key = load_key(face.key_env, face.key_file_env, {face.key_file_env: str(site.face_key_file)})
    db = Database.open(loaded.database_url)
    try:
        add_staff(db, STAFF_ID, "Demo supervisor", STAFF_PIN, role="supervisor")
        photo = site.face_photo
        try:
            encoding = encode_for_enrolment(load_image(photo), loaded.config.faces.enrolment)
        except (FaceRefusedError, InvalidImageError) as e:
            raise DemoError("member enrolment", f"{photo}: {e}") from None
        registry.create_member(db, MEMBER_NAME, MEMBER_PHONE, member_id=MEMBER_ID)
        registry.record_consent(db, MEMBER_ID, face)  # consent first, then the template
        registry.add_templates(db, key, MEMBER_ID, [encoding])
        # Face pay charges the member wallet: give it enough for any demo basket.
        opening = parse_price(MEMBER_WALLET, loaded.currency)
        members.wallet_credit(db, f"opening-{MEMBER_ID}", MEMBER_ID, opening, kind="topup")
        members.add_points(db, MEMBER_ID, MEMBER_POINTS)
    finally:
        db.close()
    return str(photo)
