"""The kiosk app under Xvfb (software GL): frame rate with a 1280x720 camera preview, barcode
to cart row latency, and cold start to the attract screen.

The parent starts its own Xvfb, times `kiosk run` cold starts as separate processes (on the
shipped demo devices: simulated scales and shelves started by the app), and runs the app once
more in a child process (`--child`) that measures the rest from inside. By default the child
runs on `hardware_for`: the synthetic camera renders 1280x720 frames at 30 fps into the preview
while the live barcode pipeline decodes them, and a scan is a product held up to that camera
(measured from the moment it enters the picture to its cart row being drawn). `--standin`
measures the app alone instead: stand-in frames, ItemScanned posted directly.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
KIOSK = Path(sys.executable).parent / "kiosk"
TARGETS = {"fps": 30.0, "scan_to_row_p95_ms": 100.0, "cold_start_s": 5.0}
# Unit-priced products with no age limit: every scan is a new cart line (never merged).
SCAN_CODES = ["5449000039231", "8480010001136", "9780140013993", "4000539017100"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_config(folder: Path, changes: dict[str, Any]) -> Path:
    import tomli_w

    shutil.copytree(ROOT / "config", folder, dirs_exist_ok=True)
    path = folder / "kiosk.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *parents, key = dotted.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[key] = value
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        return server, ":" + f.readline().strip()


# -- cold start (parent) ------------------------------------------------------------------


def cold_start(config: Path, data_dir: Path, env: dict[str, str], tmp: Path) -> float:
    """Seconds from launching `kiosk run` to the first drawn frame of the attract screen."""
    snapshot = tmp / "screen.json"
    snapshot.unlink(missing_ok=True)
    run_env = dict(env, KIOSK_DATA_DIR=str(data_dir), KIOSK_UI_SNAPSHOT=str(snapshot))
    started = time.time()
    process = subprocess.Popen(
        [str(KIOSK), "run", "--windowed", "--config", str(config)],
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                shown = json.loads(snapshot.read_text(encoding="utf-8"))
            except (FileNotFoundError, json.JSONDecodeError):
                shown = {}
            if shown.get("screen") == "attract":
                return float(shown["at"]) - started
            if process.poll() is not None:
                raise RuntimeError(f"kiosk run exited with {process.returncode}")
            time.sleep(0.02)
        raise RuntimeError("no attract screen within 60 s")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def cold_starts(config: Path, env: dict[str, str], tmp: Path, runs: int) -> dict[str, Any]:
    data_dir = tmp / "cold-var"
    fresh_cache = tmp / "fresh-cache"
    first_boot = cold_start(config, data_dir, dict(env, XDG_CACHE_HOME=str(fresh_cache)), tmp)
    log(f"cold start, first boot (new database, font face extracted): {first_boot:.2f} s")
    times = []
    for n in range(runs):
        times.append(cold_start(config, data_dir, env, tmp))
        log(f"cold start {n + 1}/{runs}: {times[-1]:.2f} s")
    return {
        "runs": runs,
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "first_boot_s": round(first_boot, 3),
        "all_s": [round(t, 3) for t in times],
    }


# -- inside the app (child) -----------------------------------------------------------------


class CameraRate:
    """Sets the synthetic scanning camera's frame rate (its config is read every frame)."""

    def __init__(self, source: Any) -> None:
        self.source = source

    @property
    def fps(self) -> float:
        return float(self.source.config.fps)

    @fps.setter
    def fps(self, value: float) -> None:
        self.source.config = self.source.config.model_copy(update={"fps": value})


