"""E-mail addresses and header text that cannot carry injected headers or recipients."""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.utils import parseaddr

from app.core.validation import EMAIL_RE

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(value: str, *, max_length: int = 200) -> str:
    """Header text on one line: CR, LF and other control characters become single spaces."""
    return " ".join(_CONTROL.sub(" ", value or "").split())[:max_length]


def clean_address(value: str | None) -> str | None:
    """A single plain addr-spec, or None for anything else (lists, names, CR/LF, ...)."""
    candidate = (value or "").strip()
    if not candidate or _CONTROL.search(candidate) or not EMAIL_RE.match(candidate):
        return None
    try:
        address = Address(addr_spec=candidate)
    except (ValueError, IndexError):
        return None
    return candidate if address.addr_spec == candidate else None


def mailbox(display_name: str, addr_spec: str) -> Address:
    """A header-safe mailbox; raises ValueError when the address is not a plain addr-spec."""
    address = clean_address(addr_spec)
    if address is None:
        raise ValueError(f"not a plain e-mail address: {addr_spec!r}")
    return Address(display_name=one_line(display_name), addr_spec=address)


def parse_mailbox(value: str) -> Address:
    """'Name <addr>' (e.g. the mail_sender setting) as a header-safe mailbox."""
    name, addr = parseaddr(one_line(value, max_length=400))
    return mailbox(name, addr)
