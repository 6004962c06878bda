"""CPU seconds spent by the local stack's components, read from /proc (Linux).

Each component runs in a process group of its own (`LocalStack.pids` gives the group
ids by log name), so a component's CPU is the sum over the live processes of its group:
gunicorn's workers and the emulators' Java children included.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

_PROC = Path("/proc")
_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
# Fields of /proc/<pid>/stat after the ")" that closes the command name, counted from 0.
_PGRP, _UTIME, _STIME = 2, 11, 12


def group_cpu_seconds(groups: Mapping[str, int]) -> dict[str, float]:
    """User plus system CPU seconds of every live process of each group, by name."""
    ticks = dict.fromkeys(groups.values(), 0)
    for stat in _PROC.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended while we looked
            continue
        group = int(fields[_PGRP])
        if group in ticks:
            ticks[group] += int(fields[_UTIME]) + int(fields[_STIME])
    return {name: ticks[group] / _TICKS_PER_SECOND for name, group in groups.items()}


def group_peak_rss_mib(groups: Mapping[str, int]) -> dict[str, float]:
    """The largest peak resident memory (VmHWM) of a live process of each group, by name:
    a process stands for an instance."""
    peaks = dict.fromkeys(groups.values(), 0.0)
    for stat in _PROC.glob("[0-9]*/stat"):
        try:
            group = int(stat.read_text().rpartition(")")[2].split()[_PGRP])
            if group not in peaks:
                continue
            status = (stat.parent / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks[group] = max(peaks[group], int(line.split()[1]) / 1024)
    return {name: round(peaks[group]) for name, group in groups.items()}


# This process's own share: on a small machine the load generator competes with the stack.
CLIENT = "benchmark-client"


class CpuMeter:
    """CPU seconds the named components, and this process, spend between `start()` and
    `per_request_ms()`."""

    def __init__(self, pids: Mapping[str, int], names: tuple[str, ...]) -> None:
        self._groups = {name: pids[name] for name in names if name in pids}
        self._started: dict[str, float] = {}

    def start(self) -> None:
        self._started = self._read()

    def per_request_ms(self, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request since `start()`, by component."""
        now = self._read()
        return {
            name: round(1000 * (now[name] - started) / max(1, requests), 2)
            for name, started in self._started.items()
        }

    def _read(self) -> dict[str, float]:
        return {**group_cpu_seconds(self._groups), CLIENT: time.process_time()}
