"""The web app's hosting: its response headers (a strict CSP), config.json and firebase.json.

The one source of both: the local stack's app server sends these headers and
config.json, and the deployment writes them for Firebase Hosting:

    python -m infra.web_hosting --api-url URL --project-id P --api-key K --auth-domain D
        [--auth-emulator-url URL] [--google-sign-in] --storage-origin ORIGIN ...
        --dist web/dist --firebase-json web/firebase.json [--site SITE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

API_PATH = "/api/v1"
# Firebase Auth's REST endpoints (sign-in, token refresh) when not on the emulator.
GOOGLE_AUTH_ENDPOINTS = (
    "https://identitytoolkit.googleapis.com",
    "https://securetoken.googleapis.com",
)
# The Google sign-in popup flow loads gapi from here.
GOOGLE_APIS_SCRIPTS = "https://apis.google.com"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

NO_CACHE = "no-cache"  # revalidated on every load: the shell and config of the current release
IMMUTABLE = "public, max-age=31536000, immutable"  # Vite's hashed files never change
ASSETS_GLOB = "/assets/**"


def parse_origin(text: str, what: str = "origin") -> str:
    """`text` as a web origin, scheme://host[:port] in lower case; ValueError otherwise.

    http is accepted for loopback hosts only (the local stack): anything else is https.
    """
    problem = _origin_problem(text)
    if problem:
        raise ValueError(f"{what} {text!r} is not scheme://host[:port]: {problem}")
    return text.lower()


def _origin_problem(text: str) -> str | None:
    if "*" in text:
        return "wildcards are not allowed"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        return str(error)
    host = (parts.hostname or "").lower()
    shown_host = f"[{host}]" if ":" in host else host
    if parts.scheme not in ("http", "https"):
        return "the scheme must be https (or http on a loopback host)"
    if parts.path or parts.query or parts.fragment or "?" in text or "#" in text:
        return "no path, query or fragment may follow the host"
    if parts.username is not None or not host:
        return "it needs a host, and no user name"
    if shown_host not in _LOOPBACK_HOSTS and not _HOST.match(host):
        return f"{host!r} is not a host name"
    if parts.scheme == "http" and shown_host not in _LOOPBACK_HOSTS:
        return "http is only for loopback hosts; use https"
    if port is not None and not 0 < port < 65536:
        return "the port must be 1-65535"
    return None


def api_origin(api_url: str) -> str:
    """The origin of an API base URL, which must end with /api/v1."""
    parts = urlsplit(api_url)
    if not parts.path.endswith(API_PATH) or parts.query or parts.fragment:
        raise ValueError(f"the API URL {api_url!r} must end with {API_PATH}")
    return parse_origin(f"{parts.scheme}://{parts.netloc}", "the API URL's origin")


@dataclass(frozen=True)
class HostingSettings:
    """What the app's headers and config.json depend on. Validated when made."""

    api_url: str  # the API's base, ending with /api/v1
    project_id: str
    api_key: str
    auth_domain: str  # Firebase's authDomain: a host name, e.g. <project>.firebaseapp.com
    storage_origins: tuple[str, ...]  # where the browser PUTs uploads (signed URLs)
    auth_emulator_url: str | None = None  # the Auth emulator's origin, locally only
    google_sign_in: bool = False

    def __post_init__(self) -> None:
        api_origin(self.api_url)
        if not self.storage_origins:
            raise ValueError("at least one storage origin is needed (signed upload URLs)")
        for origin in self.storage_origins:
            parse_origin(origin, "storage origin")
        if self.auth_emulator_url is not None:
            parse_origin(self.auth_emulator_url, "Auth emulator URL")
        if not self.project_id or not self.api_key:
            raise ValueError("the project id and API key must not be empty")
        parse_origin(f"https://{self.auth_domain}", "auth domain")


