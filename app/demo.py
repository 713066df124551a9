"""Demo data: two years of consultations, EU meetings with invitations and agendas.

Every record is found by a natural key before it is created, so seeding twice changes nothing.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.agendas.models import ItemVisibility, Purpose
from app.agendas.papers import add_paper
from app.agendas.services import AgendaItemInput, add_item
from app.agendas.versions import circulate
from app.audit import services as audit
from app.auth import services as auth
from app.auth.models import Role, User
from app.invitations.models import InvitationScope, InvitationStatus
from app.invitations.services import InvitationInput, issue_invitation, reply_to_invitation
from app.meetings import catalogue
from app.meetings.delegations import add_participant
from app.meetings.models import (
    Access,
    DelegateRole,
    Marking,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    meeting_topics,
)
from app.meetings.services import MeetingInput, create_meeting
from app.people import services as people
from app.people.models import Organisation, Person, Side
from app.topics import services as topics
from app.topics.models import TopicArea

EXTRA_TOPICS = (
    ("ukraine", "Ukraine"),
    ("hybrid-threats", "Hybrid threats"),
    ("military-mobility", "Military mobility"),
    ("indo-pacific", "Indo-Pacific"),
)
ORGANISATIONS = (
    ("UK-FCDO", "Foreign, Commonwealth & Development Office", Side.UK, None),
    ("UK-MOD", "Ministry of Defence", Side.UK, None),
    ("UK-CO", "Cabinet Office", Side.UK, None),
    ("UK-MISSION", "UK Mission to the European Union", Side.UK, "UK-FCDO"),
    ("EU-EEAS", "European External Action Service", Side.EU, None),
    ("EU-GSC", "General Secretariat of the Council", Side.EU, None),
    ("EU-COM", "European Commission", Side.EU, None),
    ("EU-PSC", "Political and Security Committee", Side.EU, "EU-GSC"),
    ("EU-EUMS", "EU Military Staff", Side.EU, "EU-EEAS"),
)
# e-mail, honorific, name, position, organisation
PEOPLE = (
    ("foreign.secretary@fcdo.example", "Rt Hon", "Eleanor Hartley", "Foreign Secretary", "UK-FCDO"),
    ("political.director@fcdo.example", "", "James Whitcombe", "Political Director", "UK-FCDO"),
    ("europe.director@fcdo.example", "", "Priya Raman", "Director, Europe", "UK-FCDO"),
    ("notes.uk@fcdo.example", "", "Tom Aldridge", "Private Secretary", "UK-FCDO"),
    ("ambassador@ukmission.example", "", "Catherine Lowe", "UK Ambassador to the EU", "UK-MISSION"),
    ("defence.policy@mod.example", "", "Col. Daniel Okafor", "Director, Defence Policy", "UK-MOD"),
    ("hrvp@eeas.example", "", "Marta Lindqvist", "High Representative / Vice-President", "EU-EEAS"),
    ("secgen@eeas.example", "", "Luc Moreau", "Secretary-General", "EU-EEAS"),
    ("md.europe@eeas.example", "", "Anna Kowalska", "Managing Director, Europe", "EU-EEAS"),
    ("notes.eu@eeas.example", "", "Jonas Weber", "Policy Officer", "EU-EEAS"),
    ("psc.chair@gsc.example", "", "Sofia Ricci", "PSC Chair", "EU-PSC"),
    (
        "dg.eums@eeas.example",
        "",
        "Gen. Pieter de Vries",
        "Director General, EU Military Staff",
        "EU-EUMS",
    ),
)
DEMO_USERS = (
    ("admin@entente.example", Role.ADMIN, "Secretariat Administrator"),
    ("editor@entente.example", Role.EDITOR, "Secretariat Officer"),
    ("viewer@entente.example", Role.VIEWER, "Private Office Reader"),
)
CONSULTATION_AGENDA = (
    (
        "Opening remarks and adoption of the agenda",
        Purpose.INFORMATION,
        "Co-chairs",
        10,
        ItemVisibility.ALL,
        None,
    ),
    ("Russia's war against Ukraine", Purpose.DISCUSSION, "EEAS", 60, ItemVisibility.ALL, "russia"),
    (
        "  Sanctions and their enforcement",
        Purpose.DISCUSSION,
        "FCDO",
        30,
        ItemVisibility.ALL,
        "russia",
    ),
    (
        "  Countering hybrid threats and sabotage",
        Purpose.DECISION,
        "EEAS",
        30,
        ItemVisibility.ALL,
        "hybrid-threats",
    ),
    (
        "Western Balkans: stability and enlargement",
        Purpose.DISCUSSION,
        "EEAS",
        45,
        ItemVisibility.ALL,
        "western-balkans",
    ),
    (
        "East Asia and the Indo-Pacific",
        Purpose.DISCUSSION,
        "FCDO",
        45,
        ItemVisibility.ALL,
        "east-asia",
    ),
    (
        "UK line to take on participation in CSDP missions",
        Purpose.INFORMATION,
        "FCDO",
        15,
        ItemVisibility.UK,
        None,
    ),
    (
        "Working lunch: crisis-management cooperation",
        Purpose.DISCUSSION,
        "Co-chairs",
        60,
        ItemVisibility.ALL,
        None,
    ),
    ("Any other business", Purpose.INFORMATION, "", 10, ItemVisibility.ALL, None),
)


@dataclass
class SeedSummary:
    meetings_created: int
    users_created: int

    def __str__(self) -> str:
        return (
            f"Demo data ready ({self.meetings_created} meetings, {self.users_created} users added)"
        )


def seed_demo(session: Session, *, today: date, admin_password: str) -> SeedSummary:
    catalogue.ensure_default_kinds(session)
    topics.ensure_default_topics(session)
    for slug, name in EXTRA_TOPICS:
        if session.scalar(select(TopicArea.id).where(TopicArea.slug == slug)) is None:
            topics.create_topic(session, None, slug, name)
    orgs = _organisations(session)
    staff = _people(session, orgs)
    users_created = _users(session, admin_password)
    created = _consultations(session, staff, today) + _eu_meetings(session, orgs, staff, today)
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


def _consultations(session: Session, staff: dict[str, Person], today: date) -> int:
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
    first_year = today.year - 1
    rounds = [
        (first_year, 1, "London", date(first_year, 3, 18), MeetingStatus.CONFIRMED),
        (first_year, 2, "Brussels", date(first_year, 10, 14), MeetingStatus.CONFIRMED),
        (first_year + 1, 1, "London", date(first_year + 1, 3, 24), MeetingStatus.CONFIRMED),
        (
            first_year + 1,
            2,
            "Brussels",
            _next_weekday(max(today + timedelta(days=12), date(first_year + 1, 7, 1))),
            MeetingStatus.CONFIRMED,
        ),
        (first_year + 2, 1, "London", date(first_year + 2, 3, 16), MeetingStatus.TENTATIVE),
    ]
    # The second half of next year is left without a consultation, so the gap shows.
    for year, half, city, day, status in rounds:
        zone = "Europe/London" if city == "London" else "Europe/Brussels"
        venue = "Lancaster House" if city == "London" else "EEAS Headquarters, Rond-Point Schuman"
        meeting = create_meeting(
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
                series=series.id,
                planned_half=f"{year}-H{half}",
                description=(
                    "Semi-annual strategic consultation between the Foreign Secretary"
                    " and the High Representative."
                ),
            ),
        ).meeting
        delegation = [
            ("foreign.secretary", DelegateRole.PRINCIPAL),
            ("political.director", DelegateRole.ADVISER),
            ("europe.director", DelegateRole.ADVISER),
            ("notes.uk", DelegateRole.NOTE_TAKER),
            ("hrvp", DelegateRole.PRINCIPAL),
            ("secgen", DelegateRole.ADVISER),
            ("md.europe", DelegateRole.ADVISER),
            ("notes.eu", DelegateRole.NOTE_TAKER),
        ]
        for key, role in delegation:
            add_participant(session, None, meeting.id, staff[key].id, role=role)
        _agenda(session, meeting)
        circulate(session, None, meeting.id, note="Provisional agenda for comment.")
        if day < today:
            circulate(session, None, meeting.id, final=True)
    return len(rounds)


def _eu_meetings(
    session: Session, orgs: dict[str, Organisation], staff: dict[str, Person], today: date
) -> int:
    if session.scalar(select(Meeting.id).where(Meeting.uid.like("demo-eu-%"))):
        return 0
    base = today - timedelta(days=30)
    plans: list[dict[str, Any]] = [
        {
            "key": "fac",
            "kind": "foreign-affairs-council",
            "title": "Foreign Affairs Council",
            "day": base + timedelta(days=44),
            "hours": (9, 17),
            "topics": ["russia", "ukraine"],
            "inviter": "EU-GSC",
            "scope": InvitationScope.ITEMS,
            "reply": InvitationStatus.ACCEPTED,
            "rep": "foreign.secretary",
        },
        {
            "key": "psc",
            "kind": "political-security-committee",
            "title": "Political and Security Committee",
            "day": base + timedelta(days=37),
            "hours": (10, 13),
            "topics": ["western-balkans"],
            "inviter": "EU-PSC",
            "scope": InvitationScope.LUNCH,
            "reply": None,
            "rep": None,
        },
        {
            "key": "euco",
            "kind": "european-council",
            "title": "European Council",
            "day": base + timedelta(days=52),
            "hours": (10, 20),
            "topics": ["ukraine", "russia"],
            "inviter": "EU-GSC",
            "scope": InvitationScope.ITEMS,
            "reply": InvitationStatus.TENTATIVE,
            "rep": None,
        },
        {
            "key": "gymnich",
            "kind": "informal-ministerial",
            "title": "Informal meeting of foreign ministers (Gymnich)",
            "day": base + timedelta(days=70),
            "hours": (9, 15),
            "topics": ["east-asia", "indo-pacific"],
            "inviter": "EU-EEAS",
            "scope": InvitationScope.WHOLE,
            "reply": None,
            "rep": None,
        },
        {
            "key": "exercise",
            "kind": "crisis-management-exercise",
            "title": "EU Integrated Resolve crisis-management exercise",
            "day": base + timedelta(days=60),
            "hours": (8, 18),
            "topics": ["hybrid-threats"],
            "inviter": "EU-EEAS",
            "scope": InvitationScope.WHOLE,
            "reply": InvitationStatus.DECLINED,
            "rep": None,
        },
        {
            "key": "csdp",
            "kind": "csdp-planning",
            "title": "CSDP planning conference: EUFOR Althea",
            "day": base + timedelta(days=48),
            "hours": (10, 16),
            "topics": ["western-balkans", "military-mobility"],
            "inviter": "EU-EUMS",
            "scope": InvitationScope.WHOLE,
            "reply": InvitationStatus.ACCEPTED,
            "rep": "defence.policy",
        },
        {
            "key": "wg",
            "kind": "working-group",
            "title": "Working group on military mobility",
            "day": base + timedelta(days=20),
            "hours": (14, 17),
            "topics": ["military-mobility"],
            "inviter": "EU-EEAS",
            "scope": InvitationScope.WHOLE,
            "reply": InvitationStatus.ACCEPTED,
            "rep": "ambassador",
        },
    ]
    for plan in plans:
        _eu_meeting(session, orgs, staff, plan, today)
    return len(plans)


def _eu_meeting(
    session: Session,
    orgs: dict[str, Organisation],
    staff: dict[str, Person],
    plan: dict[str, Any],
    today: date,
) -> None:
    day = _next_weekday(plan["day"])
    meeting = create_meeting(
        session,
        None,
        MeetingInput(
            title=plan["title"],
            kind=plan["kind"],
            start=datetime.combine(day, time(plan["hours"][0])),
            end=datetime.combine(day, time(plan["hours"][1])),
            timezone="Europe/Brussels",
            venue="Europa building, Brussels",
            host_city="Brussels",
            status=MeetingStatus.CONFIRMED,
            marking=Marking.LIMITE,
            access=Access.RESTRICTED if plan["key"] == "euco" else Access.INTERNAL,
            topics=plan["topics"],
        ),
    ).meeting
    meeting.uid = f"demo-eu-{plan['key']}-{day.isoformat()}@entente"
    items = [
        add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title="Adoption of the agenda", purpose=Purpose.DECISION, duration_minutes=5
            ),
        ),
        add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title=f"{plan['title']}: current developments",
                purpose=Purpose.DISCUSSION,
                lead_text="High Representative",
                duration_minutes=90,
            ),
        ),
        add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title="Exchange of views with the United Kingdom",
                purpose=Purpose.DISCUSSION,
                lead_text="EEAS",
                duration_minutes=45,
            ),
        ),
        add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title="Any other business", purpose=Purpose.INFORMATION, duration_minutes=10
            ),
        ),
    ]
    start_utc = meeting.start_utc
    deadline = min(
        start_utc - timedelta(days=3),
        datetime.combine(
            today + timedelta(days=9), time(17), tzinfo=ZoneInfo("Europe/Brussels")
        ).astimezone(UTC),
    )
    invitation = issue_invitation(
        session,
        None,
        InvitationInput(
            meeting_id=meeting.id,
            inviter_id=orgs[plan["inviter"]].id,
            invitee_id=orgs["UK-FCDO"].id,
            scope=plan["scope"],
            agenda_item_ids=[items[2].id] if plan["scope"] is InvitationScope.ITEMS else [],
            reply_deadline=deadline if deadline > datetime.now(UTC) - timedelta(days=60) else None,
            message=f"The United Kingdom is invited to take part in the {plan['title']}.",
        ),
        # A meeting already held had its invitation issued three weeks before it.
        issued_at=start_utc - timedelta(days=21) if meeting.end_utc <= datetime.now(UTC) else None,
    )
    if plan["reply"] is not None:
        rep = staff[plan["rep"]].id if plan["rep"] else None
        reply_to_invitation(session, None, invitation.id, plan["reply"], representative_id=rep)
    session.flush()


def _agenda(session: Session, meeting: Meeting) -> None:
    topic_ids = {t.slug: t.id for t in session.scalars(select(TopicArea))}
    year = f"{meeting.start_utc:%y}"
    papers = {
        "Russia's war against Ukraine": [(f"ENT 12/{year}", 1, "en", "State of play")],
        "Countering hybrid threats and sabotage": [
            (f"ENT 14/{year}", 0, "en", "Joint framework on hybrid threats"),
            (f"WK 3071/{year}", 2, "fr", "Options paper"),
        ],
        "Western Balkans: stability and enlargement": [
            (f"ENT 15/{year}", 0, "en", "Background note")
        ],
    }
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
        for reference, revision, language, paper_title in papers.get(item.title, []):
            add_paper(
                session,
                None,
                item.id,
                reference,
                revision=revision,
                original_language=language,
                title=paper_title,
            )
        if not nested:
            parent_id = item.id


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


SYNTHETIC_CITIES = (
    ("Brussels", "Europe/Brussels"),
    ("London", "Europe/London"),
    ("Luxembourg", "Europe/Luxembourg"),
    ("Strasbourg", "Europe/Paris"),
)


def seed_synthetic(session: Session, count: int, *, batch: int = 2000) -> int:
    """Bulk-insert `count` plausible meetings for benchmarks (one audit entry for the batch)."""
    catalogue.ensure_default_kinds(session)
    topics.ensure_default_topics(session)
    kinds = list(session.scalars(select(MeetingKind)))
    topic_ids = list(session.scalars(select(TopicArea.id)))
    offset = session.scalar(select(func.count()).select_from(Meeting)) or 0
    rng = random.Random(offset)
    now = datetime.now(UTC)
    origin = now.replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=365)
    for first in range(0, count, batch):
        rows = [
            _synthetic_row(rng, kinds, origin, now, offset + n)
            for n in range(first, min(first + batch, count))
        ]
        ids = list(session.scalars(insert(Meeting).returning(Meeting.id), rows))
        links = [
            {"meeting_id": mid, "topic_id": tid}
            for mid in ids
            for tid in rng.sample(topic_ids, k=min(2, len(topic_ids)))
        ]
        if links:
            session.execute(insert(meeting_topics), links)
    audit.record(
        session,
        None,
        "meeting.synthetic_seeded",
        "meeting",
        None,
        f"{count} synthetic meetings added",
        {"count": count},
    )
    return count


def _synthetic_row(
    rng: random.Random, kinds: list[MeetingKind], origin: datetime, now: datetime, n: int
) -> dict[str, Any]:
    kind = rng.choice(kinds)
    city, zone = rng.choice(SYNTHETIC_CITIES)
    start = origin + timedelta(days=rng.randrange(0, 730), hours=rng.randrange(0, 9))
    return {
        "uid": f"synthetic-{uuid.uuid4()}@entente",
        "title": f"{kind.name} #{n + 1} ({city})",
        "kind_id": kind.id,
        "status": rng.choice(
            [
                MeetingStatus.CONFIRMED,
                MeetingStatus.CONFIRMED,
                MeetingStatus.TENTATIVE,
                MeetingStatus.CANCELLED,
            ]
        ),
        "start_utc": start,
        "end_utc": start + timedelta(minutes=kind.default_duration_minutes),
        "timezone": zone,
        "venue": f"{city} conference centre",
        "host_city": city,
        "marking": Marking.OFFICIAL,
        "access": rng.choice([Access.INTERNAL, Access.INTERNAL, Access.PUBLIC, Access.RESTRICTED]),
        "language": "en",
        "description": "",
        "sequence": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
