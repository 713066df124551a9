"""File names as given by an uploader, and as sent back in a download.

A name is kept only if it is a plain name: no folder part, no control or invisible format
characters (a right-to-left override can make `cod.exe` read as `exe.doc`), not `.` or `..`.
Its extension is made to match the type found in the content. A download names the file in
`Content-Disposition: attachment` twice: `filename=` in plain ASCII for old clients, and
`filename*=` in UTF-8 (RFC 6266 / RFC 5987).
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from flask_babel import gettext as _

from app.core.errors import ValidationError

MAX_NAME_LENGTH = 200


def clean_filename(name: str | None, extension: str) -> str:
    """`name` as stored, ending in `extension`; a ValidationError for an unsafe name."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise ValidationError(_("Choose a file to upload"), field="file")
    if "/" in name or "\\" in name:
        raise ValidationError(
            _("The file name must not contain a folder (no / or \\)"), field="file"
        )
    if any(unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for char in name):
        raise ValidationError(
            _("The file name contains control or invisible characters: rename the file"),
            field="file",
        )
    if name in {".", ".."} or len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("Give the file a name of at most %(count)s characters", count=MAX_NAME_LENGTH),
            field="file",
        )
    if PurePosixPath(name).suffix.lower() != extension:
        name = f"{name}{extension}"
    return name


def ascii_filename(name: str) -> str:
    """A plain-ASCII stand-in for `name`: accents dropped, anything else risky as `_`."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    safe = "".join(
        char if char.isascii() and (char.isalnum() or char in " .-_()") else "_" for char in plain
    )
    return safe.strip(" .") or "file"


def content_disposition(name: str) -> str:
    """`attachment` with the ASCII name and the UTF-8 one."""
    fallback = ascii_filename(name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
