"""LibreOffice as the pack runs it: a paper that links to a file on a server must not make the
converter fetch it (a way for an uploader to reach internal addresses from the server). A
loopback HTTP server records what is asked of it; the same document converted with a plain
profile shows the test would see a fetch."""

from __future__ import annotations

import http.server
import io
import subprocess
import threading
import zipfile
from collections.abc import Iterator

import pytest

from app.packs import convert
from tests.packs.files import ODT


class Recorder(http.server.BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self) -> None:
        Recorder.asked.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[tuple[int, list[str]]]:
    Recorder.asked = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], Recorder.asked
    finally:
        server.shutdown()
        server.server_close()


def linked_image_odt(url: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
        ' xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
        ' office:version="1.2">'
        "<office:body><office:text><text:p>A paper with a linked picture"
        '<draw:frame svg:width="5cm" svg:height="5cm">'
        f'<draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed"'
        ' xlink:actuate="onLoad"/></draw:frame></text:p></office:text></office:body>'
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as odt:
        odt.writestr(zipfile.ZipInfo("mimetype"), ODT)
        odt.writestr("content.xml", content)
        odt.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


def test_the_converter_fetches_nothing_a_paper_links_to(web_server, tmp_path):
    port, asked = web_server
    source = tmp_path / "linked.odt"
    source.write_bytes(linked_image_odt(f"http://127.0.0.1:{port}/internal.png"))
    (tmp_path / "out").mkdir()
    converted = convert.to_pdf([source], tmp_path / "out", timeout=120)
    assert converted == {source: tmp_path / "out" / "linked.pdf"}
    assert asked == []
    # The control: LibreOffice with a profile of its defaults does fetch it.
    plain = tmp_path / "plain"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(plain),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert asked == ["/internal.png"]
