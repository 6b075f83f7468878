"""Run every benchmark with --json, save results under benchmarks/results/, print a summary."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def main() -> int:
    RESULTS.mkdir(exist_ok=True)
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in {"run_all.py", "__init__.py"})
    failed = []
    for n, script in enumerate(scripts, 1):
        print(f"[{n}/{len(scripts)}] {script.name} ...", flush=True)
        started = time.monotonic()
        # stdout is the JSON result; stderr (progress bars) goes straight to the terminal
        proc = subprocess.run(
            [sys.executable, str(script), "--json"], stdout=subprocess.PIPE, text=True, check=False
        )
        took = time.monotonic() - started
        if proc.returncode != 0:
            failed.append(script.name)
            print(f"    FAILED after {took:.0f}s (exit {proc.returncode}; see above)", flush=True)
            continue
        out = RESULTS / f"{script.stem}.json"
        out.write_text(proc.stdout)
        print(f"    done in {took:.0f}s -> {out.relative_to(HERE.parent)}", flush=True)
        try:
            print("    " + json.dumps(json.loads(proc.stdout))[:400])
        except json.JSONDecodeError:
            failed.append(script.name)
            print("    output is not JSON", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
