"""The main journeys in French in a real browser, and French text that no longer fits its box.

The browser asks for French (Accept-Language fr-FR), as a Brussels colleague's would. Every
page is screenshotted (tests/artifacts/fr-*.png) and checked for text that overflows its box
or makes the page scroll sideways, at desktop and phone widths: French runs about a fifth
longer than English.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import overflowing, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "viewer": [
        ("tableau-de-bord", "/"),
        ("reunions", "/meetings"),
        ("calendrier", "/meetings/calendar"),
        ("reunion", "/meetings/1"),
        ("invitations", "/invitations"),
        ("planification", "/planning"),
        ("themes", "/topics"),
        ("personnes", "/people"),
        ("organisations", "/organisations"),
        ("compte", "/account"),
        ("abonnements", "/feeds/"),
        ("ordre-du-jour", "/meetings/1/agenda"),
        ("version", "/meetings/1/agenda/versions/1"),
        ("introuvable", "/meetings/999999"),
    ],
    "editor": [
        ("reunion-redacteur", "/meetings/1"),
        ("nouvelle-reunion", "/meetings/new"),
        ("modifier-reunion", "/meetings/1/edit"),
        ("deplacer-reunion", "/meetings/1/move"),
        ("annuler-reunion", "/meetings/1/cancel"),
        ("ordre-du-jour-redacteur", "/meetings/1/agenda"),
        ("point", "/meetings/1/agenda/items/1"),
        ("delegation", "/meetings/1/participants/new"),
        ("nouvelle-invitation", "/invitations/new/1"),
        ("journal", "/audit"),
    ],
    "admin": [
        ("utilisateurs", "/admin/users"),
        ("utilisateur", "/admin/users/1"),
        ("planificateur", "/scheduler"),
    ],
}


@pytest.mark.parametrize("role", list(PAGES))
@pytest.mark.parametrize("width", [1280, 375])
def test_french_pages_fit_their_boxes(new_page, role, width):
    page = new_page(role, language="fr")
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for name, path in PAGES[role]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "fr"
        screenshot(page, f"fr-{width}-{role}-{name}")
        found = overflowing(page)
        if found:
            problems[path] = found
    assert problems == {}


def test_a_signed_out_visitor_switches_language(new_page):
    page = new_page(language="fr")
    page.goto("/login")
    expect(page.get_by_role("heading", name="Se connecter", level=1)).to_be_visible()
    screenshot(page, "fr-connexion")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Se connecter", level=1)).to_be_visible()
    page.get_by_role("button", name="Se connecter", exact=True).click()
    expect(page.get_by_role("heading", name="Un problème est survenu")).to_be_visible()
    expect(page.get_by_text("Saisissez votre adresse électronique").first).to_be_visible()
    screenshot(page, "fr-connexion-erreurs")
    assert overflowing(page) == []


def test_an_editor_plans_a_meeting_and_its_agenda_in_french(new_page):
    page = new_page("editor", language="fr")
    page.get_by_role("link", name="Réunions", exact=True).click()
    page.get_by_role("link", name="Créer une réunion").click()
    page.get_by_label("Titre", exact=True).fill("Consultation stratégique (essai)")
    page.get_by_label("Type de réunion").select_option(label="Consultation stratégique")
    page.get_by_label("Date de début").fill("2031-03-18")
    page.get_by_label("Heure de début").fill("10:00")
    page.get_by_label("Heure de fin").fill("09:00")
    page.get_by_label("Fuseau horaire", exact=True).select_option("Europe/Brussels")
    page.get_by_label("Lieu").fill("Palais d'Egmont")
    page.get_by_label("Ville hôte").fill("Bruxelles")
    page.get_by_role("button", name="Créer la réunion").click()
    expect(page.get_by_role("heading", name="Un problème est survenu")).to_be_visible()
    expect(
        page.get_by_role("link", name="La réunion doit se terminer après son début")
    ).to_be_visible()
    screenshot(page, "fr-nouvelle-reunion-erreurs")
    assert overflowing(page) == []

    page.get_by_label("Heure de fin").fill("16:30")
    page.get_by_role("button", name="Créer la réunion").click()
    expect(page.get_by_text("Réunion « Consultation stratégique (essai) » créée.")).to_be_visible()
    expect(page.get_by_text("mar. 18 mars 2031, 10:00–16:30 CET")).to_be_visible()
    expect(page.get_by_role("heading", name="Délégations")).to_be_visible()
    screenshot(page, "fr-reunion-creee")
    assert overflowing(page) == []

    page.get_by_role("link", name="Ouvrir l'ordre du jour et ses documents").click()
    page.get_by_label("Titre", exact=True).fill("Guerre d'agression de la Russie contre l'Ukraine")
    page.get_by_label("Durée (minutes)").fill("60")
    page.get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_text("Point ajouté au projet.")).to_be_visible()
    page.get_by_role("button", name="Diffuser", exact=True).click()
    expect(page.get_by_text("La diffusion est irréversible.", exact=False)).to_be_visible()
    screenshot(page, "fr-ordre-du-jour-confirmer")
    assert overflowing(page) == []
    page.get_by_role("button", name="Oui, diffuser la version 1").click()
    expect(page.get_by_text("Version 1 diffusée.")).to_be_visible()
    screenshot(page, "fr-ordre-du-jour-diffuse")
    assert overflowing(page) == []


def test_the_account_language_wins_over_the_browser(new_page):
    page = new_page("viewer", language="fr")
    page.goto("/account")
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    page.get_by_label("Language").select_option("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Vos paramètres sont enregistrés.")).to_be_visible()
