"""Make SIGTERM and SIGHUP unwind `with` blocks, as Ctrl-C (SIGINT) already does."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


@contextmanager
def exit_on_termination_signals() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into SystemExit while the block runs.

    By default they kill Python on the spot, skipping every __exit__, and the
    children (in their own process groups) would outlive us. A handler installed
    before (coverage's, which saves its data and dies by the signal) is replaced for
    the block: the exit then unwinds, and exit handlers still run. An ignored signal
    stays ignored; off the main thread nothing can be installed.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _SIGNALS}
    replaced = [sig for sig, handler in previous.items() if handler not in (signal.SIG_IGN, None)]
    for sig in replaced:
        signal.signal(sig, _raise_system_exit)
    try:
        yield
    finally:
        for sig in replaced:
            signal.signal(sig, previous[sig])


def _raise_system_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
