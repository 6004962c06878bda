"""The Drive v3 calls gspread makes for spreadsheets: files.create/get, permissions.create/list."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, MutableMapping
from typing import Any

from infra.fake_sheets.google_errors import ApiError, invalid
from infra.fake_sheets.model import SPREADSHEET_MIME_TYPE, Permission, Spreadsheet, Tab

_TYPES = frozenset({"user", "group", "domain", "anyone"})
_ROLES = frozenset({"owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"})


def create_file(
    files: MutableMapping[str, Spreadsheet], body: Mapping[str, Any], *, first_tab: str
) -> dict[str, Any]:
    mime_type = body.get("mimeType")
    if mime_type != SPREADSHEET_MIME_TYPE:
        raise invalid(f"The fake only creates Google Sheets files ({SPREADSHEET_MIME_TYPE}).")
    spreadsheet = new_spreadsheet(
        files,
        body.get("name") or "Untitled spreadsheet",
        [first_tab],
        list(body.get("parents", [])),
    )
    return {
        "kind": "drive#file",
        "id": spreadsheet.spreadsheet_id,
        "name": spreadsheet.title,
        "mimeType": SPREADSHEET_MIME_TYPE,
    }


def new_spreadsheet(
    files: MutableMapping[str, Spreadsheet], title: str, tabs: list[str], parents: list[str]
) -> Spreadsheet:
    # Ids look like Google's: 44 URL-safe characters.
    spreadsheet_id = secrets.token_urlsafe(33)
    # The first tab has id 0, as in a spreadsheet Sheets creates.
    sheets = [Tab(sheet_id=i * 1000, title=name, index=i) for i, name in enumerate(tabs)]
    files[spreadsheet_id] = Spreadsheet(spreadsheet_id, title, sheets, parents)
    return files[spreadsheet_id]


def create_permission(
    spreadsheet: Spreadsheet, query: Mapping[str, str], body: Mapping[str, Any]
) -> dict[str, Any]:
    kind, role = body.get("type"), body.get("role")
    if kind not in _TYPES:
        raise invalid(f"Invalid permission type: {kind}")
    if role not in _ROLES:
        raise invalid(f"Invalid permission role: {role}")
    if role == "owner" and not _flag(query, "transferOwnership", default=False):
        raise ApiError(
            403,
            "The transferOwnership parameter must be enabled when the permission role is 'owner'.",
        )
    grantee = {"user": "emailAddress", "group": "emailAddress", "domain": "domain"}.get(kind)
    address = body.get(grantee) if grantee else None
    if grantee and not address:
        raise invalid(f"The permission {grantee} field is required for a {kind} permission.")
    discoverable: bool | None = None
    if kind in ("domain", "anyone"):
        discoverable = bool(body.get("allowFileDiscovery", False))
    if kind == "anyone":
        permission_id = "anyone" if discoverable else "anyoneWithLink"
    else:  # Drive gives a grantee the same permission id on every file
        permission_id = str(int(hashlib.sha256(str(address).encode()).hexdigest()[:15], 16))
    # Only people and groups are emailed, and by default they are.
    notified = kind in ("user", "group") and _flag(query, "sendNotificationEmail", default=True)
    permission = Permission(permission_id, kind, role, address, discoverable, notified)
    # Sharing again with the same grantee changes the role of the permission it has.
    others = [p for p in spreadsheet.permissions if p.id != permission_id]
    spreadsheet.permissions = [*others, permission]
    return permission.resource()


def list_permissions(spreadsheet: Spreadsheet) -> dict[str, Any]:
    return {
        "kind": "drive#permissionList",
        "permissions": [permission.resource() for permission in spreadsheet.permissions],
    }


def _flag(query: Mapping[str, str], name: str, *, default: bool) -> bool:
    # Google reads booleans in any case; gspread sends Python's "False".
    value = query.get(name)
    return default if value is None else value.lower() == "true"
