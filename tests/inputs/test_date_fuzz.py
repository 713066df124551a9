"""Fuzz every date, time, zone and half-year entry point (web forms, query strings, the API,
the CLI) with the ends of the calendar, zone edges and malformed values.

Each answer is a page, a redirect or a clear 4xx naming the field, never a 500; a refused
write leaves the database unchanged (tests.helpers.row_counts). Bounded for CI like the web
forms fuzz test (tests/web/test_form_fuzz.py); ENTENTE_FUZZ=long runs many more examples.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.auth import services as auth
from app.auth.models import Role
from app.people.models import Side
from tests import factories
from tests.api.conftest import Api
from tests.helpers import row_counts
from tests.web.conftest import sign_in

MIN_YEAR, MAX_YEAR = 1900, 2200  # the documented bounds (app.core.validation), pinned here
YEARS = [0, 1, 1899, 1900, 2200, 2201, 9999, 10000]
# Spring-forward gaps and autumn folds in London (01:00-02:00) and Brussels (02:00-03:00).
DST_DAYS = ["2027-03-28", "2027-10-31", "2026-03-29", "2026-10-25"]
TIMES = ["00:00", "00:30", "01:30", "02:30", "12:00", "22:00", "23:59", "24:00", "25:99", ""]
ZONES = ["Europe/London", "Europe/Brussels", "Pacific/Kiritimati", "America/New_York"]
ZONES += ["Asia/Tokyo", "UTC", "Etc/GMT+12", "Etc/GMT-14", "localtime", "Factory", "EST5EDT"]
ZONES += ["US/Eastern", "GB", "", "Europe/Nowhere", "europe/london", "\x00"]
MALFORMED = ["", " ", "²⁰²⁷-01-01", "2027-02-30", "2027-13-01", "27-1-1", "x", "\x00", "-1"]
MALFORMED += ["2027-01-01T10:00", "9" * 30, "\u202e2027-01-01"]

EXAMPLES = 400 if os.environ.get("ENTENTE_FUZZ") == "long" else 25
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("ENTENTE_FUZZ") != "long",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

years = st.sampled_from(YEARS)
days = st.one_of(
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
        years,
        st.integers(1, 12),
        st.sampled_from([1, 28, 29, 30, 31]),
    ),
    st.sampled_from([*DST_DAYS, "9999-12-31", "0001-01-01", "1900-01-01", "2200-12-31"]),
    st.sampled_from(MALFORMED),
)
times = st.sampled_from(TIMES)
zones = st.sampled_from(ZONES)
halves = st.one_of(
    st.builds(lambda y, h: f"{y:04d}-H{h}", years, st.sampled_from([1, 2, 3])),
    st.sampled_from(["2026-h1", "²⁰²⁷-H1", "2026-H", "H1", "", "2026-H1 ", "0000-H0"]),
)
moments = st.one_of(
    st.builds(lambda d, t: f"{d}T{t or '10:00'}:00", days, times),
    st.builds(
        lambda d, t, z: f"{d}T{t or '10:00'}:00{z}",
        days,
        times,
        st.sampled_from(["Z", "+14:00", "-12:00", "+23:59", "-23:59"]),
    ),
    st.sampled_from(MALFORMED),
)


@pytest.fixture
def world(app: Flask, client, make: factories.Factory, session, monkeypatch):
    """An admin's web client (CSRF is tested elsewhere), an API editor, a meeting with an
    agenda item, a six-monthly series; all committed, so that a refusal's rollback keeps
    them."""
    meeting = make.meeting()
    item = make.item(meeting)
    series = make.series(slug="strategic-consultations")
    eu, uk = make.organisation(Side.EU), make.organisation(Side.UK)
    admin = make.user(Role.ADMIN)
    token = auth.issue_api_token(session, None, admin.id, "fuzz")
    session.commit()
    sign_in(client, admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return {
        "client": client,
        "api": Api(client, token),
        "meeting": meeting,
        "item": item,
        "series": series,
        "eu": eu,
        "uk": uk,
        "session": session,
    }


def _refusal_writes_nothing(session, send: Callable[[], Any], ok: Callable[[Any], bool]) -> Any:
    """Send; a 5xx fails; a refusal (not `ok`) must leave every table as it was."""
    session.expire_all()
    before = row_counts(session)
    response = send()
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if not ok(response):
        session.expire_all()
        assert row_counts(session) == before
    return response


def _api_error_names_field(response) -> None:
    if response.status_code == 422:
        body = response.get_json()
        assert set(body) == {"code", "message", "field"}
        assert body["field"], body


@pytest.mark.slow
def test_web_meeting_forms(world):
    client, session, meeting = world["client"], world["session"], world["meeting"]
    base = {
        "title": "Fuzzed",
        "kind": "working-group",
        "status": "tentative",
        "marking": "OFFICIAL",
        "access": "internal",
        "language": "en",
        "series": "",
        "chair_id": "",
        "host_organisation_id": "",
        "venue": "",
        "host_city": "",
        "description": "",
        "confirm_warnings": "y",
    }

    @FUZZ
    @given(days, times, st.one_of(st.just(""), days), times, zones, halves)
    @example("9999-12-31", "22:00", "", "23:00", "America/New_York", "")
    @example("0001-01-01", "00:30", "", "01:30", "Asia/Tokyo", "")
    @example("2201-01-01", "10:00", "", "12:00", "Europe/London", "")
    @example("1899-12-31", "10:00", "", "12:00", "Pacific/Kiritimati", "9999-H2")
    @example("2027-03-28", "01:30", "", "03:00", "Europe/London", "")
    @example("2027-10-31", "02:30", "", "03:30", "Europe/Brussels", "")
    def create(start_day, start_at, end_day, end_at, zone_name, half):
        data = {
            **base,
            "start_date": start_day,
            "start_time": start_at,
            "end_date": end_day,
            "end_time": end_at,
            "timezone": zone_name,
            "planned_half": half,
        }
        response = _refusal_writes_nothing(
            session,
            lambda: client.post("/meetings/new", data=data),
            lambda r: r.status_code == 302,
        )
        if response.status_code == 302:  # saved: then it was inside the bounds
            assert MIN_YEAR <= int(start_day[:4]) <= MAX_YEAR, data

    @FUZZ
    @given(days, times, st.one_of(st.just(""), days), times, zones)
    def move(start_day, start_at, end_day, end_at, zone_name):
        data = {
            "start_date": start_day,
            "start_time": start_at,
            "end_date": end_day,
            "end_time": end_at,
            "timezone": zone_name,
            "confirm_warnings": "y",
        }
        _refusal_writes_nothing(
            session,
            lambda: client.post(f"/meetings/{meeting.id}/move", data=data),
            lambda r: r.status_code == 302,
        )

    create()
    move()


@pytest.mark.slow
def test_web_invitation_and_action_forms(world):
    client, session, meeting, item = (world[k] for k in ("client", "session", "meeting", "item"))

    @FUZZ
    @given(days, times, days)
    def send(deadline_day, deadline_at, due_on):
        invitation = {
            "inviter_id": str(world["eu"].id),
            "invitee_id": str(world["uk"].id),
            "invitee_person_id": "",
            "scope": "whole",
            "deadline_date": deadline_day,
            "deadline_time": deadline_at,
        }
        _refusal_writes_nothing(
            session,
            lambda: client.post(f"/invitations/new/{meeting.id}", data=invitation),
            lambda r: r.status_code == 302,
        )
        action = {"description": "Follow up", "owner": "", "due_on": due_on}
        path = f"/meetings/{meeting.id}/agenda/items/{item.id}/actions"
        _refusal_writes_nothing(
            session, lambda: client.post(path, data=action), lambda r: r.status_code == 302
        )

    send()


@pytest.mark.slow
def test_web_query_strings(world):
    client = world["client"]
    month = st.one_of(
        st.builds(lambda y, m: f"{y:04d}-{m:02d}", years, st.integers(0, 13)),
        st.sampled_from(MALFORMED),
    )

    @FUZZ
    @given(days, days, month, halves, halves)
    def browse(first_day, last_day, month_value, first_half, last_half):
        pages = [
            ("/meetings", {"date_from": first_day, "date_to": last_day}),
            ("/meetings/calendar", {"month": month_value, "date_to": last_day}),
            ("/planning", {"from": first_half, "to": last_half}),
            ("/audit", {"since": first_day, "until": last_day}),
        ]
        for path, query in pages:
            response = client.get(path, query_string=query)
            assert response.status_code < 500, (path, query)

    browse()


@pytest.mark.slow
def test_api(world):
    api, session, meeting = world["api"], world["session"], world["meeting"]

    @FUZZ
    @given(moments, moments, zones, days, days, halves, halves, moments)
    @example(
        "9999-12-31T22:00:00",
        "9999-12-31T23:00:00",
        "America/New_York",
        "9999-12-31",
        "9999-12-31",
        "0000-H1",
        "9999-H2",
        "0001-01-01T00:00:00Z",
    )
    @example(
        "2201-01-01T10:00:00",
        "2201-01-01T12:00:00",
        "Etc/GMT+12",
        "0001-01-01",
        "10000-01-01",
        "1899-H2",
        "2201-H1",
        "2027-01-01T10:00:00",
    )
    def call(start, end, zone_name, first_day, last_day, first_half, last_half, deadline):
        body = {"title": "Fuzzed", "kind": "working-group", "start": start, "end": end}
        created = _refusal_writes_nothing(
            session,
            lambda: api.post("/meetings", json={**body, "timezone": zone_name}),
            lambda r: r.status_code == 201,
        )
        _api_error_names_field(created)
        if created.status_code == 201:
            stored = created.get_json()
            assert MIN_YEAR <= int(stored["start_utc"][:4]) <= MAX_YEAR, body
        invited = _refusal_writes_nothing(
            session,
            lambda: api.post(
                "/invitations",
                json={
                    "meeting_id": meeting.id,
                    "inviter_id": world["eu"].id,
                    "invitee_id": world["uk"].id,
                    "reply_deadline": deadline,
                },
            ),
            lambda r: r.status_code == 201,
        )
        _api_error_names_field(invited)
        for path, query in [
            ("/meetings", {"start": first_day, "end": last_day}),
            ("/consultations/plan", {"from": first_half, "to": last_half}),
        ]:
            response = api.get(path, query_string=query)
            assert response.status_code < 500, (path, query)
            _api_error_names_field(response)

    call()


@pytest.mark.slow
def test_cli_planning(world, cli):
    session = world["session"]

    @FUZZ
    @given(halves, halves)
    def plan(first_half, last_half):
        before = row_counts(session)
        args = ["consultations", "plan", "--from", first_half, "--to", last_half]
        result = cli.invoke(args=args)
        assert result.exit_code in (0, 1), result.output
        if result.exit_code:
            assert isinstance(result.exception, SystemExit), result.exception
            assert "Error:" in result.output
        assert row_counts(session) == before

    plan()
