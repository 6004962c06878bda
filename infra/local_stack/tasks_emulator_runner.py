"""Run gcloud-tasks-emulator on 127.0.0.1 only, dispatching tasks concurrently.

Two gaps of the emulator (0.6.2) are closed here:
- it listens on "[::]:PORT", every network interface: the port is bound to the
  loopback address instead;
- it dispatches one task at a time per queue, while Cloud Tasks runs up to the
  queue's max concurrent dispatches: each queue gets a pool of that many threads
  (TASKS_MAX_CONCURRENT_DISPATCHES: a JSON object {queue path: count}; a queue not
  in it gets 1, the emulator's own behaviour).

The emulator finds and removes a task from its queue list, sends it, and puts
it back on failure; one lock keeps those list changes atomic while the HTTP
calls themselves run in parallel.

This script is executed by the emulator's own venv (`python -I this_file start ...`),
so it must import nothing from the project.
"""

import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
from gcloud_tasks_emulator import server as emulator
from gcloud_tasks_emulator.__main__ import main

_MAX_CONCURRENT: dict[str, int] = json.loads(
    os.environ.get("TASKS_MAX_CONCURRENT_DISPATCHES") or "{}"
)
_POLL_SECONDS = 0.02
_queue_lists_lock = threading.RLock()
_create_server = grpc.server
_submit_task = emulator.QueueState.submit_task
_send = emulator._make_task_request
log = logging.getLogger("gcloud-tasks-emulator")


def _loopback_server(*args: Any, **kwargs: Any) -> grpc.Server:
    server = _create_server(*args, **kwargs)
    add_port = server.add_insecure_port
    server.add_insecure_port = lambda address: add_port(address.replace("[::]", "127.0.0.1", 1))
    return server


def _locked_submit_task(self: Any, task_name: str, force_run: bool = False) -> Any:
    with _queue_lists_lock:
        return _submit_task(self, task_name, force_run)


def _unlocked_send(*args: Any) -> Any:
    """The HTTP call of a dispatch, with the queue lists free for the other dispatches."""
    _queue_lists_lock.release()
    try:
        return _send(*args)
    finally:
        _queue_lists_lock.acquire()


def _process_queue(self: Any, queue: str) -> None:
    state = self._state
    most = max(1, int(_MAX_CONCURRENT.get(queue, 1)))
    in_flight: set[str] = set()
    in_flight_lock = threading.Lock()

    def dispatch(name: str) -> None:
        try:
            state.submit_task(name)
        except Exception:
            log.exception("[TASKS] dispatch of %s failed", name)
        finally:
            with in_flight_lock:
                in_flight.discard(name)

    with ThreadPoolExecutor(most, thread_name_prefix="dispatch") as pool:
        while self._is_running.is_set():
            if queue not in state._queues or queue not in state._queue_tasks:
                break
            if state.queue(queue).state == emulator.Queue.State.RUNNING:
                with _queue_lists_lock:
                    names = [task.name for task in state._queue_tasks[queue]]
                for name in names:
                    with in_flight_lock:
                        if name in in_flight or len(in_flight) >= most:
                            continue
                        in_flight.add(name)
                    pool.submit(dispatch, name)
            time.sleep(_POLL_SECONDS)


if __name__ == "__main__":
    grpc.server = _loopback_server
    emulator.QueueState.submit_task = _locked_submit_task
    emulator._make_task_request = _unlocked_send
    emulator.Processor._process_queue = _process_queue
    main()
