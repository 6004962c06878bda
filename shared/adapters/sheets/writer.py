"""SheetsWriter with gspread: as the user (their OAuth access token) or, in service-account
mode, as the service, sharing the new sheet with the user's email.

A new spreadsheet (no `spreadsheet_id`) has its one tab renamed to `tab` when given, so a
spreadsheet with a tab per book is: the first book with `spreadsheet_id=None, tab=title`,
then each other book with the `spreadsheet_id` returned, its own `tab` and `create_tab`.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.domain.errors import InvalidInput
from shared.domain.exports import SheetsOptions
from shared.service.ports import WrittenSheet


class GspreadSheetsWriter:
    def __init__(self, *, base_url: str | None = None, service_account_mode: bool = False) -> None:
        self._base_url = base_url
        self.service_account_mode = service_account_mode

    def __call__(
        self,
        google_token: str | None,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        options: SheetsOptions,
        owner_email: str | None,
    ) -> WrittenSheet:
        # gspread loads with the first sheet written, not at the API's cold start.
        import google.auth

        from shared.adapters.sheets.google_session import (
            SCOPES,
            service_account_client,
            sheets_client,
        )
        from shared.adapters.sheets.gspread_rows import (
            Sharing,
            SheetStyle,
            SheetTarget,
            write_rows,
        )

        collaborators = options.collaborators
        if self.service_account_mode:
            credentials, _ = google.auth.default(scopes=SCOPES)
            client = service_account_client(credentials, base_url=self._base_url)
            if owner_email and owner_email not in collaborators:
                collaborators = (*collaborators, owner_email)
        elif google_token:
            client = sheets_client(google_token, base_url=self._base_url)
        else:
            raise InvalidInput("A Google access token is needed to write to the user's Drive.")
        result = write_rows(
            client,
            list(header),
            [list(row) for row in rows],
            SheetTarget(
                spreadsheet_id=options.spreadsheet_id,
                title=options.title,
                folder_id=options.folder_id,
                tab=options.tab,
                create_tab=options.create_tab,
            ),
            SheetStyle(
                bold_header=options.bold_header,
                header_colour=options.header_colour,
                freeze_header=options.freeze_header,
                auto_resize=options.auto_resize,
            ),
            Sharing(collaborators=collaborators, anyone_with_link=options.anyone_with_link),
        )
        return WrittenSheet(result.url, result.rows_written, result.spreadsheet_id)
