"""The web app's hosting headers, config.json and firebase.json (infra/web_hosting.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.web_hosting import (
    IMMUTABLE,
    NO_CACHE,
    HostingSettings,
    content_security_policy,
    firebase_json,
    header_rules,
    headers_for_path,
    main,
    parse_origin,
    runtime_config,
    security_headers,
)

LOCAL = HostingSettings(
    api_url="http://127.0.0.1:8001/api/v1",
    project_id="demo-fnt",
    api_key="fake-api-key",
    auth_domain="demo-fnt.firebaseapp.com",
    storage_origins=("http://127.0.0.1:8002",),
    auth_emulator_url="http://127.0.0.1:8003",
)
PRODUCTION = HostingSettings(
    api_url="https://api.example.org/api/v1",
    project_id="fnt-prod",
    api_key="AIza-key",
    auth_domain="fnt-prod.firebaseapp.com",
    storage_origins=("https://storage.googleapis.com",),
    google_sign_in=True,
)


def directives(settings: HostingSettings) -> dict[str, list[str]]:
    policy = content_security_policy(settings)
    parsed = {}
    for directive in policy.split("; "):
        name, *sources = directive.split(" ")
        parsed[name] = sources
    return parsed


def test_the_local_policy_allows_the_stacks_origins_and_nothing_else() -> None:
    assert directives(LOCAL) == {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": [
            "'self'",
            "http://127.0.0.1:8001",
            "http://127.0.0.1:8002",
            "http://127.0.0.1:8003",
        ],
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "manifest-src": ["'self'"],
    }


def test_google_sign_in_adds_gapi_scripts_and_the_auth_domains_frame() -> None:
    policy = directives(PRODUCTION)

    assert policy["script-src"] == ["'self'", "https://apis.google.com"]
    assert policy["frame-src"] == ["https://fnt-prod.firebaseapp.com"]
    assert policy["connect-src"] == [
        "'self'",
        "https://api.example.org",
        "https://storage.googleapis.com",
        "https://identitytoolkit.googleapis.com",
        "https://securetoken.googleapis.com",
    ]


def test_without_google_sign_in_production_loads_no_google_script_or_frame() -> None:
    policy = directives(HostingSettings(**{**PRODUCTION.__dict__, "google_sign_in": False}))

    assert policy["script-src"] == ["'self'"]
    assert policy["frame-src"] == ["'none'"]


@pytest.mark.parametrize("settings", [LOCAL, PRODUCTION], ids=["local", "production"])
def test_no_policy_has_unsafe_sources_or_wildcards(settings: HostingSettings) -> None:
    policy = content_security_policy(settings)

    assert "unsafe" not in policy
    assert "*" not in policy
    assert "http:" not in policy.split() and "https:" not in policy.split()


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("https://api.example.org", "https://api.example.org"),
        ("HTTPS://Storage.GoogleAPIs.com", "https://storage.googleapis.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("https://example.org:8443", "https://example.org:8443"),
    ],
)
def test_origins_are_accepted_in_lower_case(text: str, origin: str) -> None:
    assert parse_origin(text) == origin


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("https://*.example.org", "wildcards"),
        ("*", "wildcards"),
        ("https://example.org/", "no path"),
        ("https://example.org/api", "no path"),
        ("https://example.org?x=1", "no path, query"),
        ("https://example.org#top", "no path, query"),
        ("example.org", "scheme"),
        ("ftp://example.org", "scheme"),
        ("http://example.org", "http is only for loopback"),
        ("https://user@example.org", "no user name"),
        ("https://", "needs a host"),
        ("https://exa mple.org", "not a host name"),
        ("https://example.org:99999", "Port out of range"),
    ],
)
def test_anything_but_an_origin_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(ValueError, match="is not scheme://host\\[:port\\]") as refused:
        parse_origin(text)

    assert why in str(refused.value)


def test_settings_are_checked_when_made() -> None:
    with pytest.raises(ValueError, match="must end with /api/v1"):
        HostingSettings(**{**LOCAL.__dict__, "api_url": "http://127.0.0.1:8001/"})
    with pytest.raises(ValueError, match="storage origin"):
        HostingSettings(**{**LOCAL.__dict__, "storage_origins": ("https://s.example.org/b",)})
    with pytest.raises(ValueError, match="at least one storage origin"):
        HostingSettings(**{**LOCAL.__dict__, "storage_origins": ()})
    with pytest.raises(ValueError, match="Auth emulator URL"):
        HostingSettings(**{**LOCAL.__dict__, "auth_emulator_url": "127.0.0.1:8003"})
    with pytest.raises(ValueError, match="auth domain"):
        HostingSettings(**{**PRODUCTION.__dict__, "auth_domain": "https://x.firebaseapp.com"})


def test_the_security_headers_and_hsts_over_https_only() -> None:
    local = security_headers(LOCAL, https=False)
    deployed = security_headers(PRODUCTION, https=True)

    assert "Strict-Transport-Security" not in local
    assert deployed["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    for headers in (local, deployed):
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in headers["Permissions-Policy"]


@pytest.mark.parametrize(
    ("path", "cache"),
    [
        ("/", NO_CACHE),
        ("/index.html", NO_CACHE),
        ("/config.json", NO_CACHE),
        ("/jobs/abc", NO_CACHE),
        ("/assets/index-3f2a1b.js", IMMUTABLE),
        ("/assetsx/file.js", NO_CACHE),
    ],
)
def test_only_the_hashed_assets_are_cached_for_good(path: str, cache: str) -> None:
    headers = headers_for_path(header_rules(LOCAL, https=False), path)

    assert headers["Cache-Control"] == cache
    assert headers["Content-Security-Policy"] == content_security_policy(LOCAL)


def test_config_json_names_the_api_firebase_and_the_emulator() -> None:
    assert runtime_config(LOCAL) == {
        "apiUrl": "http://127.0.0.1:8001/api/v1",
        "firebase": {
            "apiKey": "fake-api-key",
            "authDomain": "demo-fnt.firebaseapp.com",
            "projectId": "demo-fnt",
        },
        "authEmulatorUrl": "http://127.0.0.1:8003",
        "googleSignIn": False,
    }
    assert runtime_config(PRODUCTION)["authEmulatorUrl"] is None
    assert runtime_config(PRODUCTION)["googleSignIn"] is True


def test_firebase_json_serves_dist_as_a_single_page_app_with_the_headers() -> None:
    hosting = firebase_json(PRODUCTION)["hosting"]

    assert hosting["public"] == "dist"
    assert "site" not in hosting  # the project's default site
    assert hosting["rewrites"] == [{"source": "**", "destination": "/index.html"}]
    every, assets = hosting["headers"]  # the later rule wins where both set a header
    every_headers = {h["key"]: h["value"] for h in every["headers"]}
    assert every["source"] == "**"
    assert every_headers == {
        **security_headers(PRODUCTION, https=True),
        "Cache-Control": NO_CACHE,
    }
    assert assets == {
        "source": "/assets/**",
        "headers": [{"key": "Cache-Control", "value": IMMUTABLE}],
    }


def cli_args(dist: Path, firebase: Path, *extra: str) -> list[str]:
    return [
        "--api-url", "https://api.example.org/api/v1", "--project-id", "fnt-prod",
        "--api-key", "AIza-key", "--auth-domain", "fnt-prod.firebaseapp.com",
        "--storage-origin", "https://storage.googleapis.com",
        "--dist", str(dist), "--firebase-json", str(firebase), *extra,
    ]  # fmt: skip


def test_the_cli_writes_config_json_into_the_build_and_firebase_json(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html>")
    firebase = tmp_path / "firebase.json"

    assert main(cli_args(dist, firebase, "--google-sign-in", "--site", "fnt-app")) == 0

    assert json.loads((dist / "config.json").read_text()) == runtime_config(PRODUCTION)
    assert json.loads(firebase.read_text()) == firebase_json(PRODUCTION, site="fnt-app")
    assert json.loads(firebase.read_text())["hosting"]["site"] == "fnt-app"


def test_the_cli_refuses_a_bad_origin_and_a_missing_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    firebase = tmp_path / "firebase.json"
    with pytest.raises(SystemExit) as bad_origin:
        main([*cli_args(tmp_path, firebase), "--storage-origin", "https://*.example.org"])
    assert bad_origin.value.code == 2
    assert "wildcards are not allowed" in capsys.readouterr().err

    with pytest.raises(SystemExit) as not_built:
        main(cli_args(tmp_path / "missing", firebase))
    assert not_built.value.code == 2
    assert "run `make web` first" in capsys.readouterr().err
    assert not firebase.exists()
