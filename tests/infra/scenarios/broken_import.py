"""A function source that cannot be loaded: its process dies during start-up."""

raise RuntimeError("scenario: this module fails at import time")
