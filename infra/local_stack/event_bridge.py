"""Local stand-in for the Eventarc storage trigger, run as its own process.

    python -m infra.local_stack.event_bridge --subscription projects/P/subscriptions/S --target URL

Pulls fake-gcs-server's object notifications from a Pub/Sub emulator
subscription (PUBSUB_EMULATOR_HOST) and POSTs each one to the target function
as a binary-mode CloudEvent. Delivery is at-least-once, like Eventarc's: a
message is acked only after a 2xx answer; otherwise it is nacked and the
subscription's retry policy redelivers it after a backoff.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from google.api_core import exceptions as api_exceptions
from google.cloud import pubsub_v1
from google.pubsub_v1 import ReceivedMessage

from infra.local_stack.components import BRIDGE_READY_MARKER
from infra.local_stack.storage_events import UnsupportedNotification, to_cloudevent

# Event-driven functions run for at most 9 minutes; wait that long for an answer.
_DELIVERY_TIMEOUT_SECONDS = 540
_PULL_TIMEOUT_SECONDS = 30

log = logging.getLogger("event_bridge")


class EventBridge:
    """Pulls, delivers up to `concurrency` events at a time, then acks or nacks each."""

    def __init__(
        self,
        subscriber: pubsub_v1.SubscriberClient,
        subscription: str,
        target_url: str,
        concurrency: int,
    ) -> None:
        self._subscriber = subscriber
        self._subscription = subscription
        self._target_url = target_url
        self._concurrency = concurrency
        self._free_slots = threading.BoundedSemaphore(concurrency)
        self._pool = ThreadPoolExecutor(max_workers=concurrency)

    def run_forever(self) -> None:
        # Fails fast (NotFound) if the stack did not create the subscription.
        self._subscriber.get_subscription(subscription=self._subscription)
        log.info("%s: %s -> %s", BRIDGE_READY_MARKER, self._subscription, self._target_url)
        while True:
            for received in self._pull():
                self._free_slots.acquire()
                self._pool.submit(self._handle, received)

    def _pull(self) -> list[ReceivedMessage]:
        try:
            response = self._subscriber.pull(
                request={"subscription": self._subscription, "max_messages": self._concurrency},
                timeout=_PULL_TIMEOUT_SECONDS,
            )
        except api_exceptions.DeadlineExceeded:
            return []
        except api_exceptions.GoogleAPICallError as error:
            log.warning("pull failed, retrying in 1 s: %s", error)
            time.sleep(1)
            return []
        return list(response.received_messages)

    def _handle(self, received: ReceivedMessage) -> None:
        try:
            if self._deliver(received):
                self._subscriber.acknowledge(
                    subscription=self._subscription, ack_ids=[received.ack_id]
                )
            else:
                # Deadline 0 = nack: the retry policy schedules the redelivery.
                self._subscriber.modify_ack_deadline(
                    subscription=self._subscription,
                    ack_ids=[received.ack_id],
                    ack_deadline_seconds=0,
                )
        except Exception:  # the worker thread must survive; the message will come back
            log.exception("could not settle message %s", received.message.message_id)
        finally:
            self._free_slots.release()

    def _deliver(self, received: ReceivedMessage) -> bool:
        """POST the event; True when the message is done with (delivered or unusable)."""
        message = received.message
        try:
            event = to_cloudevent(
                message.message_id, message.attributes, message.data, message.publish_time
            )
        except UnsupportedNotification as error:
            log.warning("dropping message %s: %s", message.message_id, error)
            return True
        description = f"{event.headers['ce-type']} {event.headers['ce-subject']}"
        attempt = f"id {message.message_id}, attempt {received.delivery_attempt or 1}"
        try:
            response = requests.post(
                self._target_url,
                data=event.body,
                headers=event.headers,
                timeout=_DELIVERY_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            log.warning("%s (%s) not delivered, will retry: %s", description, attempt, error)
            return False
        if response.ok:
            log.info("%s (%s) delivered: %s", description, attempt, response.status_code)
            return True
        log.warning("%s (%s) answered %s, will retry", description, attempt, response.status_code)
        return False


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="POST storage notifications as CloudEvents.")
    parser.add_argument("--subscription", required=True, help="projects/P/subscriptions/S")
    parser.add_argument("--target", required=True, help="URL of the cloudevent function")
    parser.add_argument("--concurrency", type=int, default=8, help="deliveries in flight")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s"
    )
    bridge = EventBridge(
        pubsub_v1.SubscriberClient(), args.subscription, args.target, args.concurrency
    )
    bridge.run_forever()


if __name__ == "__main__":
    main()
