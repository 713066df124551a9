"""Nothing in an inbound message is fetched: images, links, ATTACH and conference URLs all
point at a real HTTP server on loopback, which must see no request at all."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from app.inbound.models import InboundOutcome, QuarantinedMessage
from tests.inbound.conftest import process, seq
from tests.inbound.messages import Answer, email_for, plain_email


class _Counting(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def tracker() -> Iterator[tuple[str, list[str]]]:
    _Counting.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _Counting.hits
    finally:
        server.shutdown()
        server.server_close()


def test_urls_in_a_message_are_never_fetched(session, inbound_settings, invited, tracker):
    base, hits = tracker
    answer = Answer(invited.meeting.uid, invited.address, sequence=seq(session, invited))
    ics = answer.ics().replace(
        "END:VEVENT",
        f"ATTACH:{base}/attach.pdf\r\nURL:{base}/event\r\nX-GOOGLE-CONFERENCE:{base}/meet\r\n"
        "END:VEVENT",
    )
    raw = email_for(ics, "REPLY", answer).replace(
        b"https://tracker.example/p.gif", f"{base}/pixel.gif".encode()
    )
    html_only = plain_email(
        f'<img src="{base}/img.png"><link rel="stylesheet" href="{base}/x.css">',
        sender=invited.address,
        html=True,
    )
    rows = process(session, inbound_settings, raw, html_only)
    assert [row.outcome for row in rows] == [InboundOutcome.APPLIED, InboundOutcome.QUARANTINED]
    assert session.scalars(select(QuarantinedMessage)).one().raw == html_only
    assert hits == []
    # The listener does answer: a request would have been seen.
    with urllib.request.urlopen(f"{base}/probe") as response:  # noqa: S310 (loopback)
        assert response.status == 200
    assert hits == ["/probe"]
