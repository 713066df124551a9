"""Circulating agendas: frozen, numbered versions with a change summary, and comparisons.

The live items are always the draft. Circulating freezes them (and the meeting's heading:
title, time, venue, marking) as JSON; a circulated version is never updated (a database
trigger refuses it), so its documents read the same forever. Editing after circulation simply
changes the draft again, which the next circulation freezes as a new version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.agendas import rules
from app.agendas.models import AgendaVersion, VersionStage
from app.agendas.numbering import NumberedItem, number_items
from app.agendas.services import editable_meeting, items_of
from app.agendas.source import AgendaSource, ItemRow, live_source
from app.audit import services as audit
from app.audit.actions import AuditAction
from app.core import clock, validation
from app.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from app.core.timezones import utc_to_local
from app.meetings.locking import lock_meeting
from app.meetings.services import get_meeting

if TYPE_CHECKING:
    from app.auth.models import User


def draft_source(session: Session, meeting_id: int) -> AgendaSource:
    """The agenda as it stands now (not circulated), as an export source."""
    meeting = get_meeting(session, meeting_id)
    return live_source(meeting, items_of(session, meeting.id))


def version_source(version: AgendaVersion) -> AgendaSource:
    """A circulated version's frozen snapshot, as an export source."""
    return AgendaSource.from_json(version.snapshot)


def list_versions(session: Session, meeting_id: int) -> Sequence[AgendaVersion]:
    """A meeting's circulated versions, oldest first."""
    return session.scalars(
        select(AgendaVersion)
        .where(AgendaVersion.meeting_id == meeting_id)
        .order_by(AgendaVersion.number)
    ).all()


def latest_version(session: Session, meeting_id: int) -> AgendaVersion | None:
    """The last version circulated, or None."""
    return session.scalar(
        select(AgendaVersion)
        .where(AgendaVersion.meeting_id == meeting_id)
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    )


def get_version(session: Session, meeting_id: int, number: int) -> AgendaVersion:
    """Version `number` of a meeting; NotFound otherwise."""
    version = session.scalar(
        select(AgendaVersion).where(
            AgendaVersion.meeting_id == meeting_id, AgendaVersion.number == number
        )
    )
    if version is None:
        raise NotFound(_("This agenda has no version %(number)s", number=number), field="version")
    return version


def draft_changes(session: Session, meeting_id: int) -> list[str] | None:
    """What the draft changes against the latest version; None when nothing was circulated."""
    latest = latest_version(session, meeting_id)
    if latest is None:
        return None
    return describe_changes(version_source(latest), draft_source(session, meeting_id))


@dataclass(frozen=True)
class Circulation:
    """What circulating the draft now would make: shown for confirmation, then stored."""

    number: int
    stage: VersionStage
    revision: int
    changes: list[str]
    source: AgendaSource
    note: str


def next_stage(finals: int, *, final: bool = False) -> tuple[VersionStage, int]:
    """The stage and revision of the next version, given how many final ones (the final
    agenda and its revisions) exist: provisional until one is final, then REV 1, REV 2..."""
    if final and finals:
        raise InvalidTransition(
            _("The final agenda has been circulated; circulate a revision instead"), field="final"
        )
    if final:
        return VersionStage.FINAL, 0
    return (VersionStage.REVISION, finals) if finals else (VersionStage.PROVISIONAL, 0)


def prepare_circulation(
    session: Session, actor: User | None, meeting_id: int, *, final: bool = False, note: str = ""
) -> Circulation:
    """The version circulating would make, or the reason it cannot be made (the same errors
    as `circulate`); changes nothing, so a page can ask for confirmation first."""
    rules.require_both_sides(session, actor, _("Circulating the agenda"))
    meeting = editable_meeting(session, meeting_id)
    note = validation.text(note, "note", max_length=1000, required=False)
    source = draft_source(session, meeting.id)
    if not source.items:
        raise ValidationError(_("Add at least one item before circulating"), field="items")
    latest = latest_version(session, meeting.id)
    finals = session.scalar(
        select(func.count())
        .select_from(AgendaVersion)
        .where(AgendaVersion.meeting_id == meeting.id, AgendaVersion.stage != "provisional")
    )
    stage, revision = next_stage(int(finals or 0), final=final)
    changes = (
        describe_changes(version_source(latest), source)
        if latest is not None
        else [_first_circulation(len(_numbered(source)))]
    )
    if latest is not None and not changes and stage is not VersionStage.FINAL:
        raise ValidationError(
            _("Nothing has changed since version %(number)s", number=latest.number), field="changes"
        )
    if latest is not None and not changes:
        changes = [f"Version {latest.number} confirmed as the final agenda"]
    number = (latest.number + 1) if latest else 1
    return Circulation(number, stage, revision, changes, source, note)


def circulate(
    session: Session,
    actor: User | None,
    meeting_id: int,
    *,
    final: bool = False,
    note: str = "",
    pack_link: bool = False,
) -> AgendaVersion:
    """Freeze the draft as the next version: provisional until one is final, then revisions.

    The meeting is locked first, so two circulations at once (page, API, CLI) queue: the second
    numbers its version after the first, or finds nothing changed, rather than both taking the
    same number. It circulates both sides' items: not for one side's delegates. `pack_link`
    asks the announcement e-mail (app/meetings/tasks.py) to link to the briefing packs."""
    rules.require_both_sides(session, actor, _("Circulating the agenda"))
    lock_meeting(session, meeting_id)
    plan = prepare_circulation(session, actor, meeting_id, final=final, note=note)
    stage, changes = plan.stage, plan.changes
    version = AgendaVersion(
        meeting_id=meeting_id,
        number=plan.number,
        stage=stage,
        revision=plan.revision,
        circulated_at=clock.now(),
        circulated_by_id=actor.id if actor else None,
        circulated_by=actor.email if actor else "system",
        note=plan.note,
        changes=changes,
        snapshot=plan.source.to_json(),
    )
    session.add(version)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.AGENDA_CIRCULATED,
        "meeting",
        meeting_id,
        f"Agenda version {version.number} ({version_title(version)}) circulated",
        {"version": version.number, "stage": stage, "changes": changes}
        | ({"pack_link": True} if pack_link else {}),
    )
    return version


