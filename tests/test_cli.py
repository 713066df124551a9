from sqlalchemy import func, select

from app.auth import services as auth
from app.meetings.models import Meeting
from app.models import Invitation, MeetingSeries, User
from tests.factories import PASSWORD


def test_users_create_and_token(cli, session):
    result = cli.invoke(
        args=["users", "create", "Officer@Entente.test", "--role", "editor", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert "Created editor officer@entente.test" in result.output
    result = cli.invoke(args=["users", "token", "officer@entente.test"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    user = auth.user_for_token(session, token)
    assert user is not None
    assert user.email == "officer@entente.test"


def test_users_create_reports_bad_input_clearly(cli, session):
    result = cli.invoke(
        args=["users", "create", "not-an-address", "--role", "viewer", "--password", PASSWORD]
    )
    assert result.exit_code == 1
    assert "is not an e-mail address (email)" in result.output
    result = cli.invoke(
        args=["users", "create", "a@b.test", "--role", "root", "--password", PASSWORD]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.output
    result = cli.invoke(args=["users", "token", "ghost@entente.test"])
    assert result.exit_code == 1
    assert "No user" in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_demo_is_idempotent_and_prints_the_login(cli, session):
    first = cli.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    # All three demo users share the password, and all three are printed (issue 17)
    assert (
        "Demo sign-in (one password for all three): admin@entente.example,"
        " editor@entente.example, viewer@entente.example / entente-demo-admin"
    ) in first.output
    counts = _counts(session)
    assert counts["meetings"] >= 10
    assert counts["invitations"] >= 5
    assert counts["series"] == 1
    second = cli.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _counts(session) == counts
    plan = cli.invoke(args=["consultations", "plan"])
    assert plan.exit_code == 0, plan.output
    assert "held" in plan.output
    assert "missing" in plan.output


def test_seed_demo_in_production_needs_a_password_of_your_own(app, cli, session, monkeypatch):
    settings = app.extensions["entente.settings"]
    monkeypatch.setitem(app.extensions, "entente.settings", settings.replace(env="production"))
    refused = cli.invoke(args=["seed-demo"])
    assert refused.exit_code == 2
    assert "password of your own" in refused.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_demo_adds_synthetic_meetings(cli, session):
    result = cli.invoke(args=["seed-demo", "--meetings", "500"])
    assert result.exit_code == 0, result.output
    synthetic = session.scalar(
        select(func.count()).select_from(Meeting).where(Meeting.uid.like("synthetic-%"))
    )
    assert synthetic == 500


def test_plan_rejects_a_bad_half(cli, session):
    cli.invoke(args=["seed-demo"])
    result = cli.invoke(args=["consultations", "plan", "--from", "2026-H3"])
    assert result.exit_code == 1
    assert "2026-H1" in result.output


def _counts(session):
    def count(model):
        return session.scalar(select(func.count()).select_from(model))

    return {
        "meetings": count(Meeting),
        "invitations": count(Invitation),
        "series": count(MeetingSeries),
    }
