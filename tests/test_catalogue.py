"""The French catalogue is complete and current, and no template shows text outside it.

- The catalogue is extracted afresh (babel.cfg, as a translator would) into a temporary file
  and compared with app/translations/fr: every string must be there, translated, not fuzzy,
  with the same placeholders; nothing may be left over from strings that are gone (stale);
  and the compiled .mo must say exactly what the .po says.
- Every template is walked as a Jinja AST (tests/template_text.py): text between tags and in
  readable attributes, and word-like constants in expressions, must come from `_()` or a
  `{% trans %}` block.
"""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.template_text import bare_text, template_environment

ROOT = Path(__file__).resolve().parent.parent
FRENCH = ROOT / "app" / "translations" / "fr" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What the code and templates ask to be translated today."""
    pot = tmp_path_factory.mktemp("catalogue") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "defer_translation",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def french() -> Catalog:
    with (FRENCH / "messages.po").open("rb") as handle:
        return read_po(handle, locale="fr")


def _ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def test_the_catalogue_is_not_empty(extracted: Catalog) -> None:
    assert len(_ids(extracted)) > 900


def test_every_string_has_a_french_translation(extracted: Catalog, french: Catalog) -> None:
    missing = sorted(map(str, _ids(extracted) - _ids(french)))
    assert missing == [], f"{len(missing)} strings are not in the French catalogue: {missing}"


def test_no_french_translation_is_stale(extracted: Catalog, french: Catalog) -> None:
    stale = sorted(map(str, _ids(french) - _ids(extracted)))
    assert stale == [], f"{len(stale)} French entries translate strings that are gone: {stale}"


def test_no_translation_is_empty_or_fuzzy(french: Catalog) -> None:
    problems = []
    for message in french:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert problems == []


def test_translations_keep_every_placeholder(french: Catalog) -> None:
    wrong = []
    for message in french:
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source)):
                wrong.append((source, text))
    assert wrong == []


def test_french_plurals_are_two_forms(french: Catalog) -> None:
    assert french.plural_forms == "nplurals=2; plural=(n > 1);"


def test_the_compiled_catalogue_says_what_the_po_says(french: Catalog) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, french)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)
    with (FRENCH / "messages.mo").open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    assert shipped._catalog == expected._catalog  # type: ignore[attr-defined]


def test_no_template_shows_text_outside_the_catalogue() -> None:
    found = bare_text(template_environment())
    assert found == [], "\n".join(map(str, found))


CAUGHT = """
<h1>Meetings</h1>
<p>{{ count }} meetings found</p>
<a href="/x" title="Open the meeting">{{ _("Open") }}</a>
<button data-confirm="Remove it?">{{ _("Remove") }}</button>
{{ submit("Save") }}
{{ meeting.venue or "Not set" }}
{% for side, label in (("uk", "United Kingdom"),) %}{{ label }}{% endfor %}
"""
NOT_CAUGHT = """
{#- A comment in English is for developers. -#}
<h1 class="heading-xl" id="title">{{ _("Meetings") }}</h1>
<p class="meta{% if late %} tag--overdue{% endif %}">
  {% trans n=count %}{{ n }} found{% endtrans %}</p>
<a href="{{ url_for('meetings.show', meeting_id=1) }}" aria-label="{{ _('Open') }}">→</a>
{% if status == "cancelled" %}{{ status|replace("_", " ") }}{% endif %}
{{ post_button(url, _("Remove"), "button--secondary button--small") }}
<title>{% block title %}Entente{% endblock %} – 2026</title>
"""


def test_the_template_check_catches_bare_text(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text(CAUGHT, encoding="utf-8")
    (tmp_path / "bad.txt").write_text("Dear {{ name }},\n", encoding="utf-8")
    found = {(item.template, item.text) for item in bare_text(template_environment(), tmp_path)}
    assert found == {
        ("bad.html", "Meetings"),
        ("bad.html", "meetings found"),
        ("bad.html", "Open the meeting"),
        ("bad.html", "Remove it?"),
        ("bad.html", "Save"),
        ("bad.html", "Not set"),
        ("bad.html", "United Kingdom"),
        ("bad.txt", "Dear  ,"),
    }


def test_the_template_check_passes_text_in_the_catalogue_and_markup(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(NOT_CAUGHT, encoding="utf-8")
    assert bare_text(template_environment(), tmp_path) == []
