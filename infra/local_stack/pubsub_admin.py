"""Topic and subscription set-up on the Pub/Sub emulator."""

from __future__ import annotations

import grpc
from google.protobuf import duration_pb2
from google.pubsub_v1 import PublisherClient, SubscriberClient
from google.pubsub_v1.services.publisher.transports import PublisherGrpcTransport
from google.pubsub_v1.services.subscriber.transports import SubscriberGrpcTransport

# Like Eventarc's own subscriptions: 10 minutes to answer before a redelivery.
_ACK_DEADLINE_SECONDS = 600


def create_event_subscription(
    emulator_host: str,
    topic: str,
    subscription: str,
    retry_seconds: tuple[int, int],
) -> None:
    """Create `topic` and a pull `subscription` on it whose nacks back off
    between `retry_seconds` (min, max), as an Eventarc trigger's retry policy does.

    Talks to the emulator over an explicit insecure channel rather than through
    PUBSUB_EMULATOR_HOST, so the caller's environment stays untouched.
    """
    minimum, maximum = retry_seconds
    with grpc.insecure_channel(emulator_host) as channel:
        PublisherClient(transport=PublisherGrpcTransport(channel=channel)).create_topic(name=topic)
        SubscriberClient(transport=SubscriberGrpcTransport(channel=channel)).create_subscription(
            request={
                "name": subscription,
                "topic": topic,
                "ack_deadline_seconds": _ACK_DEADLINE_SECONDS,
                "retry_policy": {
                    "minimum_backoff": duration_pb2.Duration(seconds=minimum),
                    "maximum_backoff": duration_pb2.Duration(seconds=maximum),
                },
            }
        )
