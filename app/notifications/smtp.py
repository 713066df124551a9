"""SMTP delivery with the errors sorted into 'try again later' and 'will never work'."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from types import TracebackType

from app.settings import Settings

TIMEOUT_SECONDS = 30


class DeliveryError(Exception):
    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent


class SmtpTransport:
    """One connection reused for a batch; dropped and reopened after any error."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, build: Callable[[bool], EmailMessage], sender: str, recipient: str) -> None:
        """Hand one message to the server for exactly `recipient` (never the header list).

        `build(eight_bit)` makes the message once the server has said whether it offers
        8BITMIME (RFC 6152): 8-bit text only to a server that does, declared with BODY=8BITMIME;
        otherwise encoded. A ValueError from `build` propagates (the message cannot be made).
        """
        try:
            connection = self._connect()
            connection.ehlo_or_helo_if_needed()
            eight_bit = connection.has_extn("8bitmime")
            message = build(eight_bit)
            options = ["BODY=8BITMIME"] if eight_bit else []
            connection.send_message(
                message, from_addr=sender, to_addrs=[recipient], mail_options=options
            )
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, reply = next(iter(error.recipients.values()), (0, b""))
            raise _classified(code, reply) from error
        except smtplib.SMTPResponseException as error:
            self.close()
            raise _classified(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise DeliveryError(f"connection: {error}", permanent=False) from error

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        settings = self.settings
        connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS)
        try:
            if settings.smtp_starttls:
                connection.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                connection.login(settings.smtp_username, settings.smtp_password)
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection


def _classified(code: int, reply: bytes | str) -> DeliveryError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return DeliveryError(f"SMTP {code} {text}".strip(), permanent=500 <= code < 600)
