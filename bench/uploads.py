"""Upload a 50 MB paper over real HTTP and download it again; print the time and the peak
Python memory (tracemalloc: server and client in this one process).

    .venv/bin/python bench/uploads.py [--megabytes 50] [--kind docx|pdf] [--database-url URL]

The request body is streamed from a file on disk (the client holds none of it), Werkzeug
spools the file part to disk, the upload is copied to a temporary file while hashed, checked,
and inserted in 1 MiB chunks; the download streams the chunks back. A peak far below the file
size shows that the file never sits whole in memory.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import tempfile
import threading
import time
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from flask_migrate import upgrade
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject
from werkzeug.serving import make_server

from app import create_app
from app.agendas import papers
from app.agendas.services import AgendaItemInput, add_item
from app.auth import services as auth
from app.auth.models import Role
from app.extensions import db
from app.meetings import catalogue
from app.meetings.services import MeetingInput, create_meeting
from app.settings import load_settings

BOUNDARY = "entente-bench-boundary"


def big_docx(target: Path, size: int) -> None:
    """A real .docx with `size` bytes of incompressible media stored in it."""
    document = Document()
    document.add_paragraph("A large paper")
    small = io.BytesIO()
    document.save(small)
    source = zipfile.ZipFile(small)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            out.writestr(member, source.read(member))
        with out.open(zipfile.ZipInfo("word/media/image1.bin"), "w", force_zip64=True) as part:
            for _ in range(size // (1024 * 1024)):
                part.write(os.urandom(1024 * 1024))


def big_pdf(target: Path, size: int) -> None:
    """A one-page PDF whose page carries an image XObject of `size` random bytes."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    image = StreamObject()
    image.set_data(os.urandom(size))
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(1024),
            NameObject("/Height"): NumberObject(size // 3072),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    xobjects = DictionaryObject({NameObject("/Im1"): writer._add_object(image)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    with target.open("wb") as out:
        writer.write(out)


def multipart_file(document: Path, target: Path, name: str) -> None:
    with target.open("wb") as out:
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        with document.open("rb") as source:
            while chunk := source.read(1024 * 1024):
                out.write(chunk)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())


def seed() -> tuple[str, str]:
    session = db.session()
    catalogue.ensure_default_kinds(session)
    meeting = create_meeting(
        session,
        None,
        MeetingInput(
            title="Bench",
            kind="strategic-consultation",
            start=datetime(2027, 3, 16, 9, 0),
            end=datetime(2027, 3, 16, 18, 0),
            timezone="Europe/Brussels",
        ),
    ).meeting
    item = add_item(session, None, meeting.id, AgendaItemInput(title="Item"))
    paper = papers.add_paper(session, None, item.id, "ENT 1/27")
    user = auth.create_user(session, None, "bench@entente.test", Role.EDITOR)
    token = auth.issue_api_token(session, None, user.id)
    session.commit()
    return f"/api/v1/agenda-items/{item.id}/papers/{paper.id}/files", token


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--kind", choices=("docx", "pdf"), default="docx")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    size = args.megabytes * 1024 * 1024
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        settings = load_settings(
            environ={}, env="testing", database_url=url, instance_path=str(work / "instance")
        )
        app = create_app(settings)
        with app.app_context():
            upgrade()
            path, token = seed()
            db.session.remove()
        document = work / f"paper.{args.kind}"
        (big_docx if args.kind == "docx" else big_pdf)(document, size)
        body = work / "body"
        multipart_file(document, body, document.name)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        headers = {"Authorization": f"Bearer {token}"}
        tracemalloc.start()
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=600)
        with body.open("rb") as stream:
            connection.request(
                "POST",
                path,
                body=stream,
                headers={
                    **headers,
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Content-Length": str(body.stat().st_size),
                },
            )
            answer = connection.getresponse()
            print(f"upload: HTTP {answer.status} {answer.read()[:120]!r}")
        uploaded = time.perf_counter()
        connection.request("GET", f"{path}/latest", headers=headers)
        answer = connection.getresponse()
        received = 0
        while chunk := answer.read(1024 * 1024):
            received += len(chunk)
        done = time.perf_counter()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        server.shutdown()
        megabytes = document.stat().st_size / 1e6
        print(f"file: {megabytes:.1f} MB {args.kind}, database {url.split(':')[0]}")
        print(f"upload: {uploaded - started:.2f} s; download: {done - uploaded:.2f} s")
        print(f"downloaded: {received / 1e6:.1f} MB")
        print(f"peak Python memory (tracemalloc): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
