"""The demo's cast and calendar: organisations, people, users, a consultation agenda and the
EU meetings the UK is invited to. Plain tables, so that the seeding code stays short."""

from __future__ import annotations

from dataclasses import dataclass

from app.agendas.models import ItemVisibility, Purpose
from app.auth.models import Role
from app.invitations.models import InvitationScope, InvitationStatus
from app.meetings.models import DelegateRole
from app.people.models import Side

EXTRA_TOPICS = (
    ("ukraine", "Ukraine", "Ukraine"),
    ("hybrid-threats", "Hybrid threats", "Menaces hybrides"),
    ("military-mobility", "Military mobility", "Mobilité militaire"),
    ("indo-pacific", "Indo-Pacific", "Indo-Pacifique"),
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
# Each consultation's delegation: person key (the e-mail's local part) and role.
CONSULTATION_DELEGATION = (
    ("foreign.secretary", DelegateRole.PRINCIPAL),
    ("political.director", DelegateRole.ADVISER),
    ("europe.director", DelegateRole.ADVISER),
    ("notes.uk", DelegateRole.NOTE_TAKER),
    ("hrvp", DelegateRole.PRINCIPAL),
    ("secgen", DelegateRole.ADVISER),
    ("md.europe", DelegateRole.ADVISER),
    ("notes.eu", DelegateRole.NOTE_TAKER),
)
CONSULTATION_VENUES = {
    "London": ("Europe/London", "Lancaster House"),
    "Brussels": ("Europe/Brussels", "EEAS Headquarters, Rond-Point Schuman"),
}
# Papers tabled under a consultation's items: reference ("{yy}" is the meeting's year),
# revision, original language, title.
CONSULTATION_PAPERS = {
    "Russia's war against Ukraine": (("ENT 12/{yy}", 1, "en", "State of play"),),
    "Countering hybrid threats and sabotage": (
        ("ENT 14/{yy}", 0, "en", "Joint framework on hybrid threats"),
        ("WK 3071/{yy}", 2, "fr", "Options paper"),
    ),
    "Western Balkans: stability and enlargement": (("ENT 15/{yy}", 0, "en", "Background note"),),
}


@dataclass(frozen=True)
class EuMeetingPlan:
    """An EU meeting the UK is invited to, `days` after a month before today."""

    key: str
    kind: str
    title: str
    days: int
    hours: tuple[int, int]
    topics: tuple[str, ...]
    inviter: str  # organisation code
    scope: InvitationScope
    reply: InvitationStatus | None = None
    representative: str | None = None  # person key


EU_MEETINGS = (
    EuMeetingPlan(
        "fac",
        "foreign-affairs-council",
        "Foreign Affairs Council",
        44,
        (9, 17),
        ("russia", "ukraine"),
        "EU-GSC",
        InvitationScope.ITEMS,
        InvitationStatus.ACCEPTED,
        "foreign.secretary",
    ),
    EuMeetingPlan(
        "psc",
        "political-security-committee",
        "Political and Security Committee",
        37,
        (10, 13),
        ("western-balkans",),
        "EU-PSC",
        InvitationScope.LUNCH,
    ),
    EuMeetingPlan(
        "euco",
        "european-council",
        "European Council",
        52,
        (10, 20),
        ("ukraine", "russia"),
        "EU-GSC",
        InvitationScope.ITEMS,
        InvitationStatus.TENTATIVE,
    ),
    EuMeetingPlan(
        "gymnich",
        "informal-ministerial",
        "Informal meeting of foreign ministers (Gymnich)",
        70,
        (9, 15),
        ("east-asia", "indo-pacific"),
        "EU-EEAS",
        InvitationScope.WHOLE,
    ),
    EuMeetingPlan(
        "exercise",
        "crisis-management-exercise",
        "EU Integrated Resolve crisis-management exercise",
        60,
        (8, 18),
        ("hybrid-threats",),
        "EU-EEAS",
        InvitationScope.WHOLE,
        InvitationStatus.DECLINED,
    ),
    EuMeetingPlan(
        "csdp",
        "csdp-planning",
        "CSDP planning conference: EUFOR Althea",
        48,
        (10, 16),
        ("western-balkans", "military-mobility"),
        "EU-EUMS",
        InvitationScope.WHOLE,
        InvitationStatus.ACCEPTED,
        "defence.policy",
    ),
    EuMeetingPlan(
        "wg",
        "working-group",
        "Working group on military mobility",
        20,
        (14, 17),
        ("military-mobility",),
        "EU-EEAS",
        InvitationScope.WHOLE,
        InvitationStatus.ACCEPTED,
        "ambassador",
    ),
)
# Every EU meeting's agenda: title ("{title}" is the meeting's), purpose, lead, minutes.
EU_AGENDA = (
    ("Adoption of the agenda", Purpose.DECISION, "", 5),
    ("{title}: current developments", Purpose.DISCUSSION, "High Representative", 90),
    ("Exchange of views with the United Kingdom", Purpose.DISCUSSION, "EEAS", 45),
    ("Any other business", Purpose.INFORMATION, "", 10),
)
UK_ITEM = 2  # the EU agenda's item the UK is invited to, when invited to items only
