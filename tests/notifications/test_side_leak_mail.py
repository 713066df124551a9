"""The e-mail announcing a re-circulated agenda tells each delegate what changed in their own
side's edition: an EU delegate never reads a UK-only paper's citation or a UK-only item.

The defect: the joint change summary (which names both sides' items and papers) went to every
delegate of both sides.
"""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from app.agendas import papers
from app.agendas import services as agendas
from app.agendas.versions import circulate
from tests import side_papers
from tests.notifications.test_meeting_changes import sweep
from tests.side_papers import EU_WORDS, UK_WORDS, leaked

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _body(server, address: str) -> str:
    [item] = server.to(address)
    return item.message.get_body(("plain",)).get_content()


def test_each_delegate_reads_the_changes_to_their_own_edition(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        scenario = side_papers.build(session, make)
        scenario.uk_delegate.email = "una@uk.example"
        scenario.eu_delegate.email = "eva@eu.example"
        sweep(session, mail_settings, T0)
        server.received.clear()
        annex = papers.add_paper(
            session, None, scenario.joint.id, "UKO 8/27", title="Kingfisher annex"
        )
        papers.update_paper_details(
            session,
            None,
            annex.id,
            papers.PaperDetails(annex.marking.value, "en", "uk", None, None),
        )
        papers.add_paper(session, None, scenario.joint.id, "EUO 10/27", title="Heron annex")
        eu_annex = scenario.joint.papers[-1]
        papers.update_paper_details(
            session,
            None,
            eu_annex.id,
            papers.PaperDetails(eu_annex.marking.value, "en", "eu", None, None),
        )
        agendas.add_item(
            session,
            None,
            scenario.meeting.id,
            agendas.AgendaItemInput(title="Kingfisher late item", visibility="uk"),
        )
        agendas.update_item(
            session,
            None,
            scenario.joint.id,
            agendas.AgendaItemInput(title="Joint discussion, revised", duration_minutes=30),
        )
        circulate(session, None, scenario.meeting.id)
        sweep(session, mail_settings, T0)
    eu_body = _body(server, "eva@eu.example")
    uk_body = _body(server, "una@uk.example")
    assert "Joint discussion, revised" in eu_body
    assert "Joint discussion, revised" in uk_body
    assert leaked(eu_body, (*UK_WORDS, "UKO 8/27")) == []
    assert "EUO 10/27" in eu_body
    assert leaked(uk_body, (*EU_WORDS, "EUO 10/27")) == []
    assert "UKO 8/27" in uk_body
    assert "Kingfisher late item" in uk_body
