"""The model library in a real browser: a coordinator turns a published project into a model, which waits
for the district office; the office reads it and publishes it; visitors then find it (1280 and 360 px)."""

from __future__ import annotations

import pytest

from alternanza.progetti.models import ModelloIntervento
from tests.browser.aiuti import entra, schermata, verifica_axe, verifica_console
from tests.progetti.factories import ProgettoPubblicatoFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_il_modello_del_referente_aspetta_l_ufficio_poi_e_pubblico(
    contesto, live_server, referente_a, ufficio_a, scuola_a, larghezza
):
    schermo = {"width": larghezza, "height": 800}
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Laboratorio di robotica")
    scuola = contesto(viewport=schermo)
    entra(scuola, live_server, referente_a)
    pagina = scuola.new_page()
    assert pagina.goto(f"/progetti/modelli/da-progetto/{progetto.pk}/").status == 200
    assert pagina.get_by_label("Pubblicato nella biblioteca").count() == 0  # the office decides
    pagina.get_by_label("Fasi").fill("1. Visita in azienda.\n2. Laboratorio a scuola.")
    pagina.get_by_role("button", name="Salva").click()
    pagina.wait_for_load_state()
    assert pagina.get_by_role("status").filter(has_text="In attesa di revisione").count() == 1
    verifica_axe(pagina)
    schermata(pagina, f"modello-1-referente-{larghezza}")
    modello = ModelloIntervento.objects.get(progetto=progetto)
    assert not modello.pubblicato

    ufficio = contesto(viewport=schermo)
    entra(ufficio, live_server, ufficio_a)
    elenco = ufficio.new_page()
    elenco.goto("/progetti/modelli/")
    assert elenco.get_by_text("da rivedere").count() == 1
    elenco.get_by_role("link", name=modello.titolo).click()
    elenco.wait_for_load_state()
    schermata(elenco, f"modello-2-ufficio-{larghezza}")
    verifica_axe(elenco)
    elenco.get_by_role("button", name="Pubblica nella biblioteca").click()
    elenco.wait_for_load_state()
    assert elenco.get_by_text("Modello pubblicato nella biblioteca.").count() == 1
    assert elenco.get_by_role("button", name="Togli dalla biblioteca pubblica").count() == 1
    verifica_console(elenco)

    visitatore = contesto(viewport=schermo).new_page()
    visitatore.goto("/progetti/modelli/")
    visitatore.get_by_role("link", name=modello.titolo).click()
    visitatore.wait_for_load_state()
    assert visitatore.get_by_role("heading", level=1).inner_text() == modello.titolo
    assert visitatore.get_by_role("button", name="Pubblica nella biblioteca").count() == 0
    schermata(visitatore, f"modello-3-visitatore-{larghezza}")
    verifica_console(visitatore)
