"""The base UI in a real browser: without JavaScript, on a phone-sized screen, the language switcher and
the page-feedback form."""

import pytest

from alternanza.pagine.models import ValutazionePagina
from tests.browser.aiuti import verifica_axe, verifica_console
from tests.browser.conftest import ARTEFATTI

pytestmark = pytest.mark.browser


def test_home_funziona_senza_javascript(contesto):
    pagina = contesto(java_script_enabled=False).new_page()
    assert pagina.goto("/").status == 200
    assert pagina.get_by_role("heading", level=1).is_visible()
    # The district links are there and work as plain links.
    pagina.get_by_role("link", name="Imola").first.click()
    assert "/territorio/" in pagina.url
    assert pagina.get_by_role("heading", level=1).inner_text().strip() != ""


def test_home_su_schermo_da_360_pixel_senza_scorrimento_orizzontale(contesto):
    pagina = contesto(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()
    assert pagina.goto("/").status == 200
    ARTEFATTI.mkdir(parents=True, exist_ok=True)
    pagina.screenshot(path=str(ARTEFATTI / "home-360px.png"), full_page=True)
    larghezza = pagina.evaluate("() => document.scrollingElement.scrollWidth")
    assert larghezza <= 360, f"the page is {larghezza}px wide on a 360px screen"
    # The main menu collapses behind a button that opens it.
    pulsante = pagina.locator("button.custom-navbar-toggler")
    assert pulsante.is_visible()
    pulsante.click()
    assert pagina.locator("#menu-navigazione").get_by_role("link", name="Distretti e scuole").is_visible()
    verifica_axe(pagina)
    verifica_console(pagina)


def test_il_selettore_di_lingua_passa_all_inglese_e_ritorno(pagina, live_server):
    pagina.goto("/contatti/")
    assert pagina.locator("html").get_attribute("lang") == "it"
    with pagina.expect_navigation():
        pagina.get_by_role("button", name="EN – Inglese").click()
    assert pagina.url == f"{live_server.url}/en/contatti/"
    assert pagina.locator("html").get_attribute("lang") == "en"
    with pagina.expect_navigation():
        pagina.locator("form.lingue button[value=it]").click()
    assert pagina.url == f"{live_server.url}/contatti/"
    assert pagina.locator("html").get_attribute("lang") == "it"


@pytest.mark.parametrize("javascript", [False, True], ids=["senza-js", "con-js"])
def test_la_valutazione_della_pagina_si_invia(contesto, javascript):
    pagina = contesto(java_script_enabled=javascript).new_page()
    pagina.goto("/privacy/")
    modulo = pagina.locator("form.valutazione")
    modulo.get_by_text("Molto", exact=True).click()  # the label: Bootstrap Italia restyles the radio
    modulo.get_by_role("button", name="Invia la valutazione").click()
    pagina.wait_for_load_state()
    assert pagina.url.endswith("/privacy/")
    assert pagina.get_by_role("status").get_by_text("Grazie").is_visible()
    assert list(ValutazionePagina.objects.values_list("pagina", "voto")) == [("/privacy/", 4)]


def test_la_pagina_non_trovata_e_accessibile_e_porta_alla_home(pagina):
    risposta = pagina.goto("/questa-pagina-non-esiste/")
    assert risposta.status == 404
    assert pagina.get_by_role("heading", level=1).inner_text().strip() == "Pagina non trovata"
    verifica_axe(pagina)
    pagina.get_by_role("link", name="Torna alla pagina iniziale").click()
    assert pagina.url.endswith("/")
