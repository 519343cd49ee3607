"""The Festival in a real browser: a visitor filters events by district and audience, opens one and
downloads its .ics (with and without JavaScript, on a desktop and on a 360 px screen); the proposal
form and the review pages pass axe-core too."""

import icalendar
import pytest

from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.browser.conftest import ARTEFATTI
from tests.eventi.factories import festival_di_prova

pytestmark = pytest.mark.browser

SCHERMI = {
    "desktop-js": {"viewport": {"width": 1280, "height": 800}},
    "senza-js": {"viewport": {"width": 1280, "height": 800}, "java_script_enabled": False},
    "360px": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    "360px-senza-js": {"viewport": {"width": 360, "height": 740}, "java_script_enabled": False},
}


def _senza_scorrimento_orizzontale(pagina, larghezza: int) -> None:
    effettiva = pagina.evaluate("() => document.scrollingElement.scrollWidth")
    assert effettiva <= larghezza, f"{pagina.url} is {effettiva}px wide on a {larghezza}px screen"


@pytest.mark.parametrize("schermo", list(SCHERMI))
def test_visitatore_filtra_per_distretto_e_pubblico_apre_evento_e_scarica_ics(contesto, schermo):
    festival_di_prova()
    opzioni = SCHERMI[schermo]
    ctx = contesto(accept_downloads=True, **opzioni)
    pagina = ctx.new_page()
    larghezza = opzioni["viewport"]["width"]

    assert pagina.goto("/festival/").status == 200
    assert pagina.get_by_role("heading", level=1).inner_text().strip() == "Festival della Cultura tecnica"
    pagina.locator(".festival-sottomenu").get_by_role("link", name="Eventi", exact=True).click()
    pagina.wait_for_load_state()
    assert "/festival/eventi/" in pagina.url

    pagina.get_by_label("Dal giorno").fill("2026-01-01")
    pagina.get_by_label("Distretto").select_option(label="Imola")
    pagina.get_by_label("Pubblico").select_option(label="Famiglie")
    pagina.get_by_role("button", name="Applica i filtri").click()
    pagina.wait_for_load_state()
    assert "distretto=imola" in pagina.url and "pubblico=famiglie" in pagina.url  # bookmarkable
    risultati = pagina.locator("ol.elenco-eventi")
    assert risultati.get_by_role("link", name="Open day della meccatronica").is_visible()
    assert risultati.get_by_role("link", name="Laboratorio di robotica per famiglie").count() == 0  # Bologna
    assert risultati.get_by_role("link", name="Convegno: scuola e impresa").count() == 0  # teachers only
    _senza_scorrimento_orizzontale(pagina, larghezza)
    if larghezza == 360:
        ARTEFATTI.mkdir(parents=True, exist_ok=True)
        pagina.screenshot(path=str(ARTEFATTI / f"festival-elenco-{schermo}.png"), full_page=True)
    if opzioni.get("java_script_enabled", True):  # axe runs as JavaScript in the page
        verifica_axe(pagina)

    risultati.get_by_role("link", name="Open day della meccatronica").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("heading", level=1).inner_text() == "Open day della meccatronica"
    _senza_scorrimento_orizzontale(pagina, larghezza)
    if larghezza == 360:
        pagina.screenshot(path=str(ARTEFATTI / f"festival-evento-{schermo}.png"), full_page=True)

    with pagina.expect_download() as scaricamento:
        pagina.get_by_role("link", name="File .ics (Apple, Thunderbird, Outlook)").click()
    file = scaricamento.value
    assert file.suggested_filename == "open-day-meccatronica-imola.ics"
    with open(file.path(), "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Open day della meccatronica"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Rome"
    assert vevent["DTSTART"].dt.hour == 10
    if opzioni.get("java_script_enabled", True):
        verifica_console(pagina)


@pytest.mark.parametrize("lingua", ["it", "en"])
def test_calendario_del_mese_su_schermo_stretto_senza_javascript(contesto, lingua):
    festival_di_prova()
    pagina = contesto(viewport={"width": 360, "height": 740}, java_script_enabled=False).new_page()
    prefisso = "" if lingua == "it" else "/en"
    assert pagina.goto(f"{prefisso}/festival/eventi/calendario/?mese=2026-11").status == 200
    assert pagina.get_by_role("link", name="Laboratorio di robotica per famiglie").first.is_visible()
    _senza_scorrimento_orizzontale(pagina, 360)
    ARTEFATTI.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(ARTEFATTI / f"festival-calendario-360px-{lingua}.png"), full_page=True)
    pagina.get_by_role("link", name="dicembre 2026" if lingua == "it" else "December 2026").click()
    pagina.wait_for_load_state()
    assert "mese=2026-12" in pagina.url


@pytest.mark.parametrize("lingua", ["it", "en"])
def test_modulo_di_proposta_e_gestione_accessibili(contesto, live_server, referente_a, lingua):
    festival_di_prova()
    ctx = contesto(viewport={"width": 1280, "height": 800})
    entra(ctx, live_server, referente_a)
    pagina = ctx.new_page()
    prefisso = "" if lingua == "it" else "/en"
    assert pagina.goto(f"{prefisso}/festival/proponi/").status == 200
    verifica_axe(pagina)
    # submitting an empty form shows the errors next to the fields, still accessible
    pagina.locator("form.modulo-evento button[type=submit]").click()
    pagina.wait_for_load_state()
    assert pagina.locator(".campo-errori").count() > 0
    assert pagina.evaluate("() => document.activeElement.hasAttribute('data-riepilogo-errori')")
    verifica_axe(pagina)
    assert pagina.goto(f"{prefisso}/festival/gestione/").status == 200
    verifica_axe(pagina)
    verifica_console(pagina)