class Bench:
    """Drives the running app from its own main loop and measures it."""

    def __init__(
        self, scans: int, fps_window_s: float, feed: Any, camera: Any, presenter: Any = None
    ) -> None:
        self.presenter = presenter  # the synthetic scanning camera (hardware mode)
        self.scans = scans
        self.window_s = fps_window_s
        self.feed = feed
        self.camera = camera
        self.result: dict[str, Any] = {}
        self.flips = 0
        self.pending: dict[int, float] = {}  # line id -> posted at (or shown to the camera)
        self.decoded: dict[int, float] = {}  # line id -> the camera worker decoded it
        self.latencies_ms: list[float] = []
        self.decoded_ms: list[float] = []
        self.fps_samples: list[float] = []

    def start(self, _dt: float) -> None:
        from kivy.app import App
        from kivy.clock import Clock
        from kivy.core.window import Window

        from kiosk.checkout import events as ev

        self.app = App.get_running_app()
        self.runtime = self.app.runtime
        Window.bind(on_flip=self.on_flip)
        self.runtime.post(ev.StartShopping(at=self.runtime.clock(), language="en"))
        Clock.schedule_once(self.measure_fps, 3.0)  # let the shopping screen settle

    def on_flip(self, *_args: Any) -> None:
        self.flips += 1
        if not self.pending:
            return
        now = time.perf_counter()
        screen = self.app.sm.current_screen
        cart = screen.ids.get("cart") if screen.name == "shopping" else None
        if cart is None:
            return
        shown = {v.line_id for v in cart.row_views() if v.name}
        for line_id in [i for i in self.pending if i in shown]:
            self.latencies_ms.append((now - self.pending.pop(line_id)) * 1000)
            if line_id in self.decoded:
                self.decoded_ms.append((now - self.decoded.pop(line_id)) * 1000)

    def watch_decodes(self, intake: Any) -> None:
        """Time stamps the moment the camera worker hands a decoded scan to the session: the
        issue's "barcode decoded" (what comes before it is rendering and decoding)."""
        sink = intake.sink

        def stamped(event: Any) -> None:
            waiting = [line for line in self.pending if line not in self.decoded]
            if waiting:
                self.decoded[min(waiting)] = time.perf_counter()
            sink(event)

        intake.sink = stamped

    def window(self, seconds: float, then: Any) -> None:
        from kivy.clock import Clock

        preview = self.app.sm.current_screen.ids.preview
        start = (time.perf_counter(), self.flips, preview.frames_shown, self.feed.frames_published)
        samples: list[float] = []
        sampler = Clock.schedule_interval(lambda _dt: samples.append(Clock.get_fps()), 0.5)

        def done(_dt: float) -> None:
            sampler.cancel()
            took = time.perf_counter() - start[0]
            then(
                {
                    "seconds": round(took, 2),
                    "clock_fps": round(statistics.mean(samples[1:] or samples), 1),
                    "draws_per_s": round((self.flips - start[1]) / took, 1),
                    "preview_frames_published": self.feed.frames_published - start[3],
                    "preview_frames_shown": preview.frames_shown - start[2],
                    "preview_fps": round((preview.frames_shown - start[2]) / took, 1),
                }
            )

        Clock.schedule_once(done, seconds)

    def measure_fps(self, _dt: float) -> None:
        log(f"frame rate with a 1280x720 preview at {self.camera.fps:.0f} fps...")

        def capacity(result: dict[str, Any]) -> None:
            self.result["preview_30fps"] = result
            log(f"  {result}")
            self.camera.fps = 60.0  # how far past 30 the app could go
            log("frame rate with the preview fed at 60 fps (capacity)...")
            self.window(self.window_s, self.start_scans)

        self.window(self.window_s, capacity)

    def start_scans(self, result: dict[str, Any]) -> None:
        self.result["preview_60fps_feed"] = result
        log(f"  {result}")
        self.camera.fps = 30.0
        log(f"{self.scans} scans, barcode decoded -> cart row drawn...")
        target = self.scanner if self.presenter is None else self.shown_to_camera
        threading.Thread(target=target, daemon=True).start()

    def shown_to_camera(self) -> None:
        """Each product held up to the synthetic camera until its row shows, then taken away."""
        from kivy.clock import Clock

        first_line = self.runtime.state.next_line_id
        for n in range(self.scans):
            line = first_line + n
            self.pending[line] = time.perf_counter()
            self.presenter.present(SCAN_CODES[n % len(SCAN_CODES)])
            deadline = time.monotonic() + 5
            while line in self.pending and time.monotonic() < deadline:
                time.sleep(0.01)
            self.presenter.take_away()
            time.sleep(0.8)  # out of view longer than the debounce's absent_s (0.6 s)
            if (n + 1) % 10 == 0:
                log(f"  {n + 1}/{self.scans}")
        Clock.schedule_once(self.finish, 0)

    def scanner(self) -> None:
        from kivy.clock import Clock

        from kiosk.checkout import events as ev
        from kiosk.checkout.events import ScanSource
        from kiosk.checkout.gs1 import Symbology
        from kiosk.ui.feeds import Box

        first_line = self.runtime.state.next_line_id
        for n in range(self.scans):
            code = SCAN_CODES[n % len(SCAN_CODES)]
            self.feed.publish_boxes([Box(480, 300, 320, 120, label=code)])
            self.pending[first_line + n] = time.perf_counter()
            self.runtime.post(
                ev.ItemScanned(
                    at=self.runtime.clock(),
                    code=code,
                    symbology=Symbology.EAN13,
                    source=ScanSource.CAMERA,
                )
            )
            time.sleep(0.12)  # faster than any shopper scans
            if (n + 1) % 50 == 0:
                log(f"  {n + 1}/{self.scans}")
        time.sleep(1.0)
        Clock.schedule_once(self.finish, 0)

    def finish(self, _dt: float) -> None:
        def summary(lat: list[float]) -> dict[str, float]:
            return {
                "p50_ms": round(statistics.median(lat), 1),
                "p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1),
                "max_ms": round(lat[-1], 1),
            }

        lat = sorted(self.latencies_ms)
        if self.presenter is not None:
            # Hardware mode: the whole path from the code entering the picture, and the part
            # the target is about, from the decoded scan to the row.
            self.result["shown_to_camera_to_row"] = summary(lat)
            self.latencies_ms = lat = sorted(self.decoded_ms)
        self.result["scan_to_row"] = {
            "scans": self.scans,
            "seen": len(lat),
            "missed": len(self.pending),
            **summary(lat),
            "cart_lines": len(self.runtime.state.active_lines),
        }
        self.result["latencies_ms"] = [round(v, 1) for v in self.latencies_ms]
        print(json.dumps(self.result), flush=True)
        self.app.request_exit("staff")


