"""A real IMAP server on loopback: Debian's Dovecot with a throwaway configuration.

One passwd-file user, a maildir under a temporary directory, plain IMAP on a free loopback
port, no system service touched. Tests and bench/inbound.py feed it with IMAP APPEND.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "secretariat"
PASSWORD = "imap-test-password"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
mail_location = maildir:{root}/mail/%u
first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service auth {{
  user = {internal_user}
}}
service auth-worker {{
  user = {internal_user}
}}
"""


@dataclass(frozen=True)
class ImapServer:
    port: int
    user: str = USER
    password: str = PASSWORD

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(self.user, self.password)
        imap.select("INBOX")
        return imap

    def append(self, messages: Iterable[bytes]) -> None:
        imap = self.connect()
        try:
            for raw in messages:
                status, data = imap.append("INBOX", None, None, raw)
                assert status == "OK", data
        finally:
            imap.logout()

    def flags(self) -> list[str]:
        """Each message's flags, in UID order."""
        imap = self.connect()
        try:
            status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            assert status == "OK"
            return [entry.decode() for entry in data if isinstance(entry, bytes)]
        finally:
            imap.logout()

    def unseen(self) -> int:
        imap = self.connect()
        try:
            status, data = imap.uid("SEARCH", "UNSEEN")
            assert status == "OK"
            return len((data[0] or b"").split())
        finally:
            imap.logout()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def imap_server() -> Iterator[ImapServer]:
    """Dovecot in the foreground on a free port, stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="entente-imap-"))
    root.chmod(0o711)  # the mail user (not root) reaches its maildir through it
    try:
        with _dovecot(root) as server:
            yield server
    finally:
        if not os.environ.get("ENTENTE_KEEP_IMAP"):
            shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _dovecot(root: Path) -> Iterator[ImapServer]:
    port = free_port()
    users = _users()
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir()
    for name in ("mail", "home"):
        os.chown(root / name, int(users["mail_uid"]), int(users["mail_gid"]))
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, **users))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process, root)
        yield ImapServer(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _users() -> dict[str, str | int]:
    """As root: Dovecot's unprivileged users for logins and mail (it refuses mail access as
    root) and root for the rest; as anyone else, that user for everything."""
    if os.getuid() == 0:
        mail = pwd.getpwnam("dovecot")
        return {
            "login_user": "dovenull",
            "internal_user": "root",
            "mail_uid": mail.pw_uid,
            "mail_gid": mail.pw_gid,
        }
    name = pwd.getpwuid(os.getuid()).pw_name
    return {
        "login_user": name,
        "internal_user": name,
        "mail_uid": os.getuid(),
        "mail_gid": os.getgid(),
    }


def _wait_for(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"dovecot exited: {error} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening")
