"""Weight benchmark: smart-shelf pick/put detection and bagging-scale alarms on labelled streams.

Shelves: generated shelves of 5 plates stocked from the catalog, >= 1,000 labelled picks and
put-backs (a share of them on neighbouring plates at the same moment) drawn from the noise
model the simulators use (noise, spikes, drift, handling, settling, static and dynamic
coupling), sent as real frames through the real decoder, calibration and ShelfDetector, at 80
and 10 samples per second. A detection matches a label on the same plate and of the same kind
between the hand touching the plate and 3 s after the weight settled; latency runs from the
settling moment (ringing below 1 g) to the event.

Bagging scale: shopper sessions over the catalog's products through the simulated scale, the
real stability filter and the real CheckoutMachine (bagging rules and tolerances from the
catalog). Honest sessions measure the false-alarm rate per item placed; sessions with one
dishonest act (unscanned item, swap outside the tolerance, item taken out, item never
bagged) measure how many are caught.

    uv run python benchmarks/weights.py --json [--catalog config/catalog.csv] [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from weightbench.bagging import run_bagging
from weightbench.catalog import generated_catalog
from weightbench.shelves import run_shelves

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
TARGETS = {"f1": 0.98, "quantity_accuracy": 0.98, "latency_p95_s": 0.5, "false_alarm_rate": 0.01}


def load_products(path: Path) -> tuple[list, str]:  # type: ignore[type-arg]
    from kiosk.checkout.catalog import Currency
    from kiosk.checkout.catalog_csv import parse_catalog

    if path.exists():
        shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
        return parse_catalog(path.read_text("utf-8"), Currency("CNY", 2)), str(shown)
    return generated_catalog(np.random.default_rng(11)), "generated (config/catalog.csv absent)"


def chart(result: dict, out: Path) -> None:  # type: ignore[type-arg]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for sps, key, colour in ((80, "latencies_80", "tab:blue"), (10, "latencies_10", "tab:orange")):
        axes[0].hist(result.pop(key), bins=40, alpha=0.6, label=f"{sps} sps", color=colour)
    axes[0].axvline(TARGETS["latency_p95_s"], color="red", ls="--", label="p95 target")
    axes[0].set(title="shelf event latency after settling", xlabel="seconds", ylabel="events")
    axes[0].legend()
    names = ["precision", "recall", "f1", "quantity_accuracy"]
    x = np.arange(len(names))
    axes[1].bar(x - 0.2, [result[n] for n in names], 0.4, label="80 sps")
    axes[1].bar(x + 0.2, [result["at_10sps"][n] for n in names], 0.4, label="10 sps")
    axes[1].axhline(0.98, color="red", ls="--", label="target")
    axes[1].set(title=f"shelf detection ({result['events']} events)", ylim=(0.9, 1.0))
    axes[1].set_xticks(x, names, rotation=15)
    axes[1].legend(loc="lower right")
    bag, bag10 = result["bagging"], result["bagging_10sps"]
    kinds = list(bag["mismatches_by_kind"])
    rates = [bag["mismatches_by_kind"][k]["caught_rate"] for k in kinds]
    labels = ["caught:\n" + k.replace("_", " ") for k in kinds]
    bars = axes[2].bar(labels, rates, color="tab:green")
    axes[2].bar_label(bars, fmt="%.2f", fontsize=8)
    axes[2].set(
        title=f"bagging scale: false alarms {bag['false_alarm_rate']:.2%} per item at 80 sps, "
        f"{bag10['false_alarm_rate']:.2%} at 10",
        ylim=(0, 1.1),
    )
    axes[2].title.set_fontsize(9)
    axes[2].tick_params(axis="x", labelsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--catalog", type=Path, default=ROOT / "config" / "catalog.csv")
    parser.add_argument("--quick", action="store_true", help="a tenth of the work (smoke test)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.monotonic()
    products, source = load_products(args.catalog)
    scale = 0.1 if args.quick else 1.0
    shelves80 = run_shelves(products, 80, args.seed, scale)
    shelves10 = run_shelves(products, 10, args.seed, scale)
    bagging = run_bagging(products, args.seed, scale, sps=80)
    bagging10 = run_bagging(products, args.seed, scale, sps=10)
    result = {
        **{k: v for k, v in shelves80.items() if k != "latencies"},
        "sps": 80,
        "at_10sps": {k: v for k, v in shelves10.items() if k != "latencies"},
        "bagging": bagging,
        "bagging_10sps": {
            k: bagging10[k]
            for k in (
                "honest_items_placed",
                "false_alarms",
                "false_alarm_rate",
                "false_alarms_by_kind",
                "mismatches",
                "caught",
                "caught_rate",
            )
        },  # fmt: skip
        "catalog": source,
        "targets": TARGETS,
        "seed": args.seed,
        "seconds": 0.0,
        "latencies_80": shelves80["latencies"],
        "latencies_10": shelves10["latencies"],
    }
    RESULTS.mkdir(exist_ok=True)
    chart(result, RESULTS / "weights.png")
    result["pass"] = bool(
        result["f1"] >= TARGETS["f1"]
        and result["quantity_accuracy"] >= TARGETS["quantity_accuracy"]
        and result["latency_p95_s"] <= TARGETS["latency_p95_s"]
        and bagging["false_alarm_rate"] < TARGETS["false_alarm_rate"]
        and bagging["caught"] == bagging["mismatches"]
        and bagging10["false_alarm_rate"] < TARGETS["false_alarm_rate"]
        and bagging10["caught"] == bagging10["mismatches"]
    )
    result["seconds"] = round(time.monotonic() - started, 1)
    text = json.dumps(result, indent=2)
    (RESULTS / "weights.json").write_text(text + "\n")
    print(text if args.json else json.dumps({k: result[k] for k in ("f1", "pass")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
