"""Who a received invitation is from and to, and what kind of meeting it is.

The inviting organisation is found by the organiser's mail domain: the EU institutions by
their known domains (the codes the secretariat uses, e.g. EU-EEAS), any other allow-listed
sender (a rotating Presidency) as an EU organisation named after its domain, created the first
time it invites. The invited organisation is the UK's lead department.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import DuplicateError
from app.invitations.received_parse import (
    CalendarRefused,
    applied_at_once,
    domain_of,
    same_organisation,
)
from app.meetings.models import MeetingKind
from app.people import services as people
from app.people.models import Organisation, Side

# Mail domain -> (code, name) of the EU bodies that invite the UK.
KNOWN_DOMAINS = {
    "eeas.europa.eu": ("EU-EEAS", "European External Action Service"),
    "consilium.europa.eu": ("EU-GSC", "General Secretariat of the Council"),
    "ec.europa.eu": ("EU-COM", "European Commission"),
}
UK_CODE = "UK-FCDO"  # the UK organisation invitations from Brussels are addressed to
# Words in a meeting's title -> the meeting kind's slug (the first match wins).
KIND_WORDS = (
    ("european council", "european-council"),
    ("foreign affairs council", "foreign-affairs-council"),
    ("gymnich", "informal-ministerial"),
    ("political and security committee", "political-security-committee"),
    ("psc", "political-security-committee"),
    ("exercise", "crisis-management-exercise"),
    ("csdp", "csdp-planning"),
)
FALLBACK_KIND = ("eu-meeting", "EU meeting (invitation received)", 180)


def eu_organisation(session: Session, organiser_email: str) -> Organisation:
    """The EU-side organisation of this organiser, found or created by mail domain."""
    domain = domain_of(organiser_email)
    for known, (code, name) in KNOWN_DOMAINS.items():
        if same_organisation(domain, known):
            return _find_or_create(session, code, name)
    code = "EU-" + re.sub(r"[^A-Z0-9]+", "-", domain.upper()).strip("-")
    return _find_or_create(session, code[:32].rstrip("-"), f"Organiser at {domain}"[:200])


def uk_organisation(session: Session) -> Organisation:
    """The UK lead department (UK-FCDO), else the first top-level UK organisation."""
    found = session.scalar(select(Organisation).where(Organisation.code == UK_CODE))
    if found is None:
        found = session.scalar(
            select(Organisation)
            .where(Organisation.side == Side.UK, Organisation.parent_id.is_(None))
            .order_by(Organisation.id)
        )
    if found is None:
        raise CalendarRefused(_("There is no UK organisation to address the invitation to."))
    return found


def meeting_kind(session: Session, title: str) -> MeetingKind:
    """The kind a title names (Foreign Affairs Council, PSC, ...), else a general EU meeting."""
    lowered = f" {title.lower()} "
    for words, slug in KIND_WORDS:
        if re.search(rf"\b{re.escape(words)}\b", lowered):
            kind = session.scalar(select(MeetingKind).where(MeetingKind.slug == slug))
            if kind is not None:
                return kind
    slug, name, minutes = FALLBACK_KIND
    kind = session.scalar(select(MeetingKind).where(MeetingKind.slug == slug))
    if kind is None:
        kind = MeetingKind(
            slug=slug, name=name, is_eu_internal=True, default_duration_minutes=minutes
        )
        session.add(kind)
        session.flush()
    return kind


def _find_or_create(session: Session, code: str, name: str) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.code == code))
    if found is not None:
        if found.side is not Side.EU:
            raise CalendarRefused(_("The organisation %(code)s is not on the EU side.", code=code))
        return found
    try:
        return people.create_organisation(session, None, code, name, Side.EU)
    except DuplicateError as error:  # another fetcher created it at this moment
        raise applied_at_once() from error
