"""The hostile corpus through the real local stack: files, bodies, cursors, ids, tokens,
uids and framework-level oddities. Each gets a clear 4xx in the JSON error model or a
failed job with its stable code; no function answers 5xx, no job is left waiting, and
no function logs a traceback while they run."""

from __future__ import annotations

import base64
import socket
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import google.cloud.storage as storage
import pytest
import requests
from google.auth.credentials import AnonymousCredentials

from infra.api_client import ApiClient, local_api_client
from infra.local_stack import LocalStack
from infra.local_stack.product import QUARANTINE_BUCKET, UPLOADS_BUCKET
from shared.adapters.firebase_tokens import mint_emulator_token
from tests.books.hostile import COMPLETED, HOSTILE_FILES, HostileFile, book_pdf

pytestmark = pytest.mark.stack

CLIENT_ERRORS = {400, 401, 403, 404, 405, 409, 413, 415, 422}
JOB_ID = "0" * 32
# Legal Firebase uids that are not legal Firestore document ids as they are.
ODD_UIDS = ("a/b", "..", "__reserved__", "é" * 128)


@pytest.fixture(scope="module", autouse=True)
def logs_since_start(stack: LocalStack) -> Iterator[Callable[[], str]]:
    """What the functions log from now on (the stack is shared with other tests)."""
    logs = sorted(stack.config.log_dir.glob("function-*.log"))
    sizes = {path: path.stat().st_size for path in logs}

    def read() -> str:
        return "".join(path.read_bytes()[sizes[path] :].decode("utf-8", "replace") for path in logs)

    yield read


@pytest.fixture(scope="module")
def admin(stack: LocalStack) -> ApiClient:
    return local_api_client(stack, "hostile-admin", role="admin")  # no quota in the way


def assert_client_error(response: requests.Response) -> dict[str, Any]:
    assert response.status_code in CLIENT_ERRORS, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"] and error["request_id"]
    return dict(error)


def through_the_stack(client: ApiClient, case: HostileFile) -> dict[str, Any]:
    data = case.make()
    created = client.call(
        "POST", "/uploads", json={"filename": f"{case.name}.pdf", "size_bytes": len(data)}
    )
    client.put_file(created, data)
    return client.wait(created["job_id"], timeout=120)


def test_every_hostile_file_ends_its_job_with_its_code(
    admin: ApiClient, stack: LocalStack, stack_env: dict[str, str]
) -> None:
    with ThreadPoolExecutor(4) as pool:
        ended = pool.map(lambda case: through_the_stack(admin, case), HOSTILE_FILES)
        jobs = dict(zip(HOSTILE_FILES, ended, strict=True))

    for case, job in jobs.items():
        outcome = job["error"]["code"] if job["error"] else job["status"]
        assert outcome == case.outcome, (case.name, job["error"])
        assert tuple(job["active_content"]) == case.active_content, case.name
        if case.outcome == COMPLETED:
            assert job["counts"]["sentences"] > 0, case.name
            assert list(admin.sentences(job["job_id"], page_size=1000))
    infected = next(job for case, job in jobs.items() if case.outcome == "UPLOAD_INFECTED")
    client = storage.Client(project=stack.config.project, credentials=AnonymousCredentials())
    name = f"uploads/{infected['job_id']}.pdf"
    assert client.bucket(QUARANTINE_BUCKET).blob(name).exists()
    assert not client.bucket(UPLOADS_BUCKET).blob(name).exists()


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


JSON = {"Content-Type": "application/json"}


def raw(text: str) -> dict[str, Any]:
    return {"data": text, "headers": JSON}


def upload(**fields: object) -> dict[str, Any]:
    return {"json": {"filename": "a.pdf", "size_bytes": 9, **fields}}


def jobs_cursor(text: str) -> str:
    return "/jobs?cursor=" + _cursor(text)


