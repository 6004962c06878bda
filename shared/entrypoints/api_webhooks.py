"""The webhook routes: endpoints a user registers, their secrets, tests and delivery log."""

from __future__ import annotations

from typing import Any

import flask

from shared.domain.errors import WebhookNotFound
from shared.domain.ids import WebhookId
from shared.domain.webhooks import EventType
from shared.entrypoints.api_table import EXPORTS, PREFIX, routes
from shared.http.router import Call
from shared.http.webhook_schemas import (
    DeliveriesQuery,
    DeliveryLog,
    DeliveryView,
    TestQueued,
    WebhookChanges,
    WebhookList,
    WebhookRequest,
    WebhookView,
    WebhookWithSecret,
)
from shared.service import webhook_endpoints as endpoints
from shared.service.deps import Deps


@routes.route(
    "POST", f"{PREFIX}/webhooks", "Register an HTTPS endpoint; its signing secret is shown once",
    status=201, errors=(403, 409, 422, 503),
)  # fmt: skip
def create_webhook(call: Call[WebhookRequest, None], deps: Deps) -> WebhookWithSecret:
    body = call.body
    endpoint, secret = endpoints.create_endpoint(
        deps,
        call.user.uid,
        body.url,
        [EventType(event) for event in body.events],
        body.description,
        body.enabled,
        plan=call.user.role,
    )
    return WebhookWithSecret(webhook=WebhookView.of(endpoint, deps.clock()), secret=secret)


@routes.route("GET", f"{PREFIX}/webhooks", "The user's webhook endpoints")
def list_webhooks(call: Call[None, None], deps: Deps) -> WebhookList:
    now = deps.clock()
    found = endpoints.list_endpoints(deps, call.user.uid)
    return WebhookList(webhooks=[WebhookView.of(endpoint, now) for endpoint in found])


@routes.route("GET", f"{PREFIX}/webhooks/<webhook_id>", "One webhook endpoint", errors=(404,))
def get_webhook(call: Call[None, None], deps: Deps) -> WebhookView:
    endpoint = endpoints.owned_endpoint(deps, call.user.uid, _webhook_id(call))
    return WebhookView.of(endpoint, deps.clock())


@routes.route(
    "PATCH", f"{PREFIX}/webhooks/<webhook_id>", "Change an endpoint's URL, events or state",
    errors=(400, 404, 422),
)  # fmt: skip
def update_webhook(call: Call[WebhookChanges, None], deps: Deps) -> WebhookView:
    body = call.body
    changes = endpoints.EndpointChanges(
        url=body.url,
        events=tuple(EventType(event) for event in body.events) if body.events else None,
        enabled=body.enabled,
        description=body.description,
    )
    endpoint = endpoints.update_endpoint(deps, call.user.uid, _webhook_id(call), changes)
    return WebhookView.of(endpoint, deps.clock())


@routes.route(
    "DELETE", f"{PREFIX}/webhooks/<webhook_id>", "Delete an endpoint and its delivery log",
    status=204, errors=(404,),
)  # fmt: skip
def delete_webhook(call: Call[None, None], deps: Deps) -> flask.Response:
    endpoints.delete_endpoint(deps, call.user.uid, _webhook_id(call))
    return flask.Response(status=204)


@routes.route(
    "POST", f"{PREFIX}/webhooks/<webhook_id>/rotate-secret",
    "A new signing secret (shown once); the previous one signs too for 24 hours",
    errors=(404, 503),
)  # fmt: skip
def rotate_webhook_secret(call: Call[None, None], deps: Deps) -> WebhookWithSecret:
    endpoint, secret = endpoints.rotate_secret(deps, call.user.uid, _webhook_id(call))
    return WebhookWithSecret(webhook=WebhookView.of(endpoint, deps.clock()), secret=secret)


@routes.route(
    "POST", f"{PREFIX}/webhooks/<webhook_id>/test", "Send the endpoint a webhook.test message",
    status=202, rate_class=EXPORTS, errors=(404, 409, 429),
)  # fmt: skip
def test_webhook(call: Call[None, None], deps: Deps) -> TestQueued:
    return TestQueued(message_id=endpoints.send_test(deps, call.user.uid, _webhook_id(call)))


@routes.route(
    "GET", f"{PREFIX}/webhooks/<webhook_id>/deliveries", "The endpoint's delivery attempts",
    errors=(400, 404),
)  # fmt: skip
def webhook_deliveries(call: Call[None, DeliveriesQuery], deps: Deps) -> DeliveryLog:
    query = call.query
    attempts, cursor = endpoints.delivery_log(
        deps, call.user.uid, _webhook_id(call), query.limit, query.cursor
    )
    return DeliveryLog(deliveries=[DeliveryView.of(a) for a in attempts], next_cursor=cursor)


def _webhook_id(call: Call[Any, Any]) -> WebhookId:
    webhook_id = WebhookId.parse(call.path["webhook_id"])
    if webhook_id is None:
        raise WebhookNotFound(
            "No such webhook.", details={"webhook_id": call.path["webhook_id"][:64]}
        )
    return webhook_id
