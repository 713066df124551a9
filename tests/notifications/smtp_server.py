"""A real SMTP server on loopback (aiosmtpd) that records what it accepts and can refuse."""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    mail_options: list[str] = field(default_factory=list)

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """aiosmtpd handler: replies with the queued `refusals` first, then accepts."""

    received: list[Received] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.attempts += 1
            if self.refusals:
                return self.refusals.pop(0)
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content,
                    list(envelope.mail_options),
                )
            )
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [item for item in self.received if address in item.rcpt_tos]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Stalling(Recorder):
    """Holds the `stall_at`-th DATA unanswered (the message is in flight) until `release` is
    set, then refuses it, so a test can kill the sender mid-send; all others are accepted."""

    stall_at: int = 0
    in_flight: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            stall = self.attempts + 1 == self.stall_at
            if stall:
                self.attempts += 1
        if not stall:
            return await super().handle_DATA(server, session, envelope)
        self.in_flight.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return "421 4.3.0 Closing"


@contextmanager
def smtp_server(
    recorder: Recorder | None = None, *, eight_bit: bool = True
) -> Iterator[tuple[Recorder, int]]:
    """aiosmtpd on a free port; `eight_bit=False`: a server that does not offer 8BITMIME."""
    recorder = recorder or Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, decode_data=not eight_bit)
    controller.start()
    try:
        yield recorder, port
    finally:
        if isinstance(recorder, Stalling):
            recorder.release.set()
        controller.stop()
