"""The workspace (area:home): one section per role the user holds, each with what awaits them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alternanza.progetti.models import StatoProgetto, TransizioneProgetto
from distretti.models import Incarico, StatoIncarico
from tests.area.dati import popola
from tests.conftest import entra
from tests.factories import (
    IncaricoFactory,
    OrganizzazioneFactory,
    ReferenteOrganizzazioneFactory,
    UserFactory,
)
from tests.partnership.factories import ConvenzioneFactory, OffertaFactory
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.django_db
S = StatoProgetto
URL = "/area-riservata/"


def _pagina(client, persona) -> str:
    risposta = entra(client, persona).get(reverse("area:home"))
    assert risposta.status_code == 200
    return risposta.content.decode()


def test_indirizzo_e_nome(client):
    assert reverse("area:home") == URL


def test_anonimo_va_al_login(client):
    risposta = client.get(URL)
    assert risposta.status_code == 302
    assert reverse("account_login") in risposta["Location"]


def test_dopo_il_login_si_arriva_nell_area(client, referente_a):
    from django.conf import settings
    from django.shortcuts import resolve_url

    assert resolve_url(settings.LOGIN_REDIRECT_URL) == URL


# --- School coordinator -------------------------------------------------------------------------------


def test_referente_vede_i_progetti_per_stato_con_link_all_elenco_filtrato(client, referente_a, scuola_a):
    ProgettoFactory(scuola=scuola_a, stato=S.BOZZA)
    ProgettoFactory(scuola=scuola_a, stato=S.BOZZA)
    ProgettoFactory(scuola=scuola_a, stato=S.INVIATO)
    html = _pagina(client, referente_a)
    assert 'href="/progetti/miei/?stato=bozza#elenco"' in html
    assert "Bozza: <strong>2</strong>" in html
    assert "Inviato all&#x27;ufficio distrettuale: <strong>1</strong>" in html
    assert reverse("progetti:nuovo") in html


def test_referente_vede_le_osservazioni_dell_ufficio_e_cosa_fare(client, referente_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.RIMANDATO, titolo="Robotica in officina")
    TransizioneProgetto.objects.create(
        progetto=progetto, da_stato=S.INVIATO, a_stato=S.RIMANDATO, nota="Indicate le ore di sicurezza."
    )
    html = _pagina(client, referente_a)
    assert "Robotica in officina" in html
    assert "Indicate le ore di sicurezza." in html
    assert reverse("progetti:modifica", args=[progetto.pk]) in html
    assert "invialo di nuovo" in html


def test_referente_vede_la_convenzione_mancante(client, referente_a, scuola_a):
    ospite = OrganizzazioneFactory(nome="Officine Senza Carta")
    con_convenzione = OrganizzazioneFactory(nome="Officine In Regola")
    ConvenzioneFactory(
        scuola=scuola_a,
        organizzazione=con_convenzione,
        scadenza=timezone.localdate() + datetime.timedelta(days=200),
    )
    ProgettoFactory(scuola=scuola_a, stato=S.INVIATO, ospitanti=[ospite, con_convenzione])
    html = _pagina(client, referente_a)
    assert "convenzione mancante con Officine Senza Carta" in html
    assert "convenzione mancante con Officine In Regola" not in html
    assert reverse("partnership:convenzione_nuova") in html


def test_referente_non_vede_i_progetti_di_un_altra_scuola(client, referente_a, scuola_b):
    progetto = ProgettoFactory(scuola=scuola_b, stato=S.RIMANDATO, titolo="Progetto di Imola")
    TransizioneProgetto.objects.create(progetto=progetto, da_stato=S.INVIATO, a_stato=S.RIMANDATO, nota="x")
    html = _pagina(client, referente_a)
    assert "Progetto di Imola" not in html
    assert "Bozza: <strong>0</strong>" in html


def test_referente_vede_proposte_convenzioni_offerte_e_interessi(
    client, referente_a, scuola_a, organizzazione, distretto_a
):
    popola(1, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a, referente=referente_a)
    html = _pagina(client, referente_a)
    assert 'id="sezione-scuola"' in html
    assert "Le mie proposte per il Festival" in html and "Laboratorio di robotica" in html
    assert "Le convenzioni della scuola" in html and "scade il" in html
    assert "Tirocinio in officina" in html  # an offer open to the school and its expression of interest
    assert "2 studenti" in html
    # no office or staff tools for a coordinator
    assert 'id="sezione-ufficio"' not in html and 'id="sezione-staff"' not in html


# --- District office ----------------------------------------------------------------------------------


def test_ufficio_vede_la_coda_dal_piu_vecchio_con_il_prossimo_da_esaminare(
    client, ufficio_a, scuola_a, scuola_b
):
    vecchio = ProgettoFactory(scuola=scuola_a, stato=S.INVIATO, titolo="Il più vecchio")
    nuovo = ProgettoFactory(scuola=scuola_a, stato=S.INVIATO, titolo="Il più nuovo")
    ProgettoFactory(scuola=scuola_b, stato=S.INVIATO, titolo="Di Imola")
    from alternanza.progetti.models import Progetto

    Progetto.objects.filter(pk=vecchio.pk).update(aggiornato_il=timezone.now() - datetime.timedelta(days=9))
    html = _pagina(client, ufficio_a)
    assert "2 progetti in attesa di revisione" in html
    assert html.index("Il più vecchio") < html.index("Il più nuovo")
    assert "Di Imola" not in html
    prossimo = html.index("Esamina il prossimo")
    assert f'href="{reverse("progetti:progetto", args=[vecchio.pk])}"' in html[prossimo - 200 : prossimo]
    assert nuovo.pk


def test_ufficio_vede_le_scadenze_a_30_60_90_giorni_con_link_filtrati(
    client, ufficio_a, scuola_a, organizzazione, distretto_a
):
    popola(3, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    html = _pagina(client, ufficio_a)
    # convenzioni expire at 20, 50 and 80 days: 1 within 30, 2 within 60, 3 within 90
    assert '<a href="/rete/convenzioni/?stato=in_scadenza&amp;giorni=30">1</a>' in html
    assert '<a href="/rete/convenzioni/?stato=in_scadenza&amp;giorni=60">2</a>' in html
    assert '<a href="/rete/convenzioni/?stato=in_scadenza&amp;giorni=90">3</a>' in html
    # agreements expire at 45 days
    assert '<a href="/rete/ufficio/accordi/?scade_entro=30">0</a>' in html
    assert '<a href="/rete/ufficio/accordi/?scade_entro=60">3</a>' in html


def test_i_link_delle_scadenze_danno_gli_stessi_numeri(
    client, ufficio_a, scuola_a, organizzazione, distretto_a
):
    popola(3, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    entra(client, ufficio_a)
    elenco = client.get("/rete/convenzioni/?stato=in_scadenza&giorni=60")
    assert elenco.context["page_obj"].paginator.count == 2
    accordi = client.get("/rete/ufficio/accordi/?scade_entro=30")
    assert accordi.context["page_obj"].paginator.count == 0
    accordi = client.get("/rete/ufficio/accordi/?scade_entro=90")
    assert accordi.context["page_obj"].paginator.count == 3


def test_ufficio_vede_richieste_proposte_azioni_indicatori_e_report(
    client, ufficio_a, scuola_a, organizzazione, distretto_a
):
    popola(2, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    html = _pagina(client, ufficio_a)
    assert "4 richieste di ruolo da decidere" in html  # school roles and organisations of its district
    assert "2 proposte per il Festival da decidere" in html
    assert "2 azioni di rete" in html
    assert "2 interventi di assistenza tecnica (4" in html
    assert reverse("report:cruscotto") in html
    assert "Report di distretto" in html
    assert 'id="sezione-staff"' not in html
    assert 'id="sezione-scuola"' not in html


def test_ufficio_di_un_altro_distretto_non_vede_i_dati_di_bologna(
    client, ufficio_b, scuola_a, organizzazione, distretto_a
):
    popola(2, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    html = _pagina(client, ufficio_b)
    assert "0 progetti in attesa di revisione" in html
    assert "0 richieste di ruolo da decidere" in html
    assert "0 azioni di rete" in html
    assert "Report di distretto" not in html


# --- Staff --------------------------------------------------------------------------------------------


def test_staff_vede_tutti_i_distretti_newsletter_report_e_strumenti(
    client, staff, scuola_a, scuola_b, organizzazione, distretto_a
):
    popola(2, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    ProgettoFactory(scuola=scuola_b, stato=S.INVIATO)
    html = _pagina(client, staff)
    assert "Tutti i distretti" in html
    assert "3 progetti in attesa di revisione" in html
    assert "4 richieste di ruolo da decidere" in html  # organisation contacts too
    assert "Bozze: <strong>2</strong>" in html
    assert "In invio o in pausa: <strong>2</strong>" in html
    assert '<progress max="100" value="50"' in html
    assert '/report/?stato=errore">Non riusciti: <strong>2</strong>' in html.replace("\n", "")
    assert '/report/?origine=pianificato">Dal calendario: <strong>2</strong>' in html
    for nome in (
        "utenti:utenti",
        "utenti:inviti",
        "utenti:sicurezza",
        "utenti:modifiche",
        "distretti:importa",
        "partnership:importa_organizzazioni",
        "newsletter:iscritti_importa",
    ):
        assert reverse(nome) in html, nome


def test_elenco_dei_report_filtrato_per_stato(client, staff):
    from tests.report.factories import ReportJobFactory

    ReportJobFactory(stato="errore")
    ReportJobFactory(stato="completato")
    entra(client, staff)
    assert client.get("/report/?stato=errore").context["pagina"].paginator.count == 1
    assert client.get("/report/").context["pagina"].paginator.count == 2


# --- Organisation contact -----------------------------------------------------------------------------


def test_referente_organizzazione_vede_offerte_con_posti_rimasti_e_interessi_nuovi_prima(
    client, referente_org, organizzazione, scuola_a, distretto_a
):
    popola(1, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    from partnership.models import InteresseOfferta

    vecchio = InteresseOfferta.objects.filter(offerta__organizzazione=organizzazione, scuola=scuola_a).get()
    InteresseOfferta.objects.filter(pk=vecchio.pk).update(
        creato_il=timezone.now() - datetime.timedelta(days=30)
    )
    ConvenzioneFactory(scuola=scuola_a, organizzazione=organizzazione)
    # Accepted interests take the places (partnership.services.decidi_interesse).
    InteresseOfferta.objects.filter(offerta__organizzazione=organizzazione).update(stato="accettato")
    html = _pagina(client, referente_org)
    assert 'id="sezione-organizzazione"' in html
    assert "Meccanica Emiliana S.p.A." in html
    assert "2 posti rimasti su 5" in html  # 5 places, 2 + 1 students accepted
    assert "Interessi delle scuole (2)" in html
    # the new expression of interest (another school, today) comes before the month-old one
    sezione = html[html.index('id="sezione-organizzazione"') :]
    assert sezione.index("nuovo</span>") < sezione.index("Istituto tecnico Aldini (prova)")
    assert "Le convenzioni" in sezione and "Istituto tecnico Aldini (prova)" in sezione


def test_posti_residui_mai_sotto_zero(db, organizzazione, scuola_a):
    from partnership.models import InteresseOfferta, OffertaOspitalita

    offerta = OffertaFactory(organizzazione=organizzazione, posti=1)
    InteresseOfferta.objects.create(offerta=offerta, scuola=scuola_a, studenti=4, stato="accettato")
    assert OffertaOspitalita.objects.con_posti_residui().get(pk=offerta.pk).residui == 0


# --- Users without an approved role -------------------------------------------------------------------


def test_utente_senza_ruolo_vede_la_richiesta_chi_decide_e_cosa_succede(client, scuola_a):
    utente = UserFactory()
    IncaricoFactory(
        utente=utente, ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_a, stato=StatoIncarico.RICHIESTO
    )
    html = _pagina(client, utente)
    assert "Richieste di ruolo in attesa" in html
    assert "l&#x27;ufficio tecnico del distretto Bologna" in html
    assert "Riceverai un" in html and "e-mail appena la richiesta sarà decisa" in html
    assert reverse("utenti:richiedi_ruolo") in html
    assert "Non hai ancora un ruolo approvato" in html


def test_richiesta_di_organizzazione_fuori_distretto_la_decide_lo_staff(client):
    utente = UserFactory()
    ReferenteOrganizzazioneFactory(utente=utente, organizzazione__comune=None, stato=StatoIncarico.RICHIESTO)
    html = _pagina(client, utente)
    assert "la decide lo staff della Città metropolitana" in html


def test_piu_ruoli_una_pagina_con_una_sezione_per_ruolo(client, referente_a, distretto_b, organizzazione):
    IncaricoFactory(
        utente=referente_a, ruolo=Incarico.Ruolo.UFFICIO_DISTRETTO, scuola=None, distretto=distretto_b
    )
    ReferenteOrganizzazioneFactory(utente=referente_a, organizzazione=organizzazione)
    html = _pagina(client, referente_a)
    for sezione in ("sezione-scuola", "sezione-ufficio", "sezione-organizzazione"):
        assert f'id="{sezione}"' in html
    assert 'id="sezione-staff"' not in html
    assert "Non hai ancora un ruolo approvato" not in html
