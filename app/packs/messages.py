"""Wording about briefing packs shown outside the pack (forms), in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PACK_LINK_LABEL = _l(
    "Add links to the briefing packs to the circulation e-mail (readers sign in to open "
    "them and get their own side's pack; the file itself is never attached)"
)