def changes_for(session: Session, version: AgendaVersion, side: str | None) -> list[str]:
    """Version `version`'s change summary as `side` may read it: the stored joint summary for
    the secretariat (None), else one worked out from the snapshots for that side's edition."""
    if side is None:
        return list(version.changes)
    new = version_source(version)
    previous = session.scalar(
        select(AgendaVersion)
        .where(
            AgendaVersion.meeting_id == version.meeting_id,
            AgendaVersion.number < version.number,
        )
        .order_by(AgendaVersion.number.desc())
        .limit(1)
    )
    if previous is None:
        return [_first_circulation(len(_numbered(new, side)))]
    return describe_changes(version_source(previous), new, side)


def _first_circulation(count: int) -> str:
    return f"First circulation: {count} item{'' if count == 1 else 's'}"


def version_title(version: AgendaVersion) -> str:
    """What the version is called on paper: provisional, final, or final REV n."""
    if version.stage is VersionStage.REVISION:
        return _("Final agenda REV %(revision)s", revision=version.revision)
    return _("Final agenda") if version.stage is VersionStage.FINAL else _("Provisional agenda")


def compare(session: Session, actor: User | None, meeting_id: int, old: int, new: int) -> list[str]:
    """What changed from version `old` to version `new` (either may be 0: the draft, for
    editors). The changes name both sides' items: not for one side's delegates."""
    if 0 in (old, new):
        rules.require_draft_reader(actor, _("Only editors may compare with the draft"), field="old")
    if rules.own_side(session, actor) is not None:
        raise PermissionDenied(_("Changes name both sides' items: not for one side's delegates"))

    def source(number: int) -> AgendaSource:
        if number == 0:
            return draft_source(session, meeting_id)
        return version_source(get_version(session, meeting_id, number))

    return describe_changes(source(old), source(new))


def describe_changes(old: AgendaSource, new: AgendaSource, side: str | None = None) -> list[str]:
    """A reader's summary of the differences, meeting heading first, then item by item.

    `side` ("uk" or "eu"): what that side's edition changed, naming only its own items and
    papers (an item moved out of its sight reads as removed); None: the joint summary."""
    changes = _head_changes(old, new)
    before = {n.item.id: n for n in _numbered(old, side)}
    after = {n.item.id: n for n in _numbered(new, side)}
    for key, line in before.items():
        if key not in after:
            changes.append(f"Item {line.number} “{line.item.title}” removed")
    for key, line in after.items():
        if key not in before:
            changes.append(f"Item {line.number} “{line.item.title}” added")
            continue
        was = before[key]
        parts = _item_changes(was.item, line.item)
        if was.number != line.number:
            parts.insert(0, f"renumbered (was {was.number})")
        if parts:
            changes.append(f"Item {line.number} “{line.item.title}”: {'; '.join(parts)}")
    return changes


def _numbered(source: AgendaSource, side: str | None = None) -> list[NumberedItem[ItemRow]]:
    start = utc_to_local(source.head.start_utc, source.head.timezone)
    return number_items(source.for_side(side).items, start, side)


def _head_changes(old: AgendaSource, new: AgendaSource) -> list[str]:
    a, b = old.head, new.head
    changes = []
    if a.title != b.title:
        changes.append(f"Meeting title changed to “{b.title}”")
    if a.title_fr != b.title_fr:
        changes.append(_("French title now “%(title)s”", title=b.title_fr or ""))
    if (a.start_utc, a.end_utc, a.timezone) != (b.start_utc, b.end_utc, b.timezone):
        start = utc_to_local(b.start_utc, b.timezone)
        changes.append(f"Meeting time changed to {start:%d %b %Y, %H:%M} {start.tzname()}")
    if (a.venue, a.host_city) != (b.venue, b.host_city):
        changes.append(f"Venue changed to {b.venue or b.host_city}")
    if a.marking != b.marking:
        changes.append(f"Marking changed to {b.marking.value}")
    return changes


def _item_changes(a: ItemRow, b: ItemRow) -> list[str]:
    parts = []
    if a.title != b.title:
        parts.append(f"title was “{a.title}”")
    if a.title_fr != b.title_fr:
        parts.append(_("French title now “%(title)s”", title=b.title_fr or ""))
    if a.purpose != b.purpose:
        parts.append(f"purpose now {b.purpose.value if b.purpose else 'not set'}")
    if a.lead != b.lead:
        parts.append(f"lead now {b.lead or 'not set'}")
    if a.duration_minutes != b.duration_minutes:
        parts.append(f"duration {_minutes(a.duration_minutes)} → {_minutes(b.duration_minutes)}")
    if a.visibility != b.visibility:
        parts.append(f"visibility now {b.visibility.value}")
    if a.topic != b.topic:
        parts.append(f"topic now {b.topic or 'none'}")
    if a.notes != b.notes:
        parts.append("notes changed")
    if a.papers != b.papers:
        parts.append("papers now " + (", ".join(p.citation for p in b.papers) or "none"))
    return parts


def _minutes(value: int | None) -> str:
    return "not set" if value is None else f"{value} min"
