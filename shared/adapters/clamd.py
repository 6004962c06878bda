"""A client of ClamAV's daemon: a stream scanned with INSTREAM, the signatures reloaded.

clamd's protocol: a "z"-prefixed, NUL-terminated command; INSTREAM then takes chunks,
each behind its length (4 bytes, network order), ends with a zero length, and answers
"stream: OK" or "stream: <signature> FOUND". clamd refuses a stream over its
StreamMaxLength (the answer says so): that is an error here, never a clean verdict.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable

from shared.domain.errors import ScannerUnavailable
from shared.service.ports import ScanVerdict

CHUNK_BYTES = 64 * 1024
DEFAULT_TIMEOUT_SECONDS = 60.0


class ClamdClient:
    """clamd at a TCP `host:port`, or at a Unix socket path (one that starts with "/")."""

    def __init__(self, address: str, timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self._address = address
        self._timeout = timeout_seconds

    def scan(self, chunks: Iterable[bytes]) -> ScanVerdict:
        answer = self._command(b"zINSTREAM\0", chunks)
        if answer == "stream: OK":
            return ScanVerdict(infected=False)
        if answer.startswith("stream: ") and answer.endswith(" FOUND"):
            return ScanVerdict(infected=True, signature=answer[len("stream: ") : -len(" FOUND")])
        raise ScannerUnavailable(f"The malware scanner could not scan the file: {answer[:200]}")

    def ping(self) -> bool:
        return self._command(b"zPING\0") == "PONG"

    def reload(self) -> None:
        """Load the signature database again (after an update)."""
        if self._command(b"zRELOAD\0") != "RELOADING":
            raise ScannerUnavailable("The malware scanner did not reload its signatures.")

    def _command(self, command: bytes, chunks: Iterable[bytes] = ()) -> str:
        try:
            with self._connect() as connection:
                connection.sendall(command)
                for chunk in chunks:
                    for start in range(0, len(chunk), CHUNK_BYTES):
                        piece = chunk[start : start + CHUNK_BYTES]
                        connection.sendall(struct.pack("!L", len(piece)) + piece)
                if command == b"zINSTREAM\0":
                    connection.sendall(struct.pack("!L", 0))
                return _read_answer(connection)
        except OSError as error:
            raise ScannerUnavailable("The malware scanner cannot be reached.") from error

    def _connect(self) -> socket.socket:
        if self._address.startswith("/"):
            unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            unix.settimeout(self._timeout)
            unix.connect(self._address)
            return unix
        host, _, port = self._address.rpartition(":")
        return socket.create_connection((host, int(port)), timeout=self._timeout)


def _read_answer(connection: socket.socket) -> str:
    answer = b""
    while not answer.endswith(b"\0"):
        received = connection.recv(4096)
        if not received:
            break
        answer += received
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()
