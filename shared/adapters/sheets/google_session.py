"""gspread clients: one acting as the signed-in user, one as the service's own account.

Both send through a google-auth `AuthorizedSession`. Given a base URL (or the
FNT_GOOGLE_APIS_BASE_URL variable, for local runs and tests), a transport adapter
sends the calls for the Google API hosts there instead: a local fake serves the
Sheets paths (/v4/spreadsheets...) and the Drive paths (/drive/v3/...) alike.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import gspread
from google.auth.credentials import Credentials, with_scopes_if_required
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials as UserCredentials
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

BASE_URL_VARIABLE = "FNT_GOOGLE_APIS_BASE_URL"
# What the frontend's Google sign-in asks for: edit spreadsheets, and see only the Drive
# files this app creates or the user opens with it.
SCOPES = (
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.file",
)
# The origins gspread calls: Sheets v4, and Drive v3 (create, share).
GOOGLE_API_ORIGINS = ("https://sheets.googleapis.com", "https://www.googleapis.com")
# (connect, read) seconds: a stalled call must fail, not hold the export forever.
DEFAULT_TIMEOUT = (10.0, 120.0)


def sheets_client(
    access_token: str,
    *,
    base_url: str | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> gspread.Client:
    """A client acting as the user whose OAuth access token this is.

    The token comes from the frontend's Google sign-in and is used for this export only:
    never stored or logged. It cannot be refreshed here, so a 401 is not retried: the
    caller reports it and the frontend signs in again.
    """
    credentials = UserCredentials(token=access_token)
    session = AuthorizedSession(credentials, refresh_status_codes=())
    return _client(credentials, session, base_url, timeout)


def service_account_client(
    credentials: Credentials,
    *,
    base_url: str | None = None,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> gspread.Client:
    """A client acting as the service's account: it creates the spreadsheet and shares it."""
    scoped = with_scopes_if_required(credentials, SCOPES)
    return _client(scoped, AuthorizedSession(scoped), base_url, timeout)


def _client(
    credentials: Credentials,
    session: AuthorizedSession,
    base_url: str | None,
    timeout: tuple[float, float],
) -> gspread.Client:
    base_url = base_url or os.environ.get(BASE_URL_VARIABLE)
    if base_url:
        adapter = RedirectAdapter(dict.fromkeys(GOOGLE_API_ORIGINS, base_url))
        for origin in GOOGLE_API_ORIGINS:
            session.mount(f"{origin}/", adapter)
    client = gspread.authorize(credentials, session=session)
    client.set_timeout(timeout)
    return client


class RedirectAdapter(HTTPAdapter):
    """Sends requests for some origins to other base URLs, keeping path and query."""

    def __init__(self, targets: Mapping[str, str]) -> None:
        super().__init__()
        self._targets = {origin: target.rstrip("/") for origin, target in targets.items()}

    def send(
        self,
        request: PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> Response:
        url = request.url or ""
        for origin, target in self._targets.items():
            if url.startswith(f"{origin}/"):
                request.url = target + url[len(origin) :]
                break
        return super().send(request, stream, timeout, verify, cert, proxies)
