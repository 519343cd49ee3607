"""The public showcase: what visitors see, filters, Italian search ranking, query counts, the cache."""

import pytest
from django.urls import reverse

from alternanza.progetti import workflow
from alternanza.progetti.models import ProgettoOrganizzazione, StatoProgetto
from distretti.models import AmbitoTematico
from tests.conftest import entra
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune
from tests.progetti.factories import ProgettoFactory, ProgettoPubblicatoFactory, titoli_schede

S = StatoProgetto
pytestmark = pytest.mark.django_db
URL = "/progetti/"


def test_il_nome_della_vetrina_e_quello_del_menu():
    assert reverse("progetti:vetrina") == URL


def test_i_visitatori_vedono_solo_i_pubblicati_con_consenso(client, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Visibile")
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Senza consenso", consenso_vetrina=False)
    for stato in (S.BOZZA, S.INVIATO, S.VALIDATO, S.RIMANDATO, S.ARCHIVIATO):
        ProgettoFactory(scuola=scuola_a, stato=stato, titolo=f"Stato {stato}")
    assert titoli_schede(client.get(URL)) == ["Visibile"]


def test_la_ricerca_italiana_trova_le_forme_flesse_e_ordina_per_rilevanza(client, scuola_a):
    ProgettoPubblicatoFactory(
        scuola=scuola_a,
        titolo="Gita al museo",
        descrizione="Visita guidata",
        obiettivi="Un reparto meccanico",
    )
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Reparto meccanico", descrizione="Officina")
    ProgettoPubblicatoFactory(
        scuola=scuola_a, titolo="Turismo", descrizione="Accoglienza", obiettivi="Lingue straniere"
    )
    titoli = titoli_schede(client.get(URL, {"q": "meccanica"}))
    # "meccanica" finds "meccanico" (Italian stemming); a match in the title (weight A) ranks first.
    assert titoli == ["Reparto meccanico", "Gita al museo"]


def test_la_ricerca_trova_anche_il_nome_della_scuola(client):
    scuola = ScuolaFactory(denominazione="Istituto Belluzzi Fioravanti")
    ProgettoPubblicatoFactory(scuola=scuola, titolo="Stage")
    assert titoli_schede(client.get(URL, {"q": "Belluzzi"})) == ["Stage"]


def test_filtri_per_distretto_comune_anno_ambito_e_ospitante(client, scuola_a, scuola_b):
    org = OrganizzazioneFactory(nome="Ducati Motor", slug="ducati-motor")
    ambito = AmbitoTematico.objects.first()
    a = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="A", anno_scolastico="2024/25", ospitanti=[org])
    a.ambiti.add(ambito)
    b = ProgettoPubblicatoFactory(scuola=scuola_b, titolo="B")
    b.comuni.add(comune("Bologna"))
    assert titoli_schede(client.get(URL, {"distretto": "imola"})) == ["B"]
    assert sorted(titoli_schede(client.get(URL, {"comune": comune("Bologna").pk}))) == ["A", "B"]
    assert titoli_schede(client.get(URL, {"anno": "2024/25"})) == ["A"]
    assert titoli_schede(client.get(URL, {"ambito": ambito.slug})) == ["A"]
    assert titoli_schede(client.get(URL, {"ospitante": "ducati"})) == ["A"]
    assert titoli_schede(client.get(URL, {"scuola": scuola_b.codice_meccanografico})) == ["B"]


def test_un_partner_non_ospitante_non_conta_come_ospitante(client, scuola_a):
    org = OrganizzazioneFactory(nome="Ente formatore")
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a)
    ProgettoOrganizzazione.objects.create(
        progetto=progetto, organizzazione=org, ruolo=ProgettoOrganizzazione.Ruolo.FORMAZIONE
    )
    assert titoli_schede(client.get(URL, {"ospitante": "formatore"})) == []


