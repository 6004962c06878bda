"""Real Google clients wired to the emulators where the client has no env-var switch."""

from __future__ import annotations

import grpc
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport


def cloud_tasks_client(emulator_host: str) -> tasks_v2.CloudTasksClient:
    """A CloudTasksClient for the emulator: google-cloud-tasks ignores emulator
    variables, and the emulator speaks plaintext gRPC only."""
    channel = grpc.insecure_channel(emulator_host)
    return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
