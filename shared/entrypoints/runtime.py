"""What every function instance sets up once: JSON logs, tracing, metrics."""

from __future__ import annotations

import os

from shared.bootstrap import settings
from shared.logs import configure_logging
from shared.observability.metrics import configure_metrics
from shared.observability.tracing import configure_tracing


def configure_instance() -> None:
    # K_SERVICE names the function on Cloud Run (and in the local stack).
    service = os.environ.get("K_SERVICE", "fnt-functions")
    production = settings().production
    configure_logging()
    configure_tracing(service, production)
    configure_metrics(service, production)
