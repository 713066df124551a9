"""The one-open-invitation migration on a database that already holds duplicates: the oldest
stays, each newer one is withdrawn (not deleted), and the upgrade does not fail."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from tests.conftest import make_settings
from tests.databases import fresh_database
from tests.factories import Factory

COPY = """
INSERT INTO invitations (meeting_id, inviter_id, invitee_id, scope, status, message,
                         reply_note, created_at, updated_at, version)
SELECT meeting_id, inviter_id, invitee_id, scope, :status, message, reply_note, created_at,
       updated_at, version
  FROM invitations WHERE id = :id
"""


def test_upgrade_withdraws_newer_duplicate_open_invitations(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        application = create_app(make_settings(url, tmp_path))
        with application.app_context():
            upgrade()
            make = Factory(db.session())
            kept = make.invitation()
            other = make.invitation()  # a different invitee: untouched
            ids = {"kept": kept.id, "other": other.id}
            db.session.commit()
            db.session.remove()
            downgrade(revision="fe3d0c4e")  # as before: no index, duplicates possible
            with db.engine.begin() as connection:
                for status in ("tentative", "accepted", "declined"):
                    connection.execute(text(COPY), {"id": ids["kept"], "status": status})
            upgrade()
            with db.engine.connect() as connection:
                rows = connection.execute(
                    text("SELECT id, status, version, reply_note FROM invitations ORDER BY id")
                ).all()
            db.session.remove()
            db.engine.dispose()
    by_id = {row.id: row for row in rows}
    assert by_id[ids["kept"]].status == "invited"
    assert by_id[ids["other"]].status == "invited"
    copies = [row for row in rows if row.id not in ids.values()]
    assert [row.status for row in copies] == ["withdrawn", "withdrawn", "declined"]
    assert all(row.version == 2 and "duplicate" in row.reply_note for row in copies[:2])
