"""Pack pages: every page is drawn on a sheet of its own (A4, portrait or landscape) as a form
XObject, under the pack's marking at the top and bottom and "Page X of Y" at the bottom.

Drawing the page as a form keeps whatever graphics state its content leaves behind away from
the stamp, and costs no parsing of the content (only a copy of its bytes). A paper is scaled
down to clear the bands the stamp writes in; the pack's own pages (cover, contents, agenda)
leave those margins free and keep their size. The stamp uses the standard Helvetica fonts,
which every PDF reader has, so nothing is embedded for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    RectangleObject,
    StreamObject,
)

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
PAPER_BAND = 13 * MM  # kept clear above and below a paper's content
PAPER_SIDE = 8 * MM
MARKING_SIZE = 9.0
FOLIO_SIZE = 7.5
FOLIO_RIGHT = 18 * MM  # the agenda's right margin
TOP_BASELINE = 9.5 * MM  # from the top edge
BOTTOM_BASELINE = 7 * MM
BOLD, REGULAR = "/EntentePackBold", "/EntentePackRegular"
FORM = "/EntentePackPage"


@dataclass(frozen=True)
class Stamp:
    marking: str
    folio: str  # "Page 3 of 41"
    label: str = ""  # a paper's pages: "Item 3 · ENT 12/27 (OR. en)", top left


class Sheets:
    """Adds pages to `writer`, each on its sheet and stamped."""

    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.fonts = DictionaryObject(
            {
                NameObject(BOLD): writer._add_object(_font("/Helvetica-Bold")),
                NameObject(REGULAR): writer._add_object(_font("/Helvetica")),
            }
        )

    def add(self, page: PageObject, stamp: Stamp, *, fit: bool) -> PageObject:
        """Put `page` (of any reader) on a new sheet: scaled to clear the stamp's bands when
        `fit` (a paper), as it is otherwise (the pack's own A4 pages)."""
        if page.rotation % 360:
            page.transfer_rotation_to_content()
        box = page.cropbox
        place = placement(
            (float(box.left), float(box.bottom), float(box.right), float(box.top)), fit=fit
        )
        sheet_w, sheet_h, scale, dx, dy = place
        form = self.writer._add_object(self._form(page, box))
        sheet = self.writer.add_blank_page(sheet_w, sheet_h)
        sheet[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/XObject"): DictionaryObject({NameObject(FORM): form}),
                NameObject("/Font"): self.fonts,
            }
        )
        matrix = f"{scale:.5f} 0 0 {scale:.5f} {dx:.3f} {dy:.3f}"
        drawing = f"q {matrix} cm {FORM} Do Q\n".encode() + _stamp(stamp, sheet_w, sheet_h)
        content = DecodedStreamObject()
        content.set_data(drawing)
        sheet[NameObject("/Contents")] = self.writer._add_object(content.flate_encode())
        self._links(page, sheet, scale, dx, dy)
        return sheet

    def _form(self, page: PageObject, box: RectangleObject) -> StreamObject:
        data = content_bytes(page)
        form = DecodedStreamObject()
        form.set_data(data)
        encoded = form.flate_encode()
        encoded[NameObject("/Type")] = NameObject("/XObject")
        encoded[NameObject("/Subtype")] = NameObject("/Form")
        encoded[NameObject("/BBox")] = ArrayObject(FloatObject(float(v)) for v in box)
        resources = page.get("/Resources")
        encoded[NameObject("/Resources")] = (
            resources.clone(self.writer) if resources is not None else DictionaryObject()
        )
        return encoded

    def _links(
        self, page: PageObject, sheet: PageObject, scale: float, dx: float, dy: float
    ) -> None:
        """Web links on the page stay clickable where the text moved to; links into the
        paper's own pages (which the pack renumbers) are dropped."""
        kept = ArrayObject()
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            action = annotation.get("/A")
            action = action.get_object() if action is not None else None
            if annotation.get("/Subtype") != "/Link" or not action or "/URI" not in action:
                continue
            x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
            link = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): RectangleObject(
                        (x1 * scale + dx, y1 * scale + dy, x2 * scale + dx, y2 * scale + dy)
                    ),
                    NameObject("/Border"): ArrayObject([FloatObject(0)] * 3),
                    NameObject("/A"): action.clone(self.writer),
                }
            )
            kept.append(self.writer._add_object(link))
        if kept:
            sheet[NameObject("/Annots")] = kept


