"""Find human text in templates that is not in the catalogue (outside `_()` and `{% trans %}`).

The Jinja AST is walked, not the source, so `{% trans %}` blocks and `_()` calls (which the
parser turns into gettext calls) are never reported, and everything else is:
- text between tags (TemplateData) with a letter in it, once HTML tags, comments and
  character references are taken out;
- the values of attributes people read (title, alt, placeholder, aria-label, ...), including
  `data-confirm` (the confirmation dialog);
- string constants in expressions that read like words ("Not set", "Remove", "lunch only"),
  unless they are only compared, used as keys, passed to url_for-style helpers or filters
  that take identifiers, or are identifiers themselves (`button--secondary`, `meetings.show`).

Run `python -m tests.template_text` to list what is left.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, nodes

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LETTER = re.compile(r"[^\W\d_]")
# Words that are the same in every language (the service's name; units after numbers).
UNTRANSLATED = {"Entente"}
HUMAN_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "data-confirm",
    "label",
    "summary",
}
GETTEXT = {"_", "gettext", "ngettext", "pgettext", "npgettext", "lazy_gettext"}
# Calls whose string arguments are identifiers (endpoints, query keys, roles, paths).
IDENTIFIER_CALLS = {
    "url_for",
    "url_with",
    "endpoint_url",
    "can",
    "csrf_token",
    "nav_links",
    "enum_label",
    "language_name",
}
# Filters whose string arguments are identifiers or formats, not text.
IDENTIFIER_FILTERS = {
    "replace",
    "join",
    "attr",
    "map",
    "selectattr",
    "rejectattr",
    "sort",
    "groupby",
    "local",
    "time_range",
    "viewer_time_range",
    "format",
    "trim",
    "enum_label",
    "default",
}
IDENTIFIER = re.compile(r"^[\w.:/#%?=&@,+-]*$")
WORDS = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class BareText:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


class _TextFinder(HTMLParser):
    """Collects human text (data and readable attributes) from a stretch of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in HUMAN_ATTRIBUTES and value and _has_words(value):
                self.found.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and _has_words(data):
            self.found.append(data.strip())


def _has_words(text: str) -> bool:
    cleaned = text.replace(PLACEHOLDER, " ")
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", cleaned) if w not in UNTRANSLATED]
    return any(LETTER.search(w) for w in words)


PLACEHOLDER = " "  # where an expression or statement was


def _is_wordlike(value: str) -> bool:
    """A constant that a person reads: capitalised, or more than one plain word."""
    if not LETTER.search(value) or value in UNTRANSLATED:
        return False
    if value.startswith("%") or (value.strip() != value and not value.strip()):
        return False
    tokens = value.split()
    if len(tokens) == 1:
        token = tokens[0]
        return token[:1].isupper() and not token.isupper() and IDENTIFIER.match(token) is not None
    plain = [t for t in tokens if WORDS.fullmatch(t.strip(".,:;!?()")) is not None]
    return len(plain) >= 2 or any(t[:1].isupper() for t in plain)


def _joined_source(template: nodes.Template) -> str:
    """TemplateData in document order, a placeholder where an expression or tag was.

    Blank lines are padded in so that the parser's line numbers are the template's.
    """
    text = ""
    line = 1
    for node in template.find_all(nodes.TemplateData):
        if node.lineno > line:
            text += "\n" * (node.lineno - line)
            line = node.lineno
        text += PLACEHOLDER + node.data
        line += node.data.count("\n")
    return text


class _LocatedFinder(_TextFinder):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        before = len(self.found)
        super().handle_starttag(tag, attrs)
        self.lines.extend([self.getpos()[0]] * (len(self.found) - before))

    def handle_data(self, data: str) -> None:
        before = len(self.found)
        super().handle_data(data)
        if len(self.found) > before:
            leading = data[: len(data) - len(data.lstrip())]
            self.lines.append(self.getpos()[0] + leading.count("\n"))


def _html_text(name: str, template: nodes.Template) -> Iterator[BareText]:
    source = _joined_source(template)
    if name.endswith((".txt", ".md")):
        for number, line in enumerate(source.splitlines(), start=1):
            if _has_words(line):
                yield BareText(name, number, line.replace(PLACEHOLDER, " ").strip())
        return
    finder = _LocatedFinder()
    finder.feed(source)
    finder.close()
    for line, text in zip(finder.lines, finder.found, strict=True):
        yield BareText(name, line, text.replace(PLACEHOLDER, " ").strip())


def _parents(template: nodes.Template) -> dict[int, nodes.Node]:
    parents: dict[int, nodes.Node] = {}
    stack: list[nodes.Node] = [template]
    while stack:
        node = stack.pop()
        for child in node.iter_child_nodes():
            parents[id(child)] = node
            stack.append(child)
    return parents


def _call_name(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Call):
        target = node.node
        if isinstance(target, nodes.Name):
            return target.name
        if isinstance(target, nodes.Getattr):
            return target.attr
    return None


def _exempt(const: nodes.Const, parents: dict[int, nodes.Node]) -> bool:
    """A constant used as an identifier rather than shown."""
    child: nodes.Node = const
    parent = parents.get(id(child))
    while parent is not None:
        if isinstance(parent, nodes.Call) and _call_name(parent) in GETTEXT | IDENTIFIER_CALLS:
            return True
        if isinstance(parent, nodes.Compare | nodes.Operand | nodes.Test):
            return True
        if isinstance(parent, nodes.Getitem) and parent.arg is child:
            return True
        if isinstance(parent, nodes.Pair) and parent.key is child:
            return True
        if isinstance(parent, nodes.Filter) and parent.name in IDENTIFIER_FILTERS:
            return parent.node is not child
        if isinstance(parent, nodes.Import | nodes.FromImport | nodes.Include | nodes.Extends):
            return True
        if isinstance(parent, nodes.Stmt):
            return False
        child, parent = parent, parents.get(id(parent))
    return False


def _expression_text(name: str, template: nodes.Template) -> Iterator[BareText]:
    parents = _parents(template)
    for const in template.find_all(nodes.Const):
        value = const.value
        if isinstance(value, str) and _is_wordlike(value) and not _exempt(const, parents):
            yield BareText(name, const.lineno, value)


def bare_text(env: Environment, root: Path = TEMPLATES) -> list[BareText]:
    """Every piece of human text outside the catalogue in the templates under `root`."""
    found: list[BareText] = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".html", ".txt", ".md"):
            continue
        name = path.relative_to(root).as_posix()
        tree = env.parse(path.read_text(encoding="utf-8"), name, str(path))
        found.extend(_html_text(name, tree))
        found.extend(_expression_text(name, tree))
    return found


def template_environment() -> Environment:
    """A bare environment with the i18n extension, as the app's (no app needed to parse)."""
    return Environment(extensions=["jinja2.ext.i18n"], autoescape=True)


if __name__ == "__main__":
    results = bare_text(
        template_environment(), Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES
    )
    for item in results:
        print(item)
    print(f"{len(results)} pieces of text outside the catalogue", file=sys.stderr)
