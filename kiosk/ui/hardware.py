"""`kiosk run`'s peripherals from the `[scanning]` and `[devices]` config: the real workers.

Simulated boards are started here too (on pseudo-terminals, read by the real serial code);
their control sockets, the synthetic scanning camera and the presented face camera are kept
in `SimulatorHandles` for the demo panel's simulated shopper.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from devices.weighing.planogram import load_planogram
from kiosk.adapters.device_config import DevicesConfig, NoScaleConfig
from kiosk.adapters.weights import catalog_weights
from kiosk.assembly import Kiosk
from kiosk.checkout.catalog import Product
from kiosk.checkout.events import PaymentMethod
from kiosk.storage.catalog_repo import list_products
from kiosk.ui import device_board as names
from kiosk.ui.control import Worker
from kiosk.ui.device_board import DeviceBoard, DeviceState, DeviceStatus
from kiosk.ui.feeds import PreviewFeed, ReadingBoard
from kiosk.ui.fleet_link import make_fleet_link
from kiosk.ui.peripherals import Peripherals
from kiosk.ui.standins import NoShelves
from kiosk.ui.till_devices import connect_till_devices
from kiosk.ui.workers.camera import CameraWorker, source_status, with_catalog
from kiosk.ui.workers.face_camera import FaceCameraWorker, face_source
from kiosk.ui.workers.face_engine import CameraFacePay
from kiosk.ui.workers.scales import ScaleWorker
from kiosk.ui.workers.shelves import ShelfWorker
from vision.sources import SyntheticCamera, SyntheticConfig, build_source
from vision.sources.presented import PresentedFace

logger = logging.getLogger(__name__)


@dataclass
class SimulatorHandles:
    """What the simulated shopper can act on; each is None when that device is real or absent."""

    scanning_camera: SyntheticCamera | None = None
    face_camera: PresentedFace | None = None
    bagging_scale: ScaleWorker | None = None
    produce_scale: ScaleWorker | None = None
    shelves: ShelfWorker | None = None
    face_pay: CameraFacePay | None = None
    extra: dict[str, Path] = field(default_factory=dict)


def hardware_for(kiosk: Kiosk) -> Peripherals:
    """Peripherals for `kiosk run` built from the kiosk's config (the default factory)."""
    loaded = kiosk.loaded
    config: DevicesConfig = loaded.config.devices
    data_dir = loaded.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    products = list_products(kiosk.db)
    devices = DeviceBoard()
    camera = PreviewFeed(names.CAMERA)
    handles = SimulatorHandles()
    workers: list[Worker] = []
    _scanning_camera(kiosk, products, camera, devices, handles, workers)
    connect_till_devices(kiosk.runtime, devices)

    weights = catalog_weights(products)
    if not isinstance(config.bagging_scale, NoScaleConfig):
        handles.bagging_scale = ScaleWorker(
            names.BAGGING_SCALE, config.bagging_scale, devices, data_dir,
            runtime=kiosk.runtime, weights=weights,
        )  # fmt: skip
        workers.append(handles.bagging_scale)
    produce = ReadingBoard(names.PRODUCE_SCALE)
    if not isinstance(config.produce_scale, NoScaleConfig):
        handles.produce_scale = ScaleWorker(
            names.PRODUCE_SCALE, config.produce_scale, devices, data_dir,
            readings=produce, weights=weights,
        )  # fmt: skip
        workers.append(handles.produce_scale)
    if config.shelves is not None and config.shelves.boards:
        planogram = load_planogram(loaded.resolve(config.shelves.planogram_file))
        handles.shelves = ShelfWorker(config.shelves, planogram, kiosk.runtime, devices, data_dir)
        workers.append(handles.shelves)

    face_camera = camera
    if config.face_camera.source != "scanning":
        face_camera = PreviewFeed(names.FACE_CAMERA)
        source = face_source(config.face_camera, loaded.base_dir, devices)
        if isinstance(source, PresentedFace):
            handles.face_camera = source
        workers.append(FaceCameraWorker(source, face_camera, devices))
    handles.face_pay = _face_pay(kiosk, face_camera)

    return Peripherals(
        camera=camera,
        face_camera=face_camera,
        produce_scale=produce,
        devices=devices,
        face_pay=handles.face_pay,
        shelves=handles.shelves or NoShelves(),
        fleet=make_fleet_link(kiosk, devices),  # FLEET: the stand-in unless [fleet] enables it
        workers=workers,
        simulators=handles,
    )


def _scanning_camera(
    kiosk: Kiosk,
    products: list[Product],
    feed: PreviewFeed,
    devices: DeviceBoard,
    handles: SimulatorHandles,
    workers: list[Worker],
) -> None:
    """The camera worker of `[scanning.camera]`; a synthetic camera can show the catalog."""
    scanning = kiosk.loaded.config.scanning
    required = kiosk.loaded.config.devices.camera_required
    if scanning.camera is None:
        if required:
            detail = "no [scanning.camera] in the config"
            devices.report(DeviceStatus(names.CAMERA, DeviceState.MISSING, True, detail))
        return
    if isinstance(scanning.camera, SyntheticConfig):
        camera = with_catalog(scanning.camera, products)
        scanning = scanning.model_copy(update={"camera": camera})
    assert scanning.camera is not None
    source = build_source(scanning.camera, source_status(devices, names.CAMERA, required))
    if isinstance(source, SyntheticCamera):
        handles.scanning_camera = source
    worker = CameraWorker(scanning, kiosk.runtime, feed, devices, required=required, source=source)
    workers.append(worker)


def _face_pay(kiosk: Kiosk, feed: PreviewFeed) -> CameraFacePay:
    cfg = kiosk.loaded.config

    def amount() -> int:
        return kiosk.runtime.price().total

    if not cfg.face_pay.enabled or PaymentMethod.FACE not in cfg.payments.methods:
        return CameraFacePay(None, feed, amount, why_unavailable="face pay is off in the config")
    from kiosk.members.facepay import FacePayEngine as MemberFacePay
    from kiosk.members.templates import FaceKeyMissing, TemplateUnreadable, load_key

    try:
        key = load_key(cfg.face_pay.key_env, cfg.face_pay.key_file_env)
        members = MemberFacePay(kiosk.db, key, cfg.faces, cfg.face_pay)  # decrypts the gallery
    except (FaceKeyMissing, TemplateUnreadable) as e:
        # a key problem closes face pay only, not the kiosk, whether the key is absent or wrong
        logger.error("face pay unavailable: %s", e)
        return CameraFacePay(None, feed, amount, why_unavailable=str(e))
    return CameraFacePay(members, feed, amount)
