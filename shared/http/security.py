"""Security headers on every answer, and CORS for the configured origins only."""

from __future__ import annotations

import flask

# The API answers JSON: nothing may load from it or frame it. The docs page needs its
# own scripts and styles (served from this origin, no CDN).
_API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
DOCS_PREFIX = "/api/docs"

ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-ID"
EXPOSED_HEADERS = (
    "X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After"
)
ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
PREFLIGHT_MAX_AGE = "600"


def security_headers(path: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": _DOCS_POLICY if path.startswith(DOCS_PREFIX) else _API_POLICY,
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        # API answers are per user; the docs page's assets are the same for everyone.
        "Cache-Control": "public, max-age=3600"
        if path.startswith(f"{DOCS_PREFIX}/")
        else "no-store",
    }


def cors_headers(request: flask.Request, allowed: frozenset[str]) -> dict[str, str]:
    origin = request.headers.get("Origin")
    if not origin or origin not in allowed:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": EXPOSED_HEADERS,
        "Vary": "Origin",
    }


def preflight(request: flask.Request, allowed: frozenset[str]) -> flask.Response:
    """A CORS preflight: 204, with the grant only for an allowed origin."""
    response = flask.Response(status=204)
    if request.headers.get("Origin") in allowed:
        response.headers.update(
            {
                "Access-Control-Allow-Methods": ALLOWED_METHODS,
                "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
            }
        )
    return response
