"""The demo from start to stop: broker, fleet, kiosk site, display, app; then clean up."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from kiosk.demo import broker as mqtt
from kiosk.demo.children import app_command, fleet_command
from kiosk.demo.console_client import ConsoleClient
from kiosk.demo.fleet_site import OPERATOR, FleetSite, wait_fleet, write_fleet_site
from kiosk.demo.kiosk_site import KioskSite, enrol_people, write_kiosk_site
from kiosk.demo.screenshot import distinct_colours, grab
from kiosk.demo.steps import DemoError, Progress, wait_until
from kiosk.demo.summary import summary_text
from kiosk.demo.supervisor import Child, Supervisor
from kiosk.demo.xserver import start_xvfb

MARKER = ".kiosk-demo"
APP_TIMEOUT_S = 90.0
ONLINE_TIMEOUT_S = 60.0
MANAGER_TIMEOUT_S = 90.0  # a worker is a process pair that imports the whole store stack


class Interrupted(BaseException):
    """SIGINT or SIGTERM: stop everything (a BaseException so no `except Exception` eats it)."""


class AppClosed(Exception):
    """The kiosk app left with code 0 (staff closed it): the demo ends, not as a failure."""


@dataclass(frozen=True)
class DemoOptions:
    folder: Path
    kiosk_config: Path
    fleet_config: Path
    headless: bool = False
    xvfb: bool = False
    screenshot: Path | None = None
    exit_after: float | None = None
    broker_port: int | None = None


def _running_demo(marker: Path) -> int | None:
    """The pid of a demo still running in this folder (its marker names it), if any."""
    try:
        pid = int(marker.read_text(encoding="utf-8").split()[0])
        os.kill(pid, 0)
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid != os.getpid() else None


def prepare_folder(folder: Path) -> None:
    """A fresh demo folder; one that is not ours (no marker) and not empty is refused, and so
    is one a running demo uses."""
    marker = folder / MARKER
    if folder.exists() and any(folder.iterdir()):
        if not marker.exists():
            raise DemoError("demo folder", f"{folder} is not empty and was not made by kiosk demo")
        pid = _running_demo(marker)
        if pid is not None:
            raise DemoError(
                "demo folder", f"{folder} is in use by a running demo (pid {pid}): use --dir"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{os.getpid()} made by `kiosk demo`; emptied at each start\n", "utf-8")


class Demo:
    def __init__(self, options: DemoOptions) -> None:
        self.o = options
        self.progress = Progress()
        self.supervisor = Supervisor(options.folder / "logs")
        self.display: str | None = None
        self.app: Child | None = None
        self.snapshot = options.folder / "app-screen.json"

    # -- the whole run ---------------------------------------------------------------------

    def run(self) -> int:
        """0 when the demo ran and stopped cleanly, 1 when a part failed (named on stderr)."""
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        for sig in previous:
            signal.signal(sig, self._interrupt)
        code = 0
        try:
            self._start()
            code = self._wait()
        except Interrupted:
            self.progress.line("interrupted")
        except AppClosed:
            self.progress.line("the kiosk app was closed: stopping everything")
        except DemoError as e:
            self.progress.line(f"FAILED {e}")
            if e.log_tail:
                self.progress.line(f"last lines of its log:\n{e.log_tail}")
            code = 1
        finally:
            for sig in previous:
                signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up
            self._stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return code

    @staticmethod
    def _interrupt(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signum)

    # -- starting ------------------------------------------------------------------------

    def _start(self) -> None:
        """Start every part first, then wait for each: slow starts overlap (imports, dlib)."""
        o, line = self.o, self.progress.line
        prepare_folder(o.folder)
        line(f"demo folder {o.folder} (logs in {o.folder / 'logs'})")
        port = mqtt.choose_port(o.broker_port)
        manager_port = mqtt.free_port()
        fleet = write_fleet_site(o.folder / "fleet", o.fleet_config, port, manager_port)
        kiosk = write_kiosk_site(o.folder / "kiosk", o.kiosk_config, fleet.config)
        kiosk_password = os.urandom(12).hex()
        users = {"fleet-manager": fleet.manager_password, kiosk.kiosk_id: kiosk_password}
        conf = mqtt.write_broker_config(
            o.folder / "broker", port, manager_port, users, self.supervisor.log_path("mosquitto")
        )
        line(f"starting Mosquitto on {mqtt.HOST}:{port} (kiosks) and {manager_port} (manager)")
        broker = mqtt.start_broker(self.supervisor, conf, (port, manager_port))
        line(f"starting the fleet manager and console on {fleet.console_url}")
        fleet_child = self.supervisor.start(
            "fleet-serve",
            [*fleet_command(), "serve", "--config", str(fleet.config)],
            {**fleet.env(), fleet.manager_password_env: fleet.manager_password},
        )
        self._save_state((port, manager_port), fleet, kiosk)
        line("enrolling staff (PIN) and member M0001 (face, consent, wallet)")
        line(f"member M0001 enrolled from {enrol_people(kiosk)}")
        # After the enrolment: the kiosk database exists, migrated, with the member's face.
        env = {**fleet.env(), **kiosk.env(), fleet.agent_password_env: kiosk_password}
        if o.headless:
            line("starting the fleet agent on its own (--headless): fleet agent run")
            agent = [*fleet_command(), "agent", "run", "--config", str(fleet.config)]
            self.supervisor.start("fleet-agent", [*agent, "--kiosk-config", str(kiosk.config)], env)
        if not o.headless:
            self._launch_app(kiosk, env)
        self._save_state((port, manager_port), fleet, kiosk)
        wait_fleet(fleet_child, fleet, self._someone_died)
        line("console answers")
        wait_until(
            lambda: mqtt.saw_shared_subscription(broker.log_path, fleet.share_group),
            timeout_s=MANAGER_TIMEOUT_S,
            part="fleet manager",
            what="ingest worker subscribed at the broker",
            alive=self._someone_died,
            log_tail=fleet_child.log_tail,
        )
        line("the manager's ingest worker has subscribed")
        if self.app is not None:
            self._wait_app()
        self._wait_online(fleet, kiosk.kiosk_id)
        print(summary_text(o, fleet, kiosk, self.display), flush=True)

    def _wait_online(self, fleet: FleetSite, kiosk_id: str) -> None:
        client = ConsoleClient(fleet.console_url)
        try:
            client.login(OPERATOR, fleet.operator_password)
        except OSError as e:
            raise DemoError("console", f"login as {OPERATOR} refused: {e}") from None
        wait_until(
            lambda: client.online(kiosk_id),
            timeout_s=ONLINE_TIMEOUT_S,
            part="fleet",
            what=f"kiosk {kiosk_id} online in the console",
            alive=self._someone_died,
        )
        self.progress.line(f"kiosk {kiosk_id} is online in the fleet")

    def _launch_app(self, kiosk: KioskSite, env: dict[str, str]) -> None:
        line = self.progress.line
        if self.o.xvfb or not os.environ.get("DISPLAY"):
            line("no $DISPLAY: starting Xvfb" if not self.o.xvfb else "starting Xvfb")
            self.display = start_xvfb(self.supervisor)
            env["LIBGL_ALWAYS_SOFTWARE"] = "1"
        else:
            self.display = os.environ["DISPLAY"]
        env["DISPLAY"] = self.display
        env["KIOSK_UI_SNAPSHOT"] = str(self.snapshot)
        argv = app_command(kiosk.config)
        line(f"starting the kiosk app on display {self.display}")
        self.app = self.supervisor.start("kiosk-app", argv, env)

    def _wait_app(self) -> None:
        assert self.app is not None
        shown = wait_until(
            self._screen,
            timeout_s=APP_TIMEOUT_S,
            part="kiosk app",
            what="first screen",
            alive=self._someone_died,
            log_tail=self.app.log_tail,
        )
        if shown.get("screen") == "out_of_service":
            texts = shown.get("texts")
            said = " / ".join(str(t) for t in texts) if isinstance(texts, list) else ""
            raise DemoError("kiosk app", f"shows out of service: {said}", self.app.log_tail())
        self.progress.line(f"kiosk app shows its {shown.get('screen')} screen")

    def _screen(self) -> dict[str, object] | None:
        try:
            shown = json.loads(self.snapshot.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return shown if isinstance(shown, dict) and shown.get("screen") else None

    def _first_gone(self) -> Child | None:
        """A child that is gone (None while all run); the app closed normally ends the demo."""
        child = self.supervisor.first_exited()
        if child is not None and child is self.app and child.process.returncode == 0:
            raise AppClosed()
        return child

    def _someone_died(self) -> str | None:
        """Why a child is gone (None while all run)."""
        child = self._first_gone()
        return child.exit_reason() if child else None

    def _save_state(self, ports: tuple[int, int], fleet: FleetSite, kiosk: KioskSite) -> None:
        """demo.json: ports and process groups (no secrets), for scripts and the tests."""
        state = {
            "broker_port": ports[0],
            "manager_port": ports[1],
            "console_url": fleet.console_url,
            "kiosk_id": kiosk.kiosk_id,
            "display": self.display,
            "process_groups": {c.name: c.pgid for c in self.supervisor.children},
        }
        (self.o.folder / "demo.json").write_text(json.dumps(state, indent=1), encoding="utf-8")

    # -- running and stopping --------------------------------------------------------------

    def _wait(self) -> int:
        deadline = time.monotonic() + self.o.exit_after if self.o.exit_after else None
        while deadline is None or time.monotonic() < deadline:
            gone = self._first_gone()
            if gone is not None:
                raise DemoError(gone.name, gone.exit_reason() or "stopped", gone.log_tail())
            time.sleep(0.2)
        self.progress.line(f"--exit-after {self.o.exit_after:g}s reached: stopping everything")
        return 0

    def _stop(self) -> None:
        if self.o.screenshot and self.display and self.app and self.app.exit_reason() is None:
            try:
                size = grab(self.display, self.o.screenshot)
                colours = distinct_colours(self.o.screenshot)
                self.progress.line(
                    f"screenshot {self.o.screenshot} {size[0]}x{size[1]}, {colours} colours"
                )
            except DemoError as e:
                self.progress.line(f"FAILED {e}")
        started = time.monotonic()
        killed = self.supervisor.stop_all()
        took = time.monotonic() - started
        if killed:
            self.progress.line(f"stopped everything in {took:.1f}s ({', '.join(killed)} killed)")
        else:
            self.progress.line(f"stopped everything in {took:.1f}s")
