"""The need-to-know rule itself (app.meetings.access): one answer for one meeting, for lists
and for the calendar feeds, for every role, access level and link to the delegation."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core.errors import NotFound
from app.feeds.selection import FULL, Audience, variant_expression
from app.meetings import access
from app.meetings.delegations import add_participant, remove_participant
from app.meetings.models import Access, Meeting
from app.people.models import Side

LINKS = ("none", "delegate", "other_delegate", "invited")


def _expected(role: Role, level: Access, link: str) -> bool:
    return role is not Role.VIEWER or level is not Access.RESTRICTED or link == "delegate"


@pytest.fixture
def world(make, session):
    """Meetings at each access level, each with one delegate; a person delegate elsewhere
    only; a person invited (by name) to every meeting but in no delegation."""
    delegate, elsewhere = make.person(full_name="Delegate"), make.person(full_name="Elsewhere")
    invited = make.person(make.organisation(Side.EU), full_name="Invited")
    meetings = {level: make.meeting(access=level) for level in Access}
    for meeting in meetings.values():
        add_participant(session, None, meeting.id, delegate.id)
        make.invitation(meeting, invitee_id=invited.organisation_id, invitee_person_id=invited.id)
    add_participant(session, None, make.meeting(access=Access.RESTRICTED).id, elsewhere.id)
    people = {"none": None, "delegate": delegate.id, "other_delegate": elsewhere.id}
    return meetings, {**people, "invited": invited.id}


@pytest.mark.parametrize(("role", "link"), list(itertools.product(Role, LINKS)))
def test_may_read_lists_and_feeds_give_one_answer(make, session, world, role, link):
    meetings, people = world
    user = make.user(role)
    user.person_id = people[link]
    in_lists = access.readable_ids(session, user, [m.id for m in meetings.values()])
    variants = dict(
        session.execute(
            select(Meeting.id, variant_expression(Audience.of(user))).where(
                Meeting.id.in_([m.id for m in meetings.values()])
            )
        ).all()
    )
    for level, meeting in meetings.items():
        expected = _expected(role, level, link)
        assert access.may_read(session, user, meeting) is expected, (role, level, link)
        assert (meeting.id in in_lists) is expected, (role, level, link)
        assert (variants[meeting.id] == FULL) is expected, (role, level, link)


def test_no_user_reads_only_what_is_not_restricted(session, world):
    meetings, _people = world
    for level, meeting in meetings.items():
        assert access.may_read(session, None, meeting) is (level is not Access.RESTRICTED)


def test_a_disabled_editor_is_no_longer_a_reader_of_everything(make, session, world):
    meetings, _people = world
    editor = make.user(Role.EDITOR)
    assert access.may_read(session, editor, meetings[Access.RESTRICTED])
    editor.is_active = False
    assert not access.may_read(session, editor, meetings[Access.RESTRICTED])


def test_readable_meeting_refuses_as_for_an_unknown_id(make, session, world):
    meetings, _people = world
    hidden = meetings[Access.RESTRICTED]
    viewer = make.user(Role.VIEWER)
    with pytest.raises(NotFound) as refused:
        access.readable_meeting(session, viewer, hidden.id)
    with pytest.raises(NotFound) as unknown:
        access.readable_meeting(session, viewer, 999_999)
    assert refused.value.to_dict() == {
        **unknown.value.to_dict(),
        "message": f"No meeting with id {hidden.id}",
    }
    assert access.readable_meeting(session, make.user(Role.EDITOR), hidden.id) is hidden


def test_joining_the_delegation_makes_a_reader_and_leaving_it_unmakes_one(make, session):
    person = make.person()
    viewer = make.user(Role.VIEWER)
    viewer.person_id = person.id
    meeting = make.meeting(access=Access.RESTRICTED)
    assert not access.may_read(session, viewer, meeting)
    add_participant(session, None, meeting.id, person.id)
    assert access.may_read(session, viewer, meeting)
    remove_participant(session, None, meeting.id, person.id)
    assert not access.may_read(session, viewer, meeting)
