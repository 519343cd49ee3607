"""Issue 15, in a real browser: a coordinator proposes a host inline and the district office confirms it;
an organisation publishes an offer, a school shows interest, the organisation accepts and the places count
down, and the school starts the convenzione prefilled; the header search at 1280 and 360 px.

Set SCHERMATE=<folder> to keep a screenshot of each step (the closing note of the issue looked at them)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from partnership.models import Convenzione, InteresseOfferta, OffertaOspitalita, Organizzazione
from tests.browser.aiuti import entra, schermata, verifica_axe, verifica_console
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune

pytestmark = pytest.mark.browser
LARGO = {"width": 1280, "height": 800}
STRETTO = {"width": 360, "height": 740}


def test_il_referente_propone_l_ospitante_dal_modulo_e_l_ufficio_lo_conferma(
    contesto, live_server, referente_a, ufficio_a, scuola_a
):
    scuola = contesto(viewport=LARGO)
    entra(scuola, live_server, referente_a)
    pagina = scuola.new_page()
    assert pagina.goto("/rete/convenzioni/nuova/").status == 200
    # The rest of the form is typed first: proposing the host inline must not lose it.
    pagina.locator("#id_scadenza").fill("2099-08-31")
    pagina.locator("#id_sezione_dvr").fill("Rischi di officina: DPI forniti.")
    pagina.get_by_role("link", name="Non la trovi? Proponila qui sotto.").click()
    pagina.get_by_text("Non trovi l'organizzazione ospitante? Proponila qui").click()  # opens <details>
    verifica_axe(pagina)
    pagina.locator("#id_nuova_ospitante-nome").fill("Automazioni Coppola S.r.l.")
    pagina.locator("#id_nuova_ospitante-codice_fiscale").fill("01234560371")
    pagina.locator("#id_nuova_ospitante-comune").fill("Sasso Marconi")
    pagina.locator("#id_nuova_ospitante-codice_ateco").fill("28.99.20")
    schermata(pagina, "01-proponi-ospitante")
    pagina.get_by_role("button", name="Salva").click()
    pagina.wait_for_load_state()
    proposta = Organizzazione.objects.get(nome="Automazioni Coppola S.r.l.")
    assert proposta.da_verificare
    convenzione = Convenzione.objects.get(organizzazione=proposta)
    assert convenzione.sezione_dvr == "Rischi di officina: DPI forniti."
    assert "è stata aggiunta come organizzazione da verificare" in pagina.content()
    verifica_axe(pagina)
    verifica_console(pagina)
    schermata(pagina, "02-convenzione-con-ospitante-proposto")

    ufficio = contesto(viewport=LARGO)
    entra(ufficio, live_server, ufficio_a)
    pagina = ufficio.new_page()
    assert pagina.goto(reverse("area:home")).status == 200
    pagina.get_by_role("link", name="1 organizzazione proposta da verificare").click()
    pagina.wait_for_load_state()
    verifica_axe(pagina)
    schermata(pagina, "03-ufficio-da-verificare")
    pagina.get_by_role("button", name="Conferma").click()
    pagina.wait_for_load_state()
    assert "è confermata" in pagina.content()
    proposta.refresh_from_db()
    assert not proposta.da_verificare
    verifica_console(pagina)


def test_offerta_interesse_accettato_e_convenzione_avviata(
    contesto, live_server, referente_a, referente_org, organizzazione, scuola_a
):
    org = contesto(viewport=LARGO)
    entra(org, live_server, referente_org)
    pagina = org.new_page()
    assert pagina.goto("/rete/offerte/nuova/").status == 200
    verifica_axe(pagina)
    oggi = datetime.date.today()
    pagina.locator("#id_titolo").fill("Stage in automazione industriale")
    pagina.locator("#id_posti").fill("2")
    pagina.locator("#id_data_inizio").fill(f"{oggi:%Y-%m-%d}")
    pagina.locator("#id_data_fine").fill(f"{oggi + datetime.timedelta(days=60):%Y-%m-%d}")
    pagina.locator("#id_classi").fill("4ª")
    pagina.locator("#id_ore_settimanali").fill("20")
    pagina.locator("label", has_text="Secondaria di secondo grado").click()  # Bootstrap Italia's label
    pagina.get_by_role("button", name="Salva").click()
    pagina.wait_for_load_state()
    offerta = OffertaOspitalita.objects.get(titolo="Stage in automazione industriale")
    assert offerta.livelli == ["secondo_grado"] and offerta.ore_settimanali == 20
    assert "2 posti disponibili su 2" in pagina.content()

    scuola = contesto(viewport=LARGO)
    entra(scuola, live_server, referente_a)
    pscuola = scuola.new_page()
    assert pscuola.goto(f"/rete/offerte/{offerta.pk}/").status == 200
    pscuola.locator("#id_messaggio").fill("Classe 4ª B, meccatronica")
    pscuola.get_by_role("button", name="Invia").click()
    pscuola.wait_for_load_state()
    assert "Interesse inviato" in pscuola.content()

    pagina.reload()
    pagina.get_by_label("Nota per la scuola").fill("Vi aspettiamo lunedì alle 9.")
    schermata(pagina, "04-organizzazione-decide")
    pagina.get_by_role("button", name="Accetta").click()
    pagina.wait_for_load_state()
    assert InteresseOfferta.objects.get().stato == "accettato"
    assert "1 posto disponibile su 2" in pagina.content()
    verifica_axe(pagina)
    verifica_console(pagina)

    pscuola.reload()
    assert "Vi aspettiamo lunedì alle 9." in pscuola.content()
    schermata(pscuola, "05-scuola-vede-accettato")
    pscuola.get_by_role("link", name="Registra la convenzione").click()
    pscuola.wait_for_load_state()
    assert "Meccanica Emiliana S.p.A." in pscuola.content()
    pscuola.locator("#id_sezione_dvr").fill("Rischio rumore: otoprotettori forniti.")
    schermata(pscuola, "06-convenzione-precompilata")
    pscuola.get_by_role("button", name="Salva").click()
    pscuola.wait_for_load_state()
    convenzione = Convenzione.objects.get()
    assert convenzione.organizzazione == organizzazione and convenzione.scuola == scuola_a
    verifica_console(pscuola)


@pytest.mark.parametrize("larghezza", [LARGO, STRETTO], ids=["1280", "360"])
def test_la_ricerca_in_testata(contesto, live_server, larghezza):
    OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.", pubblica=True)
    ScuolaFactory(denominazione="LICEO SCIENTIFICO AUGUSTO RIGHI", comune=comune("Bologna"))
    pagina = contesto(viewport=larghezza).new_page()
    assert pagina.goto("/").status == 200
    if larghezza is LARGO:
        pagina.get_by_role("searchbox", name="Cerca nel portale").fill("automazione")
        pagina.get_by_role("button", name="Cerca", exact=True).click()
    else:
        pagina.get_by_role("link", name="Cerca nel portale").click()
        pagina.wait_for_load_state()
        pagina.get_by_label("Parole da cercare").fill("automazione")
        pagina.get_by_role("main").get_by_role("button", name="Cerca").click()
    pagina.wait_for_load_state()
    assert "Automazioni Coppola S.r.l." in pagina.locator("main").inner_text()
    verifica_axe(pagina)
    verifica_console(pagina)
    schermata(pagina, f"07-ricerca-{larghezza['width']}")
    pagina.goto("/cerca/?q=liceo+righi&tipo=scuole")
    assert "LICEO SCIENTIFICO AUGUSTO RIGHI" in pagina.locator("main").inner_text()
    verifica_axe(pagina)
    schermata(pagina, f"08-ricerca-scuole-{larghezza['width']}")