@pytest.mark.parametrize("quanti", [3, 30])
@pytest.mark.parametrize(
    "parametri", [{}, {"q": "alternanza"}, {"distretto": "bologna", "ambito": "orientamento"}]
)
def test_la_vetrina_fa_un_numero_costante_di_query(client, django_assert_max_num_queries, quanti, parametri):
    ambiti = list(AmbitoTematico.objects.all()[:2])
    for _ in range(quanti):
        p = ProgettoPubblicatoFactory()
        p.ambiti.set(ambiti)
    client.get(URL, {"pagina": "2"})  # the first page view ever caches the drop-downs' choices
    # COUNT (capped), page, prefetch of the areas; the drop-downs' choices come from the cache. A text
    # first reads the thematic areas it matches (alternanza.progetti.ricerca.per_ambiti: a dozen rows,
    # so that the projects' search reads its GIN index).
    with django_assert_max_num_queries(3 + ("q" in parametri)):
        assert client.get(URL, parametri).status_code == 200


def test_la_vetrina_e_in_cache_per_i_visitatori_e_si_aggiorna_alla_pubblicazione(
    client, django_assert_num_queries, scuola_a, ufficio_a
):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Primo")
    client.get(URL)
    with django_assert_num_queries(0):
        seconda = client.get(URL)
    assert "Primo" in seconda.content.decode()
    nuovo = ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO, titolo="Appena pubblicato")
    entra(client, ufficio_a)
    client.post(reverse("progetti:transizione", args=[nuovo.pk, "pubblica"]))
    client.logout()
    assert "Appena pubblicato" in client.get(URL).content.decode()


def test_la_pagina_in_cache_porta_il_token_csrf_del_visitatore(scuola_a):
    from django.test import Client

    ProgettoPubblicatoFactory(scuola=scuola_a)
    primo, secondo = Client(), Client()
    primo.get(URL)
    risposta = secondo.get(URL)
    assert "@@csrf" not in risposta.content.decode().lower()
    # The language switch (a POST form on the cached page) works for the second visitor.
    secondo_csrf = Client(enforce_csrf_checks=True)
    pagina = secondo_csrf.get(URL).content.decode()
    token = pagina.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    esito = secondo_csrf.post("/i18n/setlang/", {"language": "en", "next": URL, "csrfmiddlewaretoken": token})
    assert esito.status_code == 302


def test_gli_utenti_autenticati_non_ricevono_pagine_in_cache(client, referente_a, scuola_a):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Prima")
    client.get(URL)
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Dopo")  # no invalidation: the cache is stale
    entra(client, referente_a)
    assert "Dopo" in client.get(URL).content.decode()


def test_pagina_del_progetto_con_partner_luogo_e_senza_dati_sensibili(client, scuola_a, organizzazione):
    progetto = ProgettoPubblicatoFactory(
        scuola=scuola_a, ospitanti=[organizzazione], studenti_con_sostegno=2, studenti_totale=20
    )
    progetto.comuni.add(comune("Casalecchio di Reno"))
    testo = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    assert organizzazione.nome in testo
    assert "Casalecchio di Reno" in testo
    assert "bologna" in testo.lower()
    assert "con sostegno" not in testo


def test_il_progetto_non_pubblicato_e_404_per_i_visitatori(client, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO)
    assert client.get(reverse("progetti:progetto", args=[progetto.pk])).status_code == 404


def test_i_pulsanti_del_flusso_compaiono_solo_a_chi_puo(client, scuola_a, ufficio_a, referente_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.INVIATO)
    url = reverse("progetti:progetto", args=[progetto.pk])
    entra(client, ufficio_a)
    testo = client.get(url).content.decode()
    assert reverse("progetti:transizione", args=[progetto.pk, "valida"]) in testo
    entra(client, referente_a)
    testo = client.get(url).content.decode()
    assert reverse("progetti:transizione", args=[progetto.pk, "valida"]) not in testo
    # The school may only take back what it sent, until the office decides.
    assert workflow.azioni_possibili(referente_a, progetto) == [workflow.Azione.RITIRA]
    assert reverse("progetti:transizione", args=[progetto.pk, "ritira"]) in testo


def test_oltre_mille_risultati_il_conteggio_si_ferma(client, monkeypatch, scuola_a):
    from alternanza.progetti.views import vetrina

    monkeypatch.setattr(vetrina, "LIMITE_CONTEGGIO", 3)
    for _ in range(5):
        ProgettoPubblicatoFactory(scuola=scuola_a)
    risposta = client.get(URL)
    assert risposta.context["pagina"].paginator.oltre_il_limite
    assert "Più di 3 progetti trovati" in risposta.content.decode()
