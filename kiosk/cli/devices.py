"""`kiosk devices`: load-cell simulators, calibration and a live monitor."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import click

from devices.link import LinkSettings
from devices.weighing.board import collect
from devices.weighing.calibration import CalibrationError, CalibrationStore, span, tare
from devices.weighing.config import SerialBoard
from devices.weighing.control import ControlSocket, run_command
from devices.weighing.frames import Unit
from devices.weighing.physics import NoiseSettings
from devices.weighing.planogram import PlanogramError, load_planogram
from devices.weighing.simulator import BoardSimulator, SimulatorSettings

DEFAULT_DATA_DIR = "var"


def _data_dir(value: str | None) -> Path:
    return Path(value or os.environ.get("KIOSK_DATA_DIR", DEFAULT_DATA_DIR))


def _catalog_weights(path: Path) -> dict[str, float]:
    """GTIN -> unit weight from the catalog CSV, so `place <gtin>` works in the simulator."""
    if not path.exists():
        click.echo(f"note: no catalog at {path}; place items by weight (e.g. place 355g)", err=True)
        return {}
    from kiosk.checkout.catalog import Currency
    from kiosk.checkout.catalog_csv import CatalogFileError, parse_catalog

    try:
        products = parse_catalog(path.read_text("utf-8"), Currency("CNY", 2))
    except CatalogFileError as e:
        raise click.ClickException(f"{path}: {e}") from None
    from kiosk.adapters.weights import catalog_weights

    return catalog_weights(products)


@click.group("devices")
def devices() -> None:
    """Load-cell devices: simulate a scale or a shelf, calibrate plates, watch a board."""


@devices.group("simulate")
def simulate() -> None:
    """Run a simulated load-cell board on a pseudo-terminal (prints the device path)."""


def _common(f: click.decorators.FC) -> click.decorators.FC:
    options = [
        click.option("--sps", type=click.Choice(["10", "80"]), default="80", show_default=True),
        click.option(
            "--unit", type=click.Choice(["counts", "grams"]), default="grams", show_default=True
        ),
        click.option("--link", type=click.Path(path_type=Path), help="symlink to the pty"),
        click.option("--control", type=click.Path(path_type=Path), help="Unix control socket"),
        click.option("--seed", type=int, default=0, show_default=True),
        click.option("--noise-g", type=float, help="white noise, grams rms"),
        click.option("--spike-rate", type=float, help="spike chance per sample"),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _noise(noise_g: float | None, spike_rate: float | None) -> NoiseSettings:
    updates: dict[str, float] = {}
    if noise_g is not None:
        updates["noise_g"] = noise_g
    if spike_rate is not None:
        updates["spike_rate"] = spike_rate
    return NoiseSettings().model_copy(update=updates)


def _serve(sim: BoardSimulator, control: Path | None) -> None:
    """Print where the device is, take commands from stdin and the socket; run until `quit`,
    Ctrl-C or SIGTERM (not at the end of stdin, so it can run in the background)."""
    server = ControlSocket(sim, control).start() if control else None
    click.echo(f"device: {sim.path}")
    if server is not None:
        click.echo(f"control: {server.path}")
    sys.stdout.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        for line in sys.stdin:
            if line.strip() in ("quit", "exit"):
                stop.set()
                break
            click.echo(run_command(sim, line.strip()))
            sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.stop()
        sim.stop()


@simulate.command("scale")
@_common
@click.option("--board", default="SCALE1", show_default=True, help="board id in the frames")
@click.option("--capacity-g", type=float, default=15000, show_default=True)
@click.option(
    "--catalog",
    type=click.Path(path_type=Path),
    default=Path("config/catalog.csv"),
    show_default=True,
    help="for `place <gtin>`",
)
def simulate_scale(
    sps: str,
    unit: str,
    link: Path | None,
    control: Path | None,
    seed: int,
    noise_g: float | None,
    spike_rate: float | None,
    board: str,
    capacity_g: float,
    catalog: Path,
) -> None:
    """A bagging-area or produce scale. Commands: place 355g, place <gtin>, remove, unplug..."""
    settings = SimulatorSettings(
        board=board,
        channels=1,
        sps=int(sps),
        unit=Unit.GRAMS if unit == "grams" else Unit.COUNTS,
        capacity_g=capacity_g,
        seed=seed,
        noise=_noise(noise_g, spike_rate),
    )
    sim = BoardSimulator(settings, link=link, products=_catalog_weights(catalog)).start()
    _serve(sim, control)


@simulate.command("shelf")
@_common
@click.option(
    "--planogram",
    type=click.Path(path_type=Path),
    default=Path("config/planogram.toml"),
    show_default=True,
)
@click.option("--shelf", "shelf_id", help="shelf id (default: the first in the planogram)")
def simulate_shelf(
    sps: str,
    unit: str,
    link: Path | None,
    control: Path | None,
    seed: int,
    noise_g: float | None,
    spike_rate: float | None,
    planogram: Path,
    shelf_id: str | None,
) -> None:
    """A stocked smart shelf from the planogram. Commands: remove plate=1 qty=2, place plate=1"""
    try:
        plan = load_planogram(planogram)
        shelf = plan.shelf(shelf_id) if shelf_id else plan.shelves[0]
    except (PlanogramError, IndexError) as e:
        raise click.ClickException(str(e) or f"{planogram} has no shelves") from None
    settings = shelf.simulator_settings(
        seed=seed,
        unit=Unit.GRAMS if unit == "grams" else Unit.COUNTS,
        noise=_noise(noise_g, spike_rate),
        sps=int(sps),
    )
    sim = BoardSimulator(
        settings,
        link=link,
        products={p.gtin: p.unit_weight_g for p in shelf.plates},
        plate_products={p.channel: p.unit_weight_g for p in shelf.plates},
    ).start()
    _serve(sim, control)


@devices.command("calibrate")
@click.option("--port", required=True, help="serial device (or a simulator's path)")
@click.option("--channel", type=int, default=0, show_default=True, help="plate to calibrate")
@click.option("--protocol", type=click.Choice(["framed", "plain"]), default="framed")
@click.option("--board", default="B1", show_default=True, help="board id (plain boards)")
@click.option(
    "--step",
    type=click.Choice(["both", "tare", "span"]),
    default="both",
    show_default=True,
    help="tare (empty plate), span (known weight) or both",
)
@click.option("--known-g", type=float, help="the known weight for the span, grams")
@click.option("--seconds", type=float, default=2.0, show_default=True, help="averaging time")
@click.option(
    "--data-dir", help=f"where calibration.json lives [env KIOSK_DATA_DIR or {DEFAULT_DATA_DIR}]"
)
@click.option("--yes", is_flag=True, help="do not wait for Enter (scripts)")
def calibrate(
    port: str,
    channel: int,
    protocol: str,
    board: str,
    step: str,
    known_g: float | None,
    seconds: float,
    data_dir: str | None,
    yes: bool,
) -> None:
    """Tare a plate and set its scale factor from a known weight; saved per board and plate."""
    if step in ("both", "span") and known_g is None:
        raise click.UsageError("--known-g is needed for the span")
    store = CalibrationStore(_data_dir(data_dir))
    config = SerialBoard(link=LinkSettings(port=port), protocol=protocol, board=board)
    try:
        if step in ("both", "tare"):
            if not yes:
                click.prompt(
                    f"Empty plate {channel} and press Enter", default="", show_default=False
                )
            board_id, unit, values = collect(config, channel, seconds)
            current = tare(board_id, channel, unit, values, store.get(board_id, channel))
            store.save(current)
            click.echo(f"tare: zero = {current.zero:.1f} {unit.value} ({len(values)} samples)")
        if step in ("both", "span"):
            assert known_g is not None
            if not yes:
                click.prompt(
                    f"Put {known_g:g} g on plate {channel} and press Enter",
                    default="",
                    show_default=False,
                )
            board_id, unit, values = collect(config, channel, seconds)
            tared = store.get(board_id, channel)
            if tared is None or tared.unit != unit:
                raise CalibrationError(
                    f"plate {channel} of {board_id} has no tare yet: --step tare"
                )
            current = span(tared, values, known_g)
            store.save(current)
            click.echo(f"span: {current.per_gram:.4f} {current.unit.value}/g")
    except (CalibrationError, TimeoutError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"saved to {store.path}")


@devices.command("monitor")
@click.option("--port", required=True, help="serial device (or a simulator's path)")
@click.option("--protocol", type=click.Choice(["framed", "plain"]), default="framed")
@click.option("--board", default="B1", show_default=True, help="board id (plain boards)")
@click.option("--seconds", type=float, default=10.0, show_default=True, help="how long to watch")
def monitor(port: str, protocol: str, board: str, seconds: float) -> None:
    """Print a board's samples (a few per second) and every state change."""
    from devices.weighing.board import BoardReader
    from devices.weighing.frames import Sample

    shown: dict[int, float] = {}

    def on_sample(sample: Sample, at: float) -> None:
        if at - shown.get(sample.channel, 0.0) >= 0.25:
            shown[sample.channel] = at
            click.echo(
                f"{at:10.2f} {sample.board} ch{sample.channel} seq={sample.seq} "
                f"{sample.value:.10g} {sample.unit.value} flags={sample.flags.name or '-'}"
            )

    config = SerialBoard(link=LinkSettings(port=port), protocol=protocol, board=board)
    reader = BoardReader("monitor", config, on_sample, click.echo, any_board=True)
    reader.start()
    try:
        threading.Event().wait(seconds)
    except KeyboardInterrupt:
        pass
    finally:
        reader.stop()
    stats = reader.link.stats
    click.echo(
        f"frames={stats.frames} rejected={stats.rejected} gaps={reader.gaps} "
        f"missing={reader.missing} connects={stats.connects}"
    )
