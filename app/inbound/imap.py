"""The inbound mailbox over IMAP (imaplib): list unseen messages, fetch many per command,
mark them \\Seen only once their outcome is committed (the caller decides when).

Messages are fetched with BODY.PEEK, which leaves \\Seen alone; one over the size limit is
fetched as its header only.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any

from app.inbound.services import Incoming
from app.settings import Settings

TIMEOUT_SECONDS = 30
_UID = re.compile(rb"UID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_DATE = re.compile(rb'INTERNALDATE "([^"]+)"')


class MailboxError(Exception):
    """The IMAP server refused a command or could not be reached."""


class Mailbox:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> Mailbox:
        settings = self.settings
        try:
            if settings.inbound_imap_tls:
                self._imap = imaplib.IMAP4_SSL(
                    settings.inbound_imap_host,
                    settings.inbound_imap_port,
                    ssl_context=ssl.create_default_context(),
                    timeout=TIMEOUT_SECONDS,
                )
            else:
                self._imap = imaplib.IMAP4(
                    settings.inbound_imap_host, settings.inbound_imap_port, timeout=TIMEOUT_SECONDS
                )
            self._imap.login(settings.inbound_imap_user, settings.inbound_imap_password)
            self._ok(self._imap.select(_quoted(settings.inbound_imap_mailbox)))
        except (imaplib.IMAP4.error, OSError) as error:
            self.close()
            raise MailboxError(f"IMAP: {error}") from error
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def unseen(self) -> list[int]:
        data = self._ok(self._connection.uid("SEARCH", "UNSEEN"))
        return sorted(int(uid) for uid in (data[0] or b"").split())

    def fetch(self, uids: Sequence[int], limit: int) -> list[tuple[int, Incoming]]:
        """The messages `uids`, in order: sizes first, then every body under `limit` in one
        command and the header of every other in another."""
        if not uids:
            return []
        sizes = {uid: size for uid, size, _date, _raw in self._fetch(uids, "(RFC822.SIZE)")}
        small = [uid for uid in uids if sizes.get(uid, 0) <= limit]
        large = [uid for uid in uids if uid in sizes and sizes[uid] > limit]
        found: dict[int, Incoming] = {}
        for part, chosen in (("BODY.PEEK[]", small), ("BODY.PEEK[HEADER]", large)):
            if chosen:
                for uid, _size, date, raw in self._fetch(chosen, f"(INTERNALDATE {part})"):
                    found[uid] = Incoming(raw, sizes.get(uid, len(raw)), date)
        return [(uid, found[uid]) for uid in uids if uid in found]

    def mark_seen(self, uids: Sequence[int]) -> None:
        if uids:
            self._ok(self._connection.uid("STORE", _set(uids), "+FLAGS.SILENT", r"(\Seen)"))

    def close(self) -> None:
        imap, self._imap = self._imap, None
        if imap is None:
            return
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()

    # --- internals ----------------------------------------------------------------------------

    @property
    def _connection(self) -> imaplib.IMAP4:
        if self._imap is None:
            raise MailboxError("IMAP: not connected")
        return self._imap

    def _fetch(
        self, uids: Sequence[int], items: str
    ) -> list[tuple[int, int, datetime | None, bytes]]:
        data = self._ok(self._connection.uid("FETCH", _set(uids), items))
        rows = []
        for entry in data:
            head, body = (entry[0], entry[1]) if isinstance(entry, tuple) else (entry, b"")
            if not isinstance(head, bytes):
                continue
            uid = _UID.search(head)
            if uid is None:
                continue
            size = _SIZE.search(head)
            rows.append(
                (int(uid.group(1)), int(size.group(1)) if size else 0, _internal(head), body)
            )
        return rows

    @staticmethod
    def _ok(answer: tuple[str, list[Any]]) -> list[Any]:
        status, data = answer
        if status != "OK":
            raise MailboxError(f"IMAP: {status} {data!r}"[:300])
        return data


def _set(uids: Sequence[int]) -> str:
    return ",".join(str(uid) for uid in uids)


def _quoted(mailbox: str) -> str:
    return '"' + mailbox + '"'  # settings refuse quotes, backslashes and line breaks in it


def _internal(head: bytes) -> datetime | None:
    found = _DATE.search(head)
    if found is None:
        return None
    try:
        return datetime.strptime(found.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return None
