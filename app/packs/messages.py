"""Wording about briefing packs shown outside the pack (forms), in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PACK_LINK_LABEL = _l("Link the briefing packs in the circulation e-mail")
PACK_LINK_HINT = _l(
    "Readers sign in to open the link and get their own side's pack; no file is attached."
)
