"""The `--quick` flag every benchmark takes: a small run that `make test` makes, so a change
that breaks a benchmark breaks the build. It checks that the benchmark runs to the end
and prints its report; its figures mean nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence


def parse_args(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, quick: Mapping[str, object]
) -> argparse.Namespace:
    """`argv` parsed; with --quick, `quick` replaces the defaults (explicit options win)."""
    parser.add_argument(
        "--quick", action="store_true", help="a small run that only checks the benchmark works"
    )
    if parser.parse_args(argv).quick:
        parser.set_defaults(**quick)
    return parser.parse_args(argv)


def int_list(text: str) -> list[int]:
    """An option's comma-separated integers: "50,100" -> [50, 100]."""
    return [int(item) for item in text.split(",")]
