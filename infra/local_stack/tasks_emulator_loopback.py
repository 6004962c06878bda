"""Run gcloud-tasks-emulator listening on 127.0.0.1 only.

The emulator hard-codes "[::]:PORT", i.e. every network interface. This script
is executed by the emulator's own venv (`python -I this_file start ...`), so it
must import nothing from the project.
"""

from typing import Any

import grpc
from gcloud_tasks_emulator.__main__ import main

_create_server = grpc.server


def _loopback_server(*args: Any, **kwargs: Any) -> grpc.Server:
    server = _create_server(*args, **kwargs)
    add_port = server.add_insecure_port
    server.add_insecure_port = lambda address: add_port(address.replace("[::]", "127.0.0.1", 1))
    return server


if __name__ == "__main__":
    grpc.server = _loopback_server
    main()
