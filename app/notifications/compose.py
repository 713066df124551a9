"""Drafts for one recipient: the body from a template, the iTIP part for meeting messages."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from typing import Any, TypeAlias

from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.languages import supported
from app.feeds.stamp import current_stamp
from app.meetings.models import Meeting
from app.notifications import itip
from app.notifications.addresses import clean_address, mailbox, one_line, parse_mailbox
from app.notifications.models import NotificationKind
from app.notifications.outbox import Draft
from app.notifications.rendering import meeting_url, render, when, where
from app.people.models import Person
from app.settings import Settings
from app.web.links import public_base_url

# A subject or headline: plain, or lazy (translated when composed for the recipient).
Text: TypeAlias = str | LazyString


def recipient_of(person: Person | None) -> Address | None:
    """A person's mailbox, or None when they have no usable address."""
    if person is None or clean_address(person.email) is None:
        return None
    assert person.email is not None
    return mailbox(person.display_name, person.email)


def recipient_language(session: Session, to: Address, settings: Settings) -> str:
    """The language a recipient reads: that of their account (by address, or through the
    person it is linked to), else the service default."""
    address = to.addr_spec.lower()
    chosen = session.scalar(
        select(User.language)
        .outerjoin(Person, Person.id == User.person_id)
        .where(
            User.is_active,
            User.language.is_not(None),
            or_(func.lower(User.email) == address, func.lower(Person.email) == address),
        )
        .order_by(User.id)
        .limit(1)
    )
    return supported(chosen) or settings.default_language


def secretariat(settings: Settings) -> Address:
    sender = parse_mailbox(settings.mail_sender)
    if settings.secretariat_email:
        return mailbox("Secretariat", settings.secretariat_email)
    return sender


def meeting_draft(
    session: Session,
    *,
    key: str,
    kind: NotificationKind,
    meeting: Meeting,
    to: Address,
    template: str,
    subject: Text,
    settings: Settings,
    now: datetime,
    method: str | None = None,
    rsvp: bool = False,
    **context: Any,
) -> Draft:
    url = meeting_url(public_base_url(settings), meeting)
    with force_locale(recipient_language(session, to, settings)):
        subject = str(subject)
        rendered = render(
            template,
            subject=subject,
            meeting=meeting,
            when=when(meeting),
            where=where(meeting),
            url=url,
            name=to.display_name or to.addr_spec,
            **context,
        )
    calendar = ""
    if method is not None:
        calendar = itip.meeting_itip(
            meeting,
            method=method,
            stamp=current_stamp(session, meeting),
            organizer=parse_mailbox(settings.mail_sender),
            attendee=to,
            rsvp=rsvp,
            now=now,
            url=url,
        )
    return Draft(
        key=key,
        kind=kind,
        recipient=to.addr_spec,
        recipient_name=to.display_name,
        subject=one_line(subject, max_length=300),
        body_text=rendered.text,
        body_html=rendered.html,
        calendar=calendar,
        calendar_method=method or "",
        meeting_id=meeting.id,
    )


def secretariat_draft(
    *,
    key: str,
    kind: NotificationKind,
    template: str,
    subject: Text,
    settings: Settings,
    meeting: Meeting | None = None,
    **context: Any,
) -> Draft:
    """An alert for the secretariat (settings.secretariat_email, else the sender's address)."""
    to = secretariat(settings)
    with force_locale(settings.default_language):
        subject = str(subject)
        if meeting is not None:
            context.update(
                meeting=meeting,
                when=when(meeting),
                where=where(meeting),
                url=meeting_url(public_base_url(settings), meeting),
            )
        else:
            context.setdefault("url", public_base_url(settings))
        rendered = render(template, subject=subject, **context)
    return Draft(
        key=key,
        kind=kind,
        recipient=to.addr_spec,
        recipient_name=to.display_name,
        subject=one_line(subject, max_length=300),
        body_text=rendered.text,
        body_html=rendered.html,
        meeting_id=meeting.id if meeting is not None else None,
    )
