"""Pages that tell the whole story: a school's page lists its published projects, Festival events and
partnerships; an organisation's page the projects it hosted and its events; with constant queries, and
cached whole for visitors like the other public pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alternanza.progetti.models import ProgettoOrganizzazione
from tests.conftest import entra
from tests.eventi.factories import EventoFactory
from tests.partnership.factories import PartnershipFactory
from tests.progetti.factories import ProgettoFactory, ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db


def _domani():
    return timezone.now() + datetime.timedelta(days=1)


def _storia(scuola, organizzazione, n=1):
    for i in range(n):
        p = ProgettoPubblicatoFactory(scuola=scuola, titolo=f"Progetto pubblicato {i}")
        ProgettoOrganizzazione.objects.create(progetto=p, organizzazione=organizzazione, ruolo="ospitante")
        inizio = _domani() + datetime.timedelta(days=i)
        EventoFactory(
            titolo=f"Evento della scuola {i}",
            scuola_proponente=scuola,
            organizzazione_proponente=organizzazione,
            inizio=inizio,
            fine=inizio + datetime.timedelta(hours=2),
        )
        PartnershipFactory(titolo=f"Partnership pubblicata {i}", scuole=[scuola], pubblicata=True)


def _query(client, url) -> int:
    with CaptureQueriesContext(connection) as catturate:
        assert client.get(url).status_code == 200
    return len(catturate.captured_queries)


def test_la_pagina_della_scuola_racconta_progetti_eventi_e_partnership(client, scuola_a, organizzazione):
    _storia(scuola_a, organizzazione)
    ProgettoFactory(scuola=scuola_a, titolo="Bozza riservata")
    PartnershipFactory(titolo="Partnership non pubblicata", scuole=[scuola_a])
    html = client.get(scuola_a.get_absolute_url()).content.decode()
    for titolo in ("Progetto pubblicato 0", "Evento della scuola 0", "Partnership pubblicata 0"):
        assert titolo in html
    assert "Bozza riservata" not in html and "Partnership non pubblicata" not in html
    assert "del distretto" not in html  # the district sections' wording is not repeated here


def test_la_pagina_dell_organizzazione_racconta_progetti_ospitati_ed_eventi(client, scuola_a, organizzazione):
    _storia(scuola_a, organizzazione)
    html = client.get(organizzazione.get_absolute_url()).content.decode()
    assert "Progetti ospitati" in html and "Progetto pubblicato 0" in html
    assert "Evento della scuola 0" in html


@pytest.mark.parametrize("pagina", ["scuola", "organizzazione"])
def test_query_costanti_e_pagina_in_cache_per_i_visitatori(
    client, referente_a, scuola_a, organizzazione, pagina
):
    url = (scuola_a if pagina == "scuola" else organizzazione).get_absolute_url()
    _storia(scuola_a, organizzazione)
    entra(client, referente_a)
    _query(client, url)
    poche = _query(client, url + "?a=1")
    _storia(scuola_a, organizzazione, n=4)
    assert _query(client, url + "?a=2") == poche
    client.logout()
    _query(client, url)
    assert _query(client, url) == 0  # a visitor's second request comes whole from the cache
    # A new published project makes the cached page stale.
    nuovo = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Progetto appena pubblicato")
    ProgettoOrganizzazione.objects.create(progetto=nuovo, organizzazione=organizzazione, ruolo="ospitante")
    assert "Progetto appena pubblicato" in client.get(url).content.decode()


def test_la_pagina_del_distretto_elenca_ultimi_progetti_e_prossimi_eventi(client, scuola_a, organizzazione):
    _storia(scuola_a, organizzazione)
    url = reverse("distretti:dettaglio", kwargs={"slug": scuola_a.comune.distretto.slug})
    html = client.get(url).content.decode()
    assert "Progetto pubblicato 0" in html and "Evento della scuola 0" in html