def content_security_policy(settings: HostingSettings) -> str:
    """The CSP of every page: the app's own files, and connections to exactly the API,
    storage and Firebase Auth origins it uses. No inline code, eval or wildcard."""
    auth_endpoints = (
        (parse_origin(settings.auth_emulator_url),)
        if settings.auth_emulator_url is not None
        else GOOGLE_AUTH_ENDPOINTS
    )
    connect = [
        "'self'",
        api_origin(settings.api_url),
        *(parse_origin(o) for o in settings.storage_origins),
        *auth_endpoints,
    ]
    google = settings.google_sign_in
    directives: dict[str, Sequence[str]] = {
        "default-src": ["'none'"],
        "script-src": ["'self'", GOOGLE_APIS_SCRIPTS] if google else ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": list(dict.fromkeys(connect)),
        # The popup flow's hidden iframe comes from the auth domain.
        "frame-src": [f"https://{settings.auth_domain.lower()}"] if google else ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "manifest-src": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(settings: HostingSettings, *, https: bool) -> dict[str, str]:
    """The headers of every answer. HSTS only over https (Firebase Hosting always is)."""
    headers = {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # frame-ancestors, for browsers without CSP 2
        # Cross-origin requests carry the site's origin only, never a path or query (an
        # e-mail sign-in link's code is in the query): Google API keys restricted to the
        # site's referrer need that origin, which no-referrer would withhold.
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        # The Google sign-in popup reports back to its opener.
        "Cross-Origin-Opener-Policy": "same-origin-allow-popups",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


@dataclass(frozen=True)
class HeaderRule:
    """Headers for the request paths a Firebase Hosting glob matches ("**" or "/dir/**")."""

    source: str
    headers: Mapping[str, str]

    def matches(self, path: str) -> bool:
        if self.source == "**":
            return True
        prefix = self.source.removesuffix("**")
        if prefix == self.source or not prefix.endswith("/"):
            raise ValueError(f"unsupported glob {self.source!r}: only ** and /dir/**")
        return path.startswith(prefix)


def header_rules(settings: HostingSettings, *, https: bool) -> tuple[HeaderRule, ...]:
    """The header rules, in Firebase Hosting's order: where two rules set the same
    header the later one wins, so the hashed assets' long caching comes last."""
    return (
        HeaderRule("**", {**security_headers(settings, https=https), "Cache-Control": NO_CACHE}),
        HeaderRule(ASSETS_GLOB, {"Cache-Control": IMMUTABLE}),
    )


def headers_for_path(rules: Sequence[HeaderRule], path: str) -> dict[str, str]:
    """The headers the rules give a request path, as Firebase Hosting applies them."""
    headers: dict[str, str] = {}
    for rule in rules:
        if rule.matches(path):
            headers.update(rule.headers)
    return headers


def runtime_config(settings: HostingSettings) -> dict[str, Any]:
    """config.json, which the app fetches at start-up."""
    return {
        "apiUrl": settings.api_url,
        "firebase": {
            "apiKey": settings.api_key,
            "authDomain": settings.auth_domain,
            "projectId": settings.project_id,
        },
        "authEmulatorUrl": settings.auth_emulator_url,
        "googleSignIn": settings.google_sign_in,
    }


def firebase_json(settings: HostingSettings, site: str | None = None) -> dict[str, Any]:
    """Firebase Hosting's configuration, next to the built app (public: dist); `site`
    names the Hosting site when the project has more than its default one."""
    return {
        "hosting": {
            **({"site": site} if site else {}),
            "public": "dist",
            "ignore": ["firebase.json", "**/.*", "**/node_modules/**"],
            # The app routes in the browser: every path without a file is the app.
            "rewrites": [{"source": "**", "destination": "/index.html"}],
            "headers": [
                {
                    "source": rule.source,
                    "headers": [{"key": k, "value": v} for k, v in rule.headers.items()],
                }
                for rule in header_rules(settings, https=True)
            ],
        }
    }


def is_built(dist: Path) -> bool:
    """Whether `dist` holds a build of the app: its index.html."""
    return (dist / "index.html").is_file()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m infra.web_hosting",
        description="Write the web app's config.json into its build and its firebase.json.",
    )
    parser.add_argument("--api-url", required=True, help=f"the API's base URL (…{API_PATH})")
    parser.add_argument("--project-id", required=True)
    parser.add_argument("--api-key", required=True, help="the Firebase web API key")
    parser.add_argument("--auth-domain", required=True, help="e.g. PROJECT.firebaseapp.com")
    parser.add_argument("--auth-emulator-url", help="the Auth emulator's origin (local only)")
    parser.add_argument("--google-sign-in", action="store_true", help="offer Google sign-in")
    parser.add_argument(
        "--storage-origin",
        dest="storage_origins",
        action="append",
        required=True,
        help="origin of signed upload URLs (repeatable)",
    )
    parser.add_argument("--dist", type=Path, required=True, help="the built app (web/dist)")
    parser.add_argument("--firebase-json", type=Path, required=True, help="file to write")
    parser.add_argument("--site", help="the Firebase Hosting site (default: the project's)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = HostingSettings(
            api_url=args.api_url,
            project_id=args.project_id,
            api_key=args.api_key,
            auth_domain=args.auth_domain,
            storage_origins=tuple(args.storage_origins),
            auth_emulator_url=args.auth_emulator_url,
            google_sign_in=args.google_sign_in,
        )
    except ValueError as error:
        parser.error(str(error))
    if not is_built(args.dist):
        parser.error(f"{args.dist} holds no built app (index.html): run `make web` first")
    _write_json(args.dist / "config.json", runtime_config(settings))
    _write_json(args.firebase_json, firebase_json(settings, args.site))
    return 0


def _write_json(path: Path, document: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
