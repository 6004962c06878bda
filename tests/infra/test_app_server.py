"""What the web app's local server answers for each path (infra/local_stack/app_server.py)."""

from __future__ import annotations

import json
from http import HTTPStatus
from pathlib import Path

import pytest

from infra.local_stack import FunctionSpec, Service, StackConfig
from infra.local_stack.app_server import Site, site_document
from infra.local_stack.config import WebApp
from infra.web_hosting import IMMUTABLE, NO_CACHE, HostingSettings, content_security_policy

SETTINGS = HostingSettings(
    api_url="http://127.0.0.1:8001/api/v1",
    project_id="demo-fnt",
    api_key="fake-api-key",
    auth_domain="demo-fnt.firebaseapp.com",
    storage_origins=("http://127.0.0.1:8002",),
    auth_emulator_url="http://127.0.0.1:8003",
)
INDEX = b"<!doctype html><title>app</title>"


@pytest.fixture
def site(tmp_path: Path) -> Site:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / "assets" / "index-1a2b.js").write_text("export {};")
    (dist / "assets" / "index-1a2b.css").write_text("body{}")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    site_file = tmp_path / "site.json"
    site_file.write_text(json.dumps(site_document(SETTINGS)))
    return Site.load(dist, site_file)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/assets/index-1a2b.js", "text/javascript; charset=utf-8"),
        ("/assets/index-1a2b.css", "text/css; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
        ("/index.html", "text/html; charset=utf-8"),
    ],
)
def test_files_of_the_build_are_served_with_their_type(
    site: Site, path: str, content_type: str
) -> None:
    answer = site.answer(path)

    assert answer.status == HTTPStatus.OK
    assert answer.headers["Content-Type"] == content_type
    assert answer.headers["Content-Length"] == str(len(answer.body))


@pytest.mark.parametrize("path", ["/", "/jobs/abc", "/jobs/abc?tab=sentences", "/sign-in/"])
def test_the_apps_routes_are_its_shell(site: Site, path: str) -> None:
    answer = site.answer(path)

    assert (answer.status, answer.body) == (HTTPStatus.OK, INDEX)
    assert answer.headers["Cache-Control"] == NO_CACHE


@pytest.mark.parametrize(
    "path",
    ["/assets/gone-9z.js", "/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"],
)
def test_a_missing_file_is_404_and_nothing_outside_the_build_is_served(
    site: Site, path: str
) -> None:
    answer = site.answer(path)

    assert answer.status == HTTPStatus.NOT_FOUND
    assert b"outside" not in answer.body


def test_config_json_is_the_stacks(site: Site) -> None:
    answer = site.answer("/config.json")

    assert answer.status == HTTPStatus.OK
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(answer.body)["apiUrl"] == "http://127.0.0.1:8001/api/v1"
    assert json.loads(answer.body)["authEmulatorUrl"] == "http://127.0.0.1:8003"


def test_every_answer_carries_the_hosting_headers_without_hsts(site: Site) -> None:
    for path in ("/", "/config.json", "/assets/index-1a2b.js", "/assets/gone.js"):
        headers = site.answer(path).headers
        assert headers["Content-Security-Policy"] == content_security_policy(SETTINGS)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in headers
    assert site.answer("/assets/index-1a2b.js").headers["Cache-Control"] == IMMUTABLE


def test_a_stack_serving_the_app_needs_its_api_storage_and_auth_emulator() -> None:
    api = FunctionSpec("api", Path("functions/main.py"), "api", "http")
    trigger = FunctionSpec("api", Path("functions/main.py"), "on_pdf_uploaded", "cloudevent")

    with pytest.raises(ValueError, match="also needs: \\['auth'\\]"):
        StackConfig(
            services=frozenset(Service) - {Service.AUTH}, functions=(api,), web_app=WebApp()
        )
    with pytest.raises(ValueError, match="must name an http function"):
        StackConfig(functions=(), web_app=WebApp())
    with pytest.raises(ValueError, match="must name an http function"):
        StackConfig(functions=(trigger,), web_app=WebApp())
    assert StackConfig(functions=(api,), web_app=WebApp()).web_app == WebApp()
