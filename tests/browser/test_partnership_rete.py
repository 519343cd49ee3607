"""The network's reserved pages in a real browser: the district office filters and sorts its list, staff
open the management form, a coordinator expresses interest in an offer and the organisation contact
sees it; every page passes axe-core and shows no console (CSP) errors."""

import datetime

import pytest

from partnership.models import InteresseOfferta
from tests.browser.aiuti import entra, verifica_axe, verifica_console
from tests.factories import OrganizzazioneFactory, comune
from tests.partnership.factories import OffertaFactory, area_s3

pytestmark = pytest.mark.browser


def test_ufficio_filtra_e_ordina_le_organizzazioni_del_distretto(contesto, live_server, ufficio_a):
    for n in range(30):
        OrganizzazioneFactory(nome=f"Impresa {n:02d}", comune=comune("Bologna")).aree_s3.add(area_s3("mech"))
    OrganizzazioneFactory(nome="Cooperativa Sociale Felsinea", comune=comune("Bologna"), tipo="terzo_settore")
    ctx = contesto(viewport={"width": 1280, "height": 800})
    entra(ctx, live_server, ufficio_a)
    pagina = ctx.new_page()
    assert pagina.goto("/rete/ufficio/organizzazioni/").status == 200
    verifica_axe(pagina)
    verifica_console(pagina)
    pagina.locator("#id_tipo").select_option("terzo_settore")
    pagina.get_by_role("button", name="Filtra").click()
    pagina.wait_for_load_state()
    assert "tipo=terzo_settore" in pagina.url  # bookmarkable
    assert pagina.locator("tbody tr").count() == 1
    assert "Cooperativa Sociale Felsinea" in pagina.locator("tbody").inner_text()
    pagina.goto("/rete/ufficio/organizzazioni/?tipo=impresa&ordina=-nome")
    assert pagina.locator("tbody tr").first.inner_text().startswith("Impresa 29")
    verifica_axe(pagina)


def test_staff_apre_il_modulo_e_la_partita_iva_errata_e_spiegata(contesto, live_server, staff):
    ctx = contesto(viewport={"width": 1280, "height": 800})
    entra(ctx, live_server, staff)
    pagina = ctx.new_page()
    assert pagina.goto("/rete/gestione/organizzazioni/nuova/").status == 200
    verifica_axe(pagina)
    pagina.locator("#id_nome").fill("Officina Errata")
    pagina.locator("#id_codice_fiscale").fill("00743110158")
    pagina.get_by_role("button", name="Salva").click()
    pagina.wait_for_load_state()
    assert "cifra di controllo non corrisponde" in pagina.content()
    verifica_axe(pagina)
    verifica_console(pagina)


def test_referente_manifesta_interesse_e_l_organizzazione_lo_vede(
    contesto, live_server, referente_a, referente_org, organizzazione, scuola_a
):
    offerta = OffertaFactory(
        organizzazione=organizzazione,
        titolo="Stage in manutenzione",
        data_inizio=datetime.date(2099, 1, 10),
        data_fine=datetime.date(2099, 3, 10),
    )
    scuola = contesto(viewport={"width": 1280, "height": 800})
    entra(scuola, live_server, referente_a)
    pagina = scuola.new_page()
    assert pagina.goto("/rete/offerte/").status == 200
    verifica_axe(pagina)
    pagina.get_by_role("link", name="Stage in manutenzione").click()
    pagina.wait_for_load_state()
    verifica_axe(pagina)
    pagina.locator("#id_studenti").fill("4")
    pagina.locator("#id_messaggio").fill("Classe quarta B")
    pagina.get_by_role("button", name="Invia").click()
    pagina.wait_for_load_state()
    assert InteresseOfferta.objects.filter(offerta=offerta, scuola=scuola_a, studenti=4).exists()
    verifica_console(pagina)

    org = contesto(viewport={"width": 1280, "height": 800})
    entra(org, live_server, referente_org)
    pagina = org.new_page()
    assert pagina.goto("/rete/mia-organizzazione/").status == 200
    assert "Classe quarta B" in pagina.content()
    verifica_axe(pagina)