Placement = tuple[float, float, float, float, float]  # sheet width, height, scale, dx, dy


def placement(box: tuple[float, float, float, float], *, fit: bool) -> Placement:
    """Where a page whose visible box is `box` (x1, y1, x2, y2) goes: on A4, landscape when
    it is wider than tall; kept as it is when it is that size already and not a paper (`fit`),
    else scaled down (never up) into the sheet less the stamp's bands and centred."""
    left, right = sorted(box[0::2])
    bottom, top = sorted(box[1::2])
    width, height = (right - left) or A4[0], (top - bottom) or A4[1]
    sheet_w, sheet_h = (A4[1], A4[0]) if width > height else A4
    if not fit and abs(width - sheet_w) <= 1 and abs(height - sheet_h) <= 1:
        return sheet_w, sheet_h, 1.0, -left, -bottom
    scale = min((sheet_w - 2 * PAPER_SIDE) / width, (sheet_h - 2 * PAPER_BAND) / height, 1.0)
    dx = (sheet_w - width * scale) / 2 - left * scale
    dy = (sheet_h - height * scale) / 2 - bottom * scale
    return sheet_w, sheet_h, scale, dx, dy


def content_bytes(page: PageObject) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    parts = contents if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(part.get_object().get_data() for part in parts)


def _font(base: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(base),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def _stamp(stamp: Stamp, width: float, height: float) -> bytes:
    marking_w = text_width(stamp.marking, bold=True, size=MARKING_SIZE)
    folio_w = text_width(stamp.folio, bold=False, size=FOLIO_SIZE)
    centre = (width - marking_w) / 2
    grey = "0.314 0.353 0.373 rg"  # the agenda's running heads, #505a5f
    lines = [
        _text(BOLD, MARKING_SIZE, centre, height - TOP_BASELINE, stamp.marking, "0 g"),
        _text(BOLD, MARKING_SIZE, centre, BOTTOM_BASELINE, stamp.marking, "0 g"),
        _text(
            REGULAR,
            FOLIO_SIZE,
            width - FOLIO_RIGHT - folio_w,
            BOTTOM_BASELINE,
            stamp.folio,
            grey,
        ),
    ]
    if stamp.label:
        label = _fitted(stamp.label, centre - FOLIO_RIGHT - 4 * MM)
        lines.append(_text(REGULAR, FOLIO_SIZE, FOLIO_RIGHT, height - TOP_BASELINE, label, grey))
    return ("q\n" + "".join(lines) + "Q\n").encode("latin-1")


def _fitted(text: str, room: float) -> str:
    """`text`, shortened with an ellipsis to fit `room` points."""
    if text_width(text, bold=False, size=FOLIO_SIZE) <= room:
        return text
    while text and text_width(text + "…", bold=False, size=FOLIO_SIZE) > room:
        text = text[:-1]
    return text + "…"


def _text(font: str, size: float, x: float, y: float, text: str, colour: str) -> str:
    return f"BT {colour} {font} {size} Tf {x:.2f} {y:.2f} Td ({_pdf_string(text)}) Tj ET\n"


def _pdf_string(text: str) -> str:
    """`text` in WinAnsi (what the standard fonts read), as a PDF literal string."""
    raw = text.encode("cp1252", "replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_width(text: str, *, bold: bool, size: float) -> float:
    widths = _widths(bold)
    return sum(widths.get(char, 556.0) for char in text) * size / 1000


@lru_cache(maxsize=2)
def _widths(bold: bool) -> dict[str, float]:
    try:  # Adobe's metrics of the standard fonts, as pypdf ships them
        from pypdf._codecs.core_font_metrics import CORE_FONT_METRICS
    except ImportError:  # an older pypdf: an average width centres well enough
        return {}
    return CORE_FONT_METRICS["Helvetica-Bold" if bold else "Helvetica"].character_widths
