"""The web app served by a stack: its server, config.json, headers, and the CORS the
browser needs to call the API and PUT to a signed upload URL (a throwaway build)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from infra.local_stack import LocalStack, Service, StackConfig, StackError
from infra.local_stack.config import WebApp
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import UPLOADS_BUCKET, product_functions
from shared.adapters.gcs_store import GcsObjectStore
from shared.adapters.signing import LocalSigner

pytestmark = pytest.mark.stack

INDEX = "<!doctype html><html lang='en'><title>app</title><main>the app</main></html>"
# What the API needs to answer at all, and what the app needs: storage and the Auth emulator.
SERVICES = frozenset({Service.FIRESTORE, Service.TASKS, Service.STORAGE, Service.AUTH})
OTHER_ORIGIN = "http://127.0.0.1:9"


def throwaway_build(directory: Path) -> Path:
    (directory / "assets").mkdir(parents=True)
    (directory / "index.html").write_text(INDEX)
    (directory / "assets" / "index-1a2b.js").write_text("export {};")
    return directory


def app_config(dist: Path) -> StackConfig:
    api = next(spec for spec in product_functions() if spec.name == "api")
    return StackConfig(
        services=SERVICES,
        functions=(api,),
        buckets=(UPLOADS_BUCKET,),
        web_app=WebApp(dist=dist),
        log_dir=LOG_DIR / "tests-app",
    )


@pytest.fixture(scope="module")
def app_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    dist = throwaway_build(tmp_path_factory.mktemp("web") / "dist")
    with LocalStack(app_config(dist)) as started:
        yield started


@pytest.fixture
def api_url(app_stack: LocalStack) -> str:
    return f"{app_stack.function_urls['api']}/api/v1"


def preflight(url: str, origin: str, method: str, headers: str) -> requests.Response:
    return requests.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
        timeout=10,
    )


def test_the_app_is_served_with_this_stacks_config(app_stack: LocalStack, api_url: str) -> None:
    shell = requests.get(f"{app_stack.app_url}/jobs/some-job", timeout=10)
    config = requests.get(f"{app_stack.app_url}/config.json", timeout=10).json()

    assert (shell.status_code, shell.text) == (200, INDEX)
    assert config == {
        "apiUrl": api_url,
        "firebase": {
            "apiKey": "fake-api-key",
            "authDomain": "demo-fnt.firebaseapp.com",
            "projectId": "demo-fnt",
        },
        "authEmulatorUrl": f"http://{app_stack.auth_host}",
        "googleSignIn": False,
    }


def test_the_csp_connects_to_exactly_the_api_storage_and_auth_emulator(
    app_stack: LocalStack,
) -> None:
    policy = requests.get(app_stack.app_url, timeout=10).headers["Content-Security-Policy"]
    connect = next(d for d in policy.split("; ") if d.startswith("connect-src "))

    assert connect.split()[1:] == [
        "'self'",
        app_stack.function_urls["api"],
        app_stack.storage_url,
        f"http://{app_stack.auth_host}",
    ]
    assert "'unsafe" not in policy


def test_the_hashed_assets_are_served_with_their_type_and_cached(app_stack: LocalStack) -> None:
    answer = requests.get(f"{app_stack.app_url}/assets/index-1a2b.js", timeout=10)

    assert answer.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Strict-Transport-Security" not in answer.headers
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_api_grants_cors_to_the_apps_origin_only(app_stack: LocalStack, api_url: str) -> None:
    granted = preflight(
        f"{api_url}/uploads", app_stack.app_url, "POST", "authorization,content-type"
    )
    refused = preflight(f"{api_url}/uploads", OTHER_ORIGIN, "POST", "authorization,content-type")
    health = requests.get(f"{api_url}/health", headers={"Origin": app_stack.app_url}, timeout=10)

    assert granted.headers["Access-Control-Allow-Origin"] == app_stack.app_url
    assert "Authorization" in granted.headers["Access-Control-Allow-Headers"]
    assert "POST" in granted.headers["Access-Control-Allow-Methods"]
    assert not any(name.lower().startswith("access-control-") for name in refused.headers)
    assert health.headers["Access-Control-Allow-Origin"] == app_stack.app_url


def test_a_signed_upload_url_accepts_the_browsers_preflight_and_put(
    app_stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", app_stack.storage_url)
    client = storage.Client(project="demo-fnt", credentials=AnonymousCredentials())
    store = GcsObjectStore(client, UPLOADS_BUCKET, LocalSigner())
    upload = store.signed_upload(
        "browser/book.pdf", "application/pdf", 1024, datetime.now(UTC) + timedelta(minutes=5)
    )

    answer = preflight(upload.url, app_stack.app_url, "PUT", ",".join(upload.headers))
    put = requests.put(
        upload.url,
        data=b"%PDF-1.4\n",
        headers={**upload.headers, "Origin": app_stack.app_url},
        timeout=10,
    )

    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] in ("*", app_stack.app_url)
    allowed = answer.headers["Access-Control-Allow-Headers"].lower().split(",")
    assert {"content-type", "x-goog-content-length-range"} <= set(allowed)
    assert put.status_code == 200
    assert put.headers["Access-Control-Allow-Origin"] in ("*", app_stack.app_url)


def test_the_app_server_is_ready_within_seconds(app_stack: LocalStack) -> None:
    assert app_stack.startup_seconds["app"] < 5


def test_a_stack_without_a_build_says_to_run_make_web(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="run `make web`"), LocalStack(app_config(tmp_path)):
        pass
