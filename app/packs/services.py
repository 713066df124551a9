"""Building a reader's pack: parameters checked (400 for a bad one), the input gathered under
the agenda's rules (`sources.pack_for`), the PDF written (`builder.build_pack`). The route and
`flask agendas pack` both come here."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.agendas.document import SIDES
from app.agendas.labels import LANGUAGES
from app.core.errors import EntenteError
from app.core.validation import parse_id
from app.packs.builder import Converter, PackResult, build_pack
from app.packs.sources import pack_filename, pack_for
from app.settings import Settings, current_settings

if TYPE_CHECKING:
    from app.auth.models import User

# One pack at a time per process: each build runs a LibreOffice of about 200 MB, and a burst
# of requests queues here rather than multiplying that (docs/performance.md).
_ONE_AT_A_TIME = threading.Lock()


class BadPackRequest(EntenteError):
    code = "bad_request"
    http_status = 400


@dataclass(frozen=True)
class PackRequest:
    side: str | None = None
    version: int | None = None
    language: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> PackRequest:
        """`side`, `version` and `lang` from a query string; 400 for anything else in them."""
        side = args.get("side") or None
        if side is not None and side not in SIDES:
            raise BadPackRequest(_("side must be uk or eu"), field="side")
        language = args.get("lang") or None
        if language is not None and language not in LANGUAGES:
            raise BadPackRequest(_("lang must be en or fr"), field="lang")
        raw = args.get("version") or None
        version = parse_id(raw) if raw is not None else None
        if raw is not None and version is None:
            raise BadPackRequest(_("version must be a version number"), field="version")
        return cls(side, version, language)


@dataclass(frozen=True)
class BuiltPack:
    filename: str
    result: PackResult


def write_pack(
    session: Session,
    reader: User | None,
    meeting_id: int,
    asked: PackRequest,
    out: BinaryIO,
    settings: Settings | None = None,
) -> BuiltPack:
    """Write the pack `reader` may read to `out` (NotFound, PermissionDenied as the agenda)."""
    pack = pack_for(
        session,
        reader,
        meeting_id,
        side=asked.side,
        version=asked.version,
        language=asked.language,
    )
    converter = Converter.from_settings(settings or current_settings())
    with _ONE_AT_A_TIME:
        result = build_pack(pack, out, converter=converter)
    return BuiltPack(pack_filename(pack), result)
