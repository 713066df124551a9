"""Demo data: two years of consultations, EU meetings with invitations and agendas.

Every record is found by a natural key before it is created, so seeding twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas.models import AgendaItem
from app.agendas.papers import add_paper
from app.agendas.services import AgendaItemInput, add_item
from app.agendas.versions import circulate
from app.auth import services as auth
from app.auth.models import User
from app.demo.data import (
    CONSULTATION_AGENDA,
    CONSULTATION_DELEGATION,
    CONSULTATION_PAPERS,
    CONSULTATION_VENUES,
    DEMO_USERS,
    EU_AGENDA,
    EU_MEETINGS,
    EXTRA_TOPICS,
    ORGANISATIONS,
    PEOPLE,
    UK_ITEM,
    EuMeetingPlan,
)
from app.invitations.models import InvitationScope
from app.invitations.services import InvitationInput, issue_invitation, reply_to_invitation
from app.meetings import catalogue
from app.meetings.delegations import add_participant
from app.meetings.models import Access, Marking, Meeting, MeetingSeries, MeetingStatus
from app.meetings.services import MeetingInput, create_meeting
from app.people import services as people
from app.people.models import Organisation, Person
from app.topics import services as topics
from app.topics.models import TopicArea

BRUSSELS = "Europe/Brussels"


@dataclass
class SeedSummary:
    meetings_created: int
    users_created: int

    def __str__(self) -> str:
        return (
            f"Demo data ready ({self.meetings_created} meetings, {self.users_created} users added)"
        )


@dataclass(frozen=True)
class _Cast:
    organisations: dict[str, Organisation]
    staff: dict[str, Person]  # by the e-mail's local part


def seed_demo(session: Session, *, today: date, admin_password: str) -> SeedSummary:
    """Seed the demo once: a second run finds every record and adds nothing."""
    catalogue.ensure_default_kinds(session)
    topics.ensure_default_topics(session)
    for slug, name, name_fr in EXTRA_TOPICS:
        if session.scalar(select(TopicArea.id).where(TopicArea.slug == slug)) is None:
            topics.create_topic(session, None, slug, name, name_fr=name_fr)
    orgs = _organisations(session)
    cast = _Cast(orgs, _people(session, orgs))
    users_created = _users(session, admin_password)
    created = _consultations(session, cast, today) + _eu_meetings(session, cast, today)
    _unavailable_dates(session, today)
    return SeedSummary(created, users_created)


def _organisations(session: Session) -> dict[str, Organisation]:
    found = {o.code: o for o in session.scalars(select(Organisation))}
    for code, name, side, parent in ORGANISATIONS:
        if code not in found:
            parent_id = found[parent].id if parent else None
            found[code] = people.create_organisation(session, None, code, name, side, parent_id)
    return found


def _people(session: Session, orgs: dict[str, Organisation]) -> dict[str, Person]:
    found = {p.email: p for p in session.scalars(select(Person)) if p.email}
    for email, honorific, name, position, org in PEOPLE:
        if email not in found:
            found[email] = people.create_person(
                session,
                None,
                name,
                orgs[org].id,
                honorific=honorific,
                position=position,
                email=email,
            )
    return {email.split("@")[0]: person for email, person in found.items()}


def _users(session: Session, password: str) -> int:
    existing = set(session.scalars(select(User.email)))
    created = 0
    for email, role, name in DEMO_USERS:
        if email not in existing:
            auth.create_user(session, None, email, role, password=password, name=name)
            created += 1
    return created


def _consultations(session: Session, cast: _Cast, today: date) -> int:
    if _exists(session, "strategic-consultations"):
        return 0
    series = catalogue.create_series(
        session,
        None,
        "strategic-consultations",
        "UK–EU strategic consultation",
        "strategic-consultation",
        cadence_months=6,
        host_rotation=["London", "Brussels"],
        starts_on=date(today.year - 1, 1, 1),
    )
    rounds = _consultation_rounds(today)
    for half_year, city, day, status in rounds:
        meeting = _consultation(session, series.id, half_year, city, day, status)
        for key, role in CONSULTATION_DELEGATION:
            add_participant(session, None, meeting.id, cast.staff[key].id, role=role)
        _consultation_agenda(session, meeting)
        circulate(session, None, meeting.id, note="Provisional agenda for comment.")
        if day < today:
            circulate(session, None, meeting.id, final=True)
    return len(rounds)


def _consultation_rounds(today: date) -> list[tuple[str, str, date, MeetingStatus]]:
    """Five rounds from last year on; the second half of next year is left without one, so
    the gap shows on the planning page."""
    first = today.year - 1
    this_autumn = _next_weekday(max(today + timedelta(days=12), date(first + 1, 7, 1)))
    confirmed, tentative = MeetingStatus.CONFIRMED, MeetingStatus.TENTATIVE
    return [
        (f"{first}-H1", "London", date(first, 3, 18), confirmed),
        (f"{first}-H2", "Brussels", date(first, 10, 14), confirmed),
        (f"{first + 1}-H1", "London", date(first + 1, 3, 24), confirmed),
        (f"{first + 1}-H2", "Brussels", this_autumn, confirmed),
        (f"{first + 2}-H1", "London", date(first + 2, 3, 16), tentative),
    ]


def _consultation(
    session: Session, series_id: int, half_year: str, city: str, day: date, status: MeetingStatus
) -> Meeting:
    zone, venue = CONSULTATION_VENUES[city]
    return create_meeting(
        session,
        None,
        MeetingInput(
            title=f"UK–EU strategic consultation ({city})",
            kind="strategic-consultation",
            start=datetime.combine(day, time(10, 0)),
            end=datetime.combine(day, time(16, 30)),
            timezone=zone,
            venue=venue,
            host_city=city,
            status=status,
            marking=Marking.OFFICIAL_SENSITIVE,
            access=Access.INTERNAL,
            topics=["russia", "western-balkans", "east-asia"],
            series=series_id,
            planned_half=half_year,
            description=(
                "Semi-annual strategic consultation between the Foreign Secretary"
                " and the High Representative."
            ),
        ),
    ).meeting


def _consultation_agenda(session: Session, meeting: Meeting) -> None:
    """The standard agenda; titles indented by two spaces are sub-items of the one above."""
    topic_ids = {t.slug: t.id for t in session.scalars(select(TopicArea))}
    parent_id = None
    for title, purpose, lead, minutes, visibility, topic in CONSULTATION_AGENDA:
        nested = title.startswith("  ")
        item = add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title=title.strip(),
                purpose=purpose,
                lead_text=lead,
                duration_minutes=minutes,
                visibility=visibility,
                topic_id=topic_ids.get(topic) if topic else None,
            ),
            parent_id=parent_id if nested else None,
        )
        _table_papers(session, item, f"{meeting.start_utc:%y}")
        if not nested:
            parent_id = item.id


def _table_papers(session: Session, item: AgendaItem, year: str) -> None:
    for reference, revision, language, title in CONSULTATION_PAPERS.get(item.title, ()):
        add_paper(
            session,
            None,
            item.id,
            reference.format(yy=year),
            revision=revision,
            original_language=language,
            title=title,
        )


def _eu_meetings(session: Session, cast: _Cast, today: date) -> int:
    if session.scalar(select(Meeting.id).where(Meeting.uid.like("demo-eu-%"))):
        return 0
    for plan in EU_MEETINGS:
        _eu_meeting(session, cast, plan, today)
    return len(EU_MEETINGS)


def _eu_meeting(session: Session, cast: _Cast, plan: EuMeetingPlan, today: date) -> None:
    day = _next_weekday(today - timedelta(days=30) + timedelta(days=plan.days))
    meeting = create_meeting(
        session,
        None,
        MeetingInput(
            title=plan.title,
            kind=plan.kind,
            start=datetime.combine(day, time(plan.hours[0])),
            end=datetime.combine(day, time(plan.hours[1])),
            timezone=BRUSSELS,
            venue="Europa building, Brussels",
            host_city="Brussels",
            status=MeetingStatus.CONFIRMED,
            marking=Marking.LIMITE,
            access=Access.RESTRICTED if plan.key == "euco" else Access.INTERNAL,
            topics=list(plan.topics),
        ),
    ).meeting
    meeting.uid = f"demo-eu-{plan.key}-{day.isoformat()}@entente"
    items = [
        add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title=title.format(title=plan.title),
                purpose=purpose,
                lead_text=lead,
                duration_minutes=minutes,
            ),
        )
        for title, purpose, lead, minutes in EU_AGENDA
    ]
    _invite_the_uk(session, cast, plan, meeting, items[UK_ITEM], today)
    session.flush()


def _invite_the_uk(
    session: Session,
    cast: _Cast,
    plan: EuMeetingPlan,
    meeting: Meeting,
    uk_item: AgendaItem,
    today: date,
) -> None:
    now = datetime.now(UTC)
    start_utc = meeting.start_utc
    nine_days_on = datetime.combine(today + timedelta(days=9), time(17), tzinfo=ZoneInfo(BRUSSELS))
    deadline = min(start_utc - timedelta(days=3), nine_days_on.astimezone(UTC))
    invitation = issue_invitation(
        session,
        None,
        InvitationInput(
            meeting_id=meeting.id,
            inviter_id=cast.organisations[plan.inviter].id,
            invitee_id=cast.organisations["UK-FCDO"].id,
            scope=plan.scope,
            agenda_item_ids=[uk_item.id] if plan.scope is InvitationScope.ITEMS else [],
            reply_deadline=deadline if deadline > now - timedelta(days=60) else None,
            message=f"The United Kingdom is invited to take part in the {plan.title}.",
        ),
        # A meeting already held had its invitation issued three weeks before it.
        issued_at=start_utc - timedelta(days=21) if meeting.end_utc <= now else None,
    )
    if plan.reply is not None:
        rep = cast.staff[plan.representative].id if plan.representative else None
        reply_to_invitation(session, None, invitation.id, plan.reply, representative_id=rep)


def _unavailable_dates(session: Session, today: date) -> None:
    for year in (today.year, today.year + 1):
        for day, reason in (
            (date(year, 12, 25), "Christmas Day"),
            (date(year, 12, 26), "Boxing Day"),
            (date(year, 1, 1), "New Year's Day"),
        ):
            if day not in {row.day for row in catalogue.list_unavailable_dates(session, day, day)}:
                catalogue.mark_unavailable(session, None, day, reason)


def _exists(session: Session, series_slug: str) -> bool:
    return (
        session.scalar(select(MeetingSeries.id).where(MeetingSeries.slug == series_slug))
        is not None
    )


def _next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
