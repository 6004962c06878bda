"""A small client of the product's HTTP API, as a frontend would use it.

Shared by `make run`, `make dev` users' scripts, the end-to-end tests and the
benchmark, so they all go through the same real flow: ask for an upload URL, PUT
the PDF to it, follow the job, page through its sentences.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import requests

from infra.local_stack import LocalStack
from shared.adapters.firebase_tokens import mint_emulator_token

FINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})


class ApiError(Exception):
    def __init__(self, response: requests.Response) -> None:
        try:
            error = response.json()["error"]
            code, message = error["code"], error["message"]
        except (ValueError, KeyError, TypeError):
            code, message = "HTTP_ERROR", response.text[:200]
        super().__init__(f"{response.status_code} {code}: {message}")
        self.status, self.code = response.status_code, code


@dataclass
class ApiClient:
    base_url: str  # ends with /api/v1
    token: str | None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        self._session = requests.Session()

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return self._session.request(
            method, f"{self.base_url}{path}", headers=headers, timeout=self.timeout, **kwargs
        )

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise ApiError(response)
        return response.json()

    def create_upload(
        self, filename: str, size_bytes: int, limit: int, engine: str = "auto"
    ) -> dict[str, Any]:
        body = {
            "filename": filename,
            "size_bytes": size_bytes,
            "settings": {"sentence_length_limit": limit, "engine": engine},
        }
        return self.call("POST", "/uploads", json=body)

    def put_file(self, upload: dict[str, Any], data: bytes) -> None:
        """PUT the file to its signed URL, with the signed headers (no API token)."""
        target = upload["upload"]
        response = requests.request(
            target["method"], target["url"], data=data, headers=target["headers"], timeout=120
        )
        if response.status_code >= 300:
            raise ApiError(response)

    def job(self, job_id: str) -> dict[str, Any]:
        return self.call("GET", f"/jobs/{job_id}")

    def wait(
        self,
        job_id: str,
        timeout: float = 600.0,
        interval: float = 0.1,
        on_update: Callable[[dict[str, Any]], None] | None = None,
    ) -> dict[str, Any]:
        """Poll the job until it is completed, failed or cancelled."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if on_update is not None:
                on_update(job)
            if job["status"] in FINAL_STATUSES:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job['status']} after {timeout} s")
            time.sleep(interval)

    def sentences(self, job_id: str, page_size: int = 1000) -> Iterator[dict[str, Any]]:
        return self._pages(f"/jobs/{job_id}/sentences", "sentences", page_size)

    def notes(self, job_id: str, page_size: int = 1000) -> Iterator[dict[str, Any]]:
        return self._pages(f"/jobs/{job_id}/notes", "notes", page_size)

    def _pages(self, path: str, items: str, page_size: int) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": page_size}
            if cursor:
                params["cursor"] = cursor
            page = self.call("GET", path, params=params)
            yield from page[items]
            cursor = page["next_cursor"]
            if not cursor:
                return


def local_api_url(stack: LocalStack) -> str:
    return f"{stack.function_urls['api']}/api/v1"


def local_api_client(stack: LocalStack, uid: str, role: str | None = None) -> ApiClient:
    """A client of the stack's API for a test user, with an Auth-emulator token."""
    token = mint_emulator_token(stack.config.project, uid, role=role)
    return ApiClient(local_api_url(stack), token)
