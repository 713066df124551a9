"""`flask agendas export` and `flask agendas circulate`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.agendas import export as exports
from app.agendas import versions
from app.agendas.overview import NEXT_CONSULTATION, document_for, find_meeting
from app.core.errors import EntenteError
from app.extensions import db, db_session
from app.packs.cli import pack_command

agendas_cli = AppGroup("agendas", help="Agenda documents and circulation.")
MEETING_HELP = f"A meeting id, or {NEXT_CONSULTATION} (the next strategic consultation)."


@agendas_cli.command("export")
@click.option("--meeting", "key", required=True, help=MEETING_HELP)
@click.option("--format", "fmt", type=click.Choice(sorted(exports.FORMATS)), default="pdf")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--version", type=int, default=None, help="A circulated version (default: latest).")
@click.option("--draft", is_flag=True, help="Export the current draft instead.")
@click.option("--side", type=click.Choice(["uk", "eu"]), default=None)
@click.option("--lang", type=click.Choice(["en", "fr"]), default=None)
def export_command(
    key: str,
    fmt: str,
    out: Path,
    version: int | None,
    draft: bool,
    side: str | None,
    lang: str | None,
) -> None:
    """Write an agenda document to OUT."""
    try:
        meeting = find_meeting(db_session(), key)
        doc = document_for(
            db_session(), None, meeting.id, version=version, draft=draft, side=side, language=lang
        )
        exported = exports.export(doc, fmt)
    except EntenteError as error:
        raise click.ClickException(error.message) from error
    try:
        out.write_bytes(exported.content)
    except OSError as error:
        raise click.ClickException(
            _("Cannot write %(out)s: %(strerror)s", out=out, strerror=error.strerror)
        ) from error
    label = f"version {doc.version.number}" if doc.version else "draft"
    click.echo(
        _(
            "Wrote %(out)s (%(title)s, %(label)s, %(len)s bytes)",
            out=out,
            title=meeting.title,
            label=label,
            len=len(exported.content),
        )
    )


@agendas_cli.command("circulate")
@click.option("--meeting", "key", required=True, help=MEETING_HELP)
@click.option("--final", is_flag=True, help="Circulate as the final agenda.")
@click.option("--note", default="")
def circulate_command(key: str, final: bool, note: str) -> None:
    """Freeze the meeting's draft agenda as its next version."""
    try:
        meeting = find_meeting(db_session(), key)
        version = versions.circulate(db_session(), None, meeting.id, final=final, note=note)
        db.session.commit()
    except EntenteError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(
        _("Circulated version %(number)s of %(title)s", number=version.number, title=meeting.title)
    )


agendas_cli.add_command(pack_command)
