"""The sections that higher apps add to a district's public page: partnerships, projects, events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alternanza.progetti.models import StatoProgetto
from eventi.models import StatoEvento
from partnership.models import Partnership
from tests.conftest import entra
from tests.distretti.factories import ScuolaFactory
from tests.eventi.factories import EventoFactory
from tests.factories import comune
from tests.partnership.factories import PartnershipFactory
from tests.progetti.factories import ProgettoFactory, ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db

BOLOGNA = "/territorio/distretti/bologna/"


def _tra(giorni: int):
    return timezone.now() + timedelta(days=giorni)


def _evento(titolo: str, citta: str = "Bologna", giorni: int = 3, **valori):
    inizio = _tra(giorni)
    return EventoFactory(
        titolo=titolo, comune=comune(citta), inizio=inizio, fine=inizio + timedelta(hours=2), **valori
    )


def _pagina(client, url: str = BOLOGNA) -> str:
    risposta = client.get(url)
    assert risposta.status_code == 200
    return risposta.content.decode()


def _n_query(client, url: str = BOLOGNA) -> int:
    """Queries of an uncached rendering of the page."""
    cache.clear()
    with CaptureQueriesContext(connection) as q:
        _pagina(client, url)
    return len(q)


def test_pagina_del_distretto_mostra_solo_i_progetti_pubblicati_del_distretto(client, scuola_a, scuola_b):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Robotica in officina")
    ProgettoFactory(scuola=scuola_a, titolo="Bozza riservata", stato=StatoProgetto.BOZZA)
    ProgettoFactory(scuola=scuola_a, titolo="Validato non ancora pubblico", stato=StatoProgetto.VALIDATO)
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Senza consenso", consenso_vetrina=False)
    ProgettoPubblicatoFactory(scuola=scuola_b, titolo="Progetto di Imola")

    html = _pagina(client)

    assert "Robotica in officina" in html
    assert f"{reverse('progetti:vetrina')}?distretto=bologna" in html
    for assente in ("Bozza riservata", "Validato non ancora pubblico", "Senza consenso", "Progetto di Imola"):
        assert assente not in html


def test_pagina_del_distretto_mostra_solo_le_partnership_pubblicate_del_distretto(
    client, distretto_a, distretto_b
):
    PartnershipFactory(titolo="Rete meccatronica", pubblicata=True, distretti=[distretto_a])
    PartnershipFactory(
        titolo="Rete interdistrettuale",
        pubblicata=True,
        distretti=[distretto_a, distretto_b],
        livello=Partnership.Livello.INTERDISTRETTUALE,
    )
    PartnershipFactory(titolo="Partnership in preparazione", pubblicata=False, distretti=[distretto_a])
    PartnershipFactory(titolo="Partnership imolese", pubblicata=True, distretti=[distretto_b])

    html = _pagina(client)

    assert "Rete meccatronica" in html and "Rete interdistrettuale" in html
    assert f"{reverse('partnership:partnership_pubbliche')}?distretto={distretto_a.pk}" in html
    assert "Partnership in preparazione" not in html
    assert "Partnership imolese" not in html


def test_pagina_del_distretto_mostra_solo_i_prossimi_eventi_pubblicati_del_distretto(client):
    _evento("Laboratorio di saldatura")
    _evento("Evento proposto", stato=StatoEvento.PROPOSTO)
    _evento("Evento annullato", stato=StatoEvento.ANNULLATO, motivo_annullamento="Maltempo")
    _evento("Evento concluso", giorni=-10)
    _evento("Open day a Imola", citta="Imola")

    html = _pagina(client)

    assert "Laboratorio di saldatura" in html
    assert f"{reverse('eventi:elenco')}?distretto=bologna" in html
    for assente in ("Evento proposto", "Evento annullato", "Evento concluso", "Open day a Imola"):
        assert assente not in html


def test_senza_contenuti_le_sezioni_non_compaiono(client):
    html = _pagina(client)
    assert "Tutti i progetti del distretto" not in html
    assert "Tutte le partnership del distretto" not in html
    assert "Tutti gli eventi del distretto" not in html


def test_sezioni_con_titoli_h2_e_al_massimo_cinque_righe(client, scuola_a):
    for i in range(7):
        ProgettoPubblicatoFactory(scuola=scuola_a, titolo=f"Progetto numerato {i}")
    html = _pagina(client)
    assert html.count("Progetto numerato") == 5
    assert '<h2 id="sezione-1">' in html


def _popola(n: int, distretto_a, organizzazione):
    """n records of each kind in district A (new schools, hosts and audiences included)."""
    for _ in range(n):
        scuola = ScuolaFactory(comune=comune("Bologna"))
        ProgettoPubblicatoFactory(scuola=scuola, ospitanti=[organizzazione])
        PartnershipFactory(pubblicata=True, distretti=[distretto_a], scuole=[scuola])
        _evento("Laboratorio", scuole=[scuola])


def test_numero_di_query_costante_con_piu_progetti_partnership_ed_eventi(
    client, distretto_a, organizzazione, django_assert_num_queries
):
    _popola(1, distretto_a, organizzazione)
    poche = _n_query(client)
    _popola(8, distretto_a, organizzazione)
    cache.clear()
    with django_assert_num_queries(poche):
        html = _pagina(client)
    assert html.count("Laboratorio") >= 5


def test_numero_di_query_costante_anche_per_un_utente_autenticato(
    client, distretto_a, organizzazione, referente_b, django_assert_num_queries
):
    entra(client, referente_b)
    _popola(1, distretto_a, organizzazione)
    _pagina(client)  # the first request of a session also renews it
    poche = _n_query(client)
    _popola(8, distretto_a, organizzazione)
    cache.clear()
    with django_assert_num_queries(poche):
        _pagina(client)


def test_progetto_pubblicato_compare_nella_pagina_in_cache(client, scuola_a, ufficio_a):
    progetto = ProgettoFactory(scuola=scuola_a, titolo="Officina digitale", stato=StatoProgetto.VALIDATO)
    assert "Officina digitale" not in _pagina(client)
    with CaptureQueriesContext(connection) as q:
        _pagina(client)
    assert len(q) == 0, "the anonymous page comes from the cache"

    ufficio = entra(Client(), ufficio_a)
    risposta = ufficio.post(reverse("progetti:transizione", args=[progetto.pk, "pubblica"]))
    assert risposta.status_code in (200, 302)
    progetto.refresh_from_db()
    assert progetto.stato == StatoProgetto.PUBBLICATO

    assert "Officina digitale" in _pagina(client)


def test_evento_pubblicato_e_partnership_pubblicata_rendono_superata_la_cache(client, distretto_a):
    evento = _evento("Visita in fabbrica", stato=StatoEvento.APPROVATO)
    p = PartnershipFactory(titolo="Patto per la meccanica", pubblicata=False, distretti=[distretto_a])
    html = _pagina(client)
    assert "Visita in fabbrica" not in html and "Patto per la meccanica" not in html

    evento.stato = StatoEvento.PUBBLICATO
    evento.save()
    assert "Visita in fabbrica" in _pagina(client)

    p.pubblicata = True
    p.save()
    assert "Patto per la meccanica" in _pagina(client)


def test_sezioni_in_inglese(client, scuola_a, distretto_a):
    ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Robotica in officina")
    PartnershipFactory(titolo="Rete meccatronica", pubblicata=True, distretti=[distretto_a])
    _evento("Laboratorio di saldatura")

    html = _pagina(client, "/en" + BOLOGNA)

    for frase in ("All the district's projects", "All the district's partnerships", "Upcoming events"):
        assert frase in html
    assert "Tutti i progetti del distretto" not in html
