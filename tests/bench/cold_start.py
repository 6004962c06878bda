"""What each function's instance pays to start, before its first request.

    python -m tests.bench.cold_start [--runs 5] [--quick]

For each entry point (api, on_pdf_uploaded, run_task), a fresh Python process imports
functions/main.py as functions-framework does (FUNCTION_TARGET set) and has its wiring
ready to serve, against emulator addresses nothing listens at (starting calls nothing).
Prints, as JSON, the median over the runs of: the import time `python -X importtime`
reports (the sum of its top-level imports), the wall time from the interpreter's start
to ready, the peak RSS, and which heavy libraries were loaded by then.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.bench.arguments import parse_args

REPO = Path(__file__).resolve().parents[2]
ENTRY_POINTS = {"api": "api", "on_pdf_uploaded": "storage_trigger", "run_task": "task_worker"}
HEAVY = ("google.genai", "openpyxl", "gspread", "pypdf", "pypdfium2", "numpy")
LOCAL_ENV = {
    "FNT_PROFILE": "local",
    "FIRESTORE_EMULATOR_HOST": "127.0.0.1:9",
    "STORAGE_EMULATOR_HOST": "http://127.0.0.1:9",
    "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9",
    "CLOUD_TASKS_EMULATOR_HOST": "127.0.0.1:9",
    "FNT_UPLOADS_BUCKET": "uploads",
    "FNT_EXPORTS_BUCKET": "exports",
}
# Runs in the fresh process: ready to serve once main is imported and its function's
# wiring built (at import where main builds it, else here, as at the first request).
_PROBE = """
import json, resource, sys, time
import main
built = [name for name in ("api", "storage_trigger", "task_worker") if name in vars(main.wiring())]
getattr(main.wiring(), sys.argv[1])
print(json.dumps({
    "built_at_import": built,
    "ready_seconds": time.time() - float(sys.argv[2]),
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "heavy": sorted(name for name in json.loads(sys.argv[3]) if name in sys.modules),
}))
"""
_IMPORT_TIME = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| \S")  # top level: one space
QUICK = {"runs": 1}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.cold_start")
    parser.add_argument("--runs", type=int, default=5)
    args = parse_args(parser, argv, QUICK)
    report = {
        target: _median([start_instance(target) for _ in range(args.runs)])
        for target in ENTRY_POINTS
    }
    print(json.dumps({"runs": args.runs, "functions": report}, indent=2))


def start_instance(target: str, **env: str) -> dict[str, Any]:
    """A fresh instance serving entry point `target` (with `env` on top of the local
    profile's): what it loaded and built, and what starting it cost."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("FNT_", "GEMINI"))}
    keep.pop("GOOGLE_API_KEY", None)  # the SDK's other name for a Gemini key
    local = {**keep, **LOCAL_ENV, "PYTHONPATH": str(REPO), "FUNCTION_TARGET": target, **env}
    started = time.time()
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            _PROBE,
            ENTRY_POINTS[target],
            str(started),
            json.dumps(HEAVY),
        ],
        cwd=REPO / "functions",
        env=local,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"{target} did not start:\n{result.stderr[-3000:]}")
    probe: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    microseconds = sum(int(m.group(1)) for m in _IMPORT_TIME.finditer(result.stderr))
    return {"importtime_seconds": microseconds / 1e6, **probe}


def _median(runs: list[dict[str, Any]]) -> dict[str, object]:
    def middle(key: str) -> float:
        return round(statistics.median(float(run[key]) for run in runs), 3)

    return {
        "importtime_seconds": middle("importtime_seconds"),
        "ready_seconds": middle("ready_seconds"),
        "peak_rss_mib": round(middle("peak_rss_mib")),
        "heavy_loaded": runs[-1]["heavy"],
    }


if __name__ == "__main__":
    main()