def child(args: argparse.Namespace) -> None:
    os.environ["KIVY_NO_ARGS"] = "1"  # before kivy is imported: these options are not Kivy's
    from kivy.clock import Clock

    from kiosk.ui.device_board import DeviceBoard
    from kiosk.ui.feeds import PreviewFeed, ReadingBoard
    from kiosk.ui.launch import run_app
    from kiosk.ui.peripherals import Peripherals
    from kiosk.ui.standins import NoFleet, NoShelves, SyntheticCamera, UnavailableFacePay

    feed = PreviewFeed("camera")
    camera = SyntheticCamera(feed, size=(1280, 720), fps=30.0)
    bench = Bench(args.scans, args.seconds, feed, camera)

    def peripherals(_kiosk: Any) -> Peripherals:
        return Peripherals(
            camera=feed,
            face_camera=feed,
            produce_scale=ReadingBoard("produce_scale"),
            devices=DeviceBoard(),
            face_pay=UnavailableFacePay(),
            shelves=NoShelves(),
            fleet=NoFleet(),
            workers=[camera],
        )

    if not args.standin:
        from kiosk.ui.hardware import hardware_for
        from kiosk.ui.workers.camera import CameraWorker

        def real(kiosk: Any) -> Peripherals:
            parts = hardware_for(kiosk)
            source = parts.simulators.scanning_camera
            bench.feed, bench.camera, bench.presenter = parts.camera, CameraRate(source), source
            cameras = [w for w in parts.workers if isinstance(w, CameraWorker)]
            bench.watch_decodes(cameras[0].intake)
            return parts

        peripherals = real  # noqa: F811 - the real devices replace the stand-in feed
    Clock.schedule_once(bench.start, 3.0 if not args.standin else 1.0)
    run_app(Path(args.config), windowed=True, make_peripherals=peripherals)


