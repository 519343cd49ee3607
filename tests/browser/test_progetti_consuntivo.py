"""The life of a project after validation in a real browser (issue 15): the coordinator starts the
project, records the consuntivo and concludes it, asks the host for its evaluation; the host's tutor
fills it in from the mailed link without an account; a visitor reads what happened. At 1280 and 360 px,
every page through axe-core and without console errors; screenshots in tests/artifacts/."""

import pytest
from django.core import mail

from alternanza.progetti.models import ProgettoOrganizzazione, StatoProgetto
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.browser.conftest import ARTEFATTI
from tests.progetti.factories import ProgettoPubblicatoFactory

pytestmark = pytest.mark.browser
S = StatoProgetto


def _foto(pagina, nome: str) -> None:
    ARTEFATTI.mkdir(exist_ok=True)
    pagina.screenshot(path=str(ARTEFATTI / f"consuntivo-{nome}.png"), full_page=True)


@pytest.mark.parametrize("larghezza", [1280, 360])
def test_in_corso_consuntivo_conclusione_valutazione_e_pagina_pubblica(
    contesto, live_server, referente_a, scuola_a, organizzazione, larghezza
):
    progetto = ProgettoPubblicatoFactory(
        scuola=scuola_a, titolo="Robotica in officina", ore_previste=90, ospitanti=[organizzazione]
    )
    ospite = ProgettoOrganizzazione.objects.get(progetto=progetto)
    schermo = {"width": larghezza, "height": 800}

    scuola = contesto(viewport=schermo)
    entra(scuola, live_server, referente_a)
    pagina = scuola.new_page()
    pagina.goto(f"/progetti/{progetto.pk}/")
    verifica_axe(pagina)
    pagina.get_by_role("button", name="Avvia il progetto (in corso)").click()
    pagina.wait_for_load_state()
    assert "In corso" in pagina.content()
    _foto(pagina, f"{larghezza}-1-in-corso")

    pagina.get_by_role("link", name="Aggiorna il consuntivo").click()
    pagina.wait_for_load_state()
    verifica_axe(pagina)
    consuntivo = {
        "ore_svolte": "84",
        "studenti_totale": "22",
        "studenti_ragazze": "9",
        "risultati": "Un prototipo di robot che smista i pacchi.",
        "valutazione": "Ottima collaborazione con l'azienda.",
        "org-0-tutor_nome": "Marco Bianchi",
        "org-0-tutor_email": "m.bianchi@azienda.example.org",
    }
    for campo, valore in consuntivo.items():
        pagina.locator(f"#id_{campo}").fill(valore)
    _foto(pagina, f"{larghezza}-2-consuntivo")
    pagina.get_by_role("button", name="Salva").click()
    pagina.wait_for_load_state()
    progetto.refresh_from_db()
    assert (progetto.ore_svolte, progetto.stato) == (84, S.IN_CORSO)

    pagina.get_by_role("button", name="Concludi il progetto").click()
    pagina.wait_for_load_state()
    progetto.refresh_from_db()
    assert progetto.stato == S.CONCLUSO
    pagina.get_by_role(
        "button", name=f"Chiedi la valutazione all'organizzazione {organizzazione.nome}"
    ).click()
    pagina.wait_for_load_state()
    assert "Richiesta di valutazione inviata a m.bianchi@azienda.example.org" in pagina.content()
    verifica_axe(pagina)
    verifica_console(pagina)
    _foto(pagina, f"{larghezza}-3-concluso-riservato")

    # The host's tutor, from the mailed link, with no account.
    (messaggio,) = [m for m in mail.outbox if m.to == ["m.bianchi@azienda.example.org"]]
    link = next(r for r in messaggio.body.splitlines() if "/progetti/valutazione/" in r).strip()
    tutor = contesto(viewport=schermo).new_page()
    tutor.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    verifica_axe(tutor)
    tutor.get_by_role("button", name="Invia la valutazione").click()
    tutor.wait_for_load_state()
    assert "Scegli un giudizio complessivo." in tutor.content()
    verifica_axe(tutor)
    _foto(tutor, f"{larghezza}-4-valutazione-errori")
    tutor.locator("#id_compilata_da").fill("Marco Bianchi, tutor")
    tutor.locator("label", has_text="Molto positivo").click()
    tutor.locator("#id_testo").fill("Studenti puntuali e curiosi.")
    tutor.get_by_role("button", name="Invia la valutazione").click()
    tutor.wait_for_load_state()
    assert "Grazie per la valutazione" in tutor.content()
    verifica_console(tutor)
    ospite.valutazione.refresh_from_db()
    assert ospite.valutazione.giudizio == 4

    # A visitor: what happened, no workflow words, no tutor.
    visitatore = contesto(viewport=schermo).new_page()
    visitatore.goto(f"/progetti/{progetto.pk}/")
    testo = visitatore.content()
    assert "84 ore svolte" in testo and "Un prototipo di robot" in testo
    assert "Pubblicato" not in testo and "Marco Bianchi" not in testo
    verifica_axe(visitatore)
    verifica_console(visitatore)
    _foto(visitatore, f"{larghezza}-5-pubblica")