REQUESTS: list[tuple[str, str, str, dict[str, Any]]] = [
    # (name, method, path, keyword arguments of requests)
    ("nested-json-upload", "POST", "/uploads", raw("[" * 5000 + "]" * 5000)),
    ("nested-json-settings", "PUT", "/settings", raw('{"a":' * 5000 + "1" + "}" * 5000)),
    ("not-json", "POST", "/uploads", raw("{filename:")),
    ("json-array", "POST", "/uploads", {"json": [1, 2, 3]}),
    ("json-null", "POST", "/uploads", raw("null")),
    ("text-body", "POST", "/uploads", {"data": "x", "headers": {"Content-Type": "text/plain"}}),
    ("huge-size", "POST", "/uploads", upload(size_bytes=10**30)),
    ("negative-size", "POST", "/uploads", upload(size_bytes=-1)),
    ("float-size", "POST", "/uploads", upload(size_bytes=1.5)),
    ("word-size", "POST", "/uploads", upload(size_bytes="douze")),
    ("filename-path", "POST", "/uploads", upload(filename="../../etc/passwd")),
    ("filename-control", "POST", "/uploads", upload(filename="a\u0000b.pdf")),
    ("filename-long", "POST", "/uploads", upload(filename="a" * 300)),
    ("unknown-field", "POST", "/uploads", upload(admin=True)),
    ("limit-too-low", "POST", "/uploads", upload(settings={"sentence_length_limit": 2})),
    ("engine-unknown", "POST", "/uploads", upload(settings={"engine": "gpt"})),
    ("settings-bad-columns", "PUT", "/settings", {"json": {"export_columns": ["password"]}}),
    ("cursor-garbage", "GET", "/jobs?cursor=%%%%", {}),
    ("cursor-year-1", "GET", jobs_cursor(f"0001-01-01T00:00:00-23:59|{JOB_ID}"), {}),
    ("cursor-year-9999", "GET", jobs_cursor(f"9999-12-31T23:59:59+23:59|{JOB_ID}"), {}),
    ("cursor-naive", "GET", jobs_cursor(f"2026-01-01T00:00:00|{JOB_ID}"), {}),
    ("cursor-bad-id", "GET", jobs_cursor("2026-01-01T00:00:00+00:00|../x"), {}),
    ("cursor-too-long", "GET", "/jobs?cursor=" + "a" * 500, {}),
    ("limit-zero", "GET", "/jobs?limit=0", {}),
    ("limit-huge", "GET", "/jobs?limit=1000000000000", {}),
    ("status-unknown", "GET", "/jobs?status=done", {}),
    ("unknown-parameter", "GET", "/jobs?admin=1", {}),
    ("forged-sentence-cursor", "GET", f"/jobs/{JOB_ID}/sentences?cursor=OTk5OTktOTk5OTo1", {}),
    ("job-id-path", "GET", "/jobs/..%2F..%2Fsettings", {}),
    ("job-id-newline", "GET", "/jobs/%0A", {}),
    ("job-id-uppercase", "GET", "/jobs/" + "A" * 32, {}),
    ("job-id-33", "GET", "/jobs/" + "a" * 33, {}),
    ("job-id-unicode", "GET", "/jobs/%C3%A9t%C3%A9", {}),
    ("export-id-path", "GET", "/exports/..", {}),
    ("unknown-job", "GET", f"/jobs/{JOB_ID}", {}),
    ("unknown-job-delete", "DELETE", f"/jobs/{JOB_ID}", {}),
    ("patch-job", "PATCH", f"/jobs/{JOB_ID}", {}),
    ("post-health", "POST", "/health", {}),
    ("no-route", "GET", "/admin", {}),
    ("double-slash", "GET", "//jobs", {}),
    ("control-in-path", "GET", "/jobs%0A%0D", {}),
    ("multipart-without-file", "POST", "/process-pdf", {"files": {"x": ("a.txt", b"x")}}),
    ("multipart-not-a-pdf", "POST", "/process-pdf", {"files": {"pdf_file": ("a.pdf", b"<a>")}}),
    ("estimate-not-a-pdf", "POST", "/estimate", {"files": {"pdf_file": ("a.pdf", b"GIF89a")}}),
]


@pytest.mark.parametrize(
    ("name", "method", "path", "options"), REQUESTS, ids=[r[0] for r in REQUESTS]
)
def test_a_hostile_request_gets_a_clear_error(
    admin: ApiClient, name: str, method: str, path: str, options: dict[str, Any]
) -> None:
    assert_client_error(admin.request(method, path, **options))


