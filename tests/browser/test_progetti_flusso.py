"""Projects in a real browser: a coordinator registers a project and submits it, the district office
validates and publishes it, a visitor finds it in the showcase by an inflected word; every page passes
axe-core and shows no console (CSP) errors."""

import pytest

from alternanza.progetti.models import Progetto, StatoProgetto
from tests.browser.aiuti import entra, verifica_axe, verifica_console

pytestmark = pytest.mark.browser


def test_il_referente_registra_e_l_ufficio_valida_e_pubblica(
    contesto, live_server, referente_a, ufficio_a, scuola_a
):
    scuola = contesto(viewport={"width": 1280, "height": 800})
    entra(scuola, live_server, referente_a)
    pagina = scuola.new_page()

    assert pagina.goto("/progetti/miei/").status == 200
    verifica_axe(pagina)
    pagina.get_by_role("link", name="Registra un nuovo progetto").click()
    pagina.wait_for_load_state()
    assert "Non scrivere nomi, cognomi" in pagina.content()
    verifica_axe(pagina)
    pagina.locator("#id_anno_scolastico").fill("2025/26")
    pagina.locator("#id_titolo").fill("Reparto meccanico in azienda")
    pagina.locator("#id_descrizione").fill("Due settimane in un'officina del territorio.")
    pagina.locator("#id_studenti_totale").fill("20")
    pagina.locator("#id_studenti_ragazze").fill("25")  # more girls than students: refused
    pagina.locator("label[for=id_consenso_vetrina]").click()  # Bootstrap Italia draws the box on the label
    pagina.get_by_role("button", name="Salva").click()
    pagina.wait_for_load_state()
    assert "Non può superare il numero totale" in pagina.content()
    verifica_axe(pagina)
    pagina.locator("#id_studenti_ragazze").fill("9")
    pagina.get_by_role("button", name="Salva").click()
    pagina.wait_for_load_state()
    progetto = Progetto.objects.get(titolo="Reparto meccanico in azienda")
    assert pagina.url.endswith(f"/progetti/{progetto.pk}/")
    verifica_axe(pagina)
    pagina.get_by_role("button", name="Invia all'ufficio distrettuale").click()
    pagina.wait_for_load_state()
    progetto.refresh_from_db()
    assert progetto.stato == StatoProgetto.INVIATO
    verifica_console(pagina)

    ufficio = contesto(viewport={"width": 1280, "height": 800})
    entra(ufficio, live_server, ufficio_a)
    revisione = ufficio.new_page()
    assert revisione.goto("/progetti/revisione/").status == 200
    verifica_axe(revisione)
    revisione.get_by_role("link", name="Reparto meccanico in azienda").click()
    revisione.wait_for_load_state()
    revisione.get_by_role("button", name="Valida").click()
    revisione.wait_for_load_state()
    revisione.get_by_role("button", name="Pubblica").click()
    revisione.wait_for_load_state()
    progetto.refresh_from_db()
    assert progetto.stato == StatoProgetto.PUBBLICATO
    verifica_console(revisione)

    visitatore = contesto(viewport={"width": 360, "height": 740}).new_page()
    assert visitatore.goto("/progetti/?q=meccanica").status == 200
    assert visitatore.get_by_role("link", name="Reparto meccanico in azienda").is_visible()
    verifica_axe(visitatore)
    visitatore.get_by_role("link", name="Reparto meccanico in azienda").click()
    visitatore.wait_for_load_state()
    verifica_axe(visitatore)
    verifica_console(visitatore)
