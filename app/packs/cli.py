"""`flask agendas pack`: a briefing pack written to a file (run as the system: any side)."""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _

from app.agendas.overview import find_meeting
from app.core.errors import EntenteError
from app.extensions import db_session
from app.packs.services import PackRequest, write_pack


@click.command("pack")
@click.option("--meeting", "key", required=True, help="A meeting id, or next-consultation.")
@click.option("--side", type=click.Choice(["uk", "eu"]), default=None, help="Default: both.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--version", type=int, default=None, help="A circulated version (default: latest).")
@click.option("--lang", type=click.Choice(["en", "fr"]), default=None)
def pack_command(
    key: str, side: str | None, out: Path, version: int | None, lang: str | None
) -> None:
    """Write one side's briefing pack (cover, contents, agenda, papers) to OUT as a PDF."""
    session = db_session()
    try:
        meeting = find_meeting(session, key)
        with out.open("wb") as file:
            built = write_pack(session, None, meeting.id, PackRequest(side, version, lang), file)
    except EntenteError as error:
        out.unlink(missing_ok=True)
        raise click.ClickException(error.message) from error
    except OSError as error:
        raise click.ClickException(
            _("Cannot write %(path)s: %(reason)s", path=out, reason=error.strerror)
        ) from error
    result = built.result
    click.echo(
        _(
            "Wrote %(path)s: %(pages)s pages, %(papers)s papers, marked %(marking)s",
            path=out,
            pages=result.pages,
            papers=result.papers,
            marking=result.marking.value,
        )
    )
    for heading in result.missing:
        click.echo(_("Not included (placeholder page): %(paper)s", paper=heading), err=True)