TOKENS = {
    "none": None,
    "empty-bearer": "Bearer ",
    "basic": "Basic dXNlcjpwdw==",
    "garbage": "Bearer not.a.token",
    "wrong-project": "Bearer " + mint_emulator_token("another-project", "intruder"),
    "expired": "Bearer " + mint_emulator_token("demo-fnt", "late", lifetime_seconds=-60),
    "huge": "Bearer " + "a" * 60_000,
}


@pytest.mark.parametrize("header", TOKENS.values(), ids=TOKENS.keys())
def test_a_bad_token_is_refused(api_url: str, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = requests.get(f"{api_url}/jobs", headers=headers, timeout=10)
    assert response.status_code in {400, 401, 431}, response.status_code
    if response.status_code != 431:  # a header too large for the server to read at all
        assert (
            assert_client_error(response)["code"].startswith("AUTH_") or response.status_code == 400
        )


@pytest.mark.parametrize("uid", ODD_UIDS, ids=["slash", "dot-dot", "reserved", "long-unicode"])
def test_an_odd_but_legal_uid_works_on_every_route(stack: LocalStack, uid: str) -> None:
    client = local_api_client(stack, uid, role="admin")
    settings = {
        "sentence_length_limit": 12,
        "engine": "offline",
        "keep_dialogue": False,
        "min_sentence_words": 1,
        "export_format": "csv",
        "export_columns": ["sentence"],
    }
    assert client.call("PUT", "/settings", json=settings) == settings
    assert client.call("GET", "/settings") == settings
    assert client.call("GET", "/me")["uid"] == uid
    data = book_pdf()
    created = client.call("POST", "/uploads", json={"filename": "b.pdf", "size_bytes": len(data)})
    client.put_file(created, data)
    job = client.wait(created["job_id"], timeout=60)
    assert job["status"] == "completed" and job["settings"]["sentence_length_limit"] == 12
    assert [j["job_id"] for j in client.call("GET", "/jobs")["jobs"]] == [job["job_id"]]
    export = client.call("POST", f"/jobs/{job['job_id']}/exports", json={"kind": "csv"})
    assert export["status"] == "done"


def test_a_cross_origin_form_post_is_refused(api_url: str) -> None:
    """A browser's form post carries no Authorization header: the API takes bearer
    tokens only, never cookies, so a forged cross-site request has nothing to ride on."""
    response = requests.post(
        f"{api_url}/uploads",
        data={"filename": "a.pdf", "size_bytes": "9"},
        headers={"Origin": "https://evil.example", "Cookie": "session=stolen"},
        timeout=10,
    )
    assert assert_client_error(response)["code"] == "AUTH_TOKEN_MISSING"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_chunked_body_over_the_cap_is_a_413(admin: ApiClient) -> None:
    def body() -> Iterator[bytes]:
        yield b'--x\r\nContent-Disposition: form-data; name="pdf_file"; filename="a.pdf"\r\n'
        yield b"\r\n%PDF-"
        for _ in range(34):
            yield b"\0" * 1_000_000  # 34 MB, over the route's 32 MB, without a Content-Length
        yield b"\r\n--x--\r\n"

    headers = {"Content-Type": "multipart/form-data; boundary=x"}
    response = admin.request("POST", "/process-pdf", data=body(), headers=headers)
    assert assert_client_error(response)["code"] in {"PAYLOAD_TOO_LARGE", "FILE_TOO_LARGE"}
    assert response.status_code == 413


def test_a_raw_request_line_with_a_control_character_answers_json(api_url: str) -> None:
    url = urllib.parse.urlsplit(api_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(f"GET {url.path}/jobs/%0A HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        answer = connection.recv(65536).decode("utf-8", "replace")
    status = int(answer.split(" ", 2)[1])
    assert status in CLIENT_ERRORS and "application/json" in answer


def test_no_function_logged_a_traceback(logs_since_start: Callable[[], str]) -> None:
    """Last in this module: everything above ran without a crash in any function."""
    written = logs_since_start()
    assert "upload infected" in written  # the functions did log what they did
    assert "Traceback" not in written and "unhandled error" not in written