# -- report (parent) --------------------------------------------------------------------------


def plot(result: dict[str, Any], latencies: list[float], name: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.hist(latencies, bins=40, color="#1a8f4c")
    left.axvline(TARGETS["scan_to_row_p95_ms"], color="red", linestyle="--", label="target p95")
    left.axvline(result["scan_to_row"]["p95_ms"], color="black", label="measured p95")
    left.set_xlabel("ItemScanned posted -> cart row drawn (ms)")
    left.set_ylabel("scans")
    left.legend()
    names = ["loop fps", "draws/s", "preview fps", "preview fps\n(60 fps feed)", "cold start s"]
    at30, at60 = result["preview_30fps"], result["preview_60fps_feed"]
    values = [
        at30["clock_fps"],
        at30["draws_per_s"],
        at30["preview_fps"],
        at60["preview_fps"],
        result["cold_start"]["median_s"],
    ]
    right.bar(names, values, color=["#335c94"] * 4 + ["#d97300"])
    right.axhline(TARGETS["fps"], color="red", linestyle="--", label="30 fps target")
    right.set_title("Xvfb + Mesa llvmpipe (software GL)")
    right.legend()
    for i, v in enumerate(values):
        right.text(i, v, f"{v:g}", ha="center", va="bottom")
    fig.tight_layout()
    fig.savefig(RESULTS / f"{name}.png", dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print the JSON result only")
    parser.add_argument("--scans", type=int, help="default 220 (--standin) or 40")
    parser.add_argument("--seconds", type=float, default=10.0, help="each frame-rate window")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument(
        "--standin", action="store_true", help="stand-in frames and posted scans, no devices"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scans is None:
        args.scans = 220 if args.standin else 40
    if args.child:
        child(args)
        return
    server, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory(prefix="ui-bench-") as tmp_name:
            tmp = Path(tmp_name)
            env = dict(os.environ, DISPLAY=display, LIBGL_ALWAYS_SOFTWARE="1")
            config = write_config(
                tmp / "config", {"ui.speech.enabled": False, "checkout.bagging.enabled": False}
            )
            cold = cold_starts(config, env, tmp, args.cold_runs)
            inner = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--config",
                    str(config),
                    "--scans",
                    str(args.scans),
                    "--seconds",
                    str(args.seconds),
                    *(["--standin"] if args.standin else []),
                ],
                env=dict(env, KIOSK_DATA_DIR=str(tmp / "bench-var")),
                stdout=subprocess.PIPE,
                text=True,
                check=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    measured = json.loads(inner.stdout.strip().splitlines()[-1])
    latencies = measured.pop("latencies_ms")
    result = {
        "environment": "Xvfb 1280x800, Mesa llvmpipe software GL",
        "cores": os.cpu_count(),
        "mode": "standin" if args.standin else "hardware_for (synthetic camera + live decoding)",
    }
    result.update(measured)
    result["cold_start"] = cold
    result["targets"] = TARGETS
    result["targets_met"] = {
        # The frame rate the app reaches with the preview running (fed faster than 30 fps),
        # and a 30 fps camera shown without losing more than 5% of its frames.
        "fps": measured["preview_60fps_feed"]["draws_per_s"] >= TARGETS["fps"]
        and measured["preview_30fps"]["preview_frames_shown"]
        >= 0.95 * measured["preview_30fps"]["preview_frames_published"],
        "scan_to_row_p95_ms": measured["scan_to_row"]["p95_ms"] <= TARGETS["scan_to_row_p95_ms"],
        "cold_start_s": cold["median_s"] <= TARGETS["cold_start_s"],
    }
    RESULTS.mkdir(exist_ok=True)
    name = "ui_standin" if args.standin else "ui"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(result, latencies, name)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
