"""Every workspace runs the same number of queries whatever the amount of data behind it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.area.dati import popola
from tests.conftest import entra

pytestmark = pytest.mark.django_db

PERSONE = ("referente_a", "ufficio_a", "staff", "referente_org", "senza_ruolo")


@pytest.fixture
def senza_ruolo(db, scuola_a):
    from distretti.models import Incarico, StatoIncarico
    from tests.factories import IncaricoFactory, UserFactory

    utente = UserFactory()
    IncaricoFactory(
        utente=utente, ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_a, stato=StatoIncarico.RICHIESTO
    )
    return utente


def _query(client, persona) -> int:
    entra(client, persona)
    client.get(reverse("area:home"))  # warm-up: session, content types, MFA flag in the session
    with CaptureQueriesContext(connection) as contesto:
        risposta = client.get(reverse("area:home"))
    assert risposta.status_code == 200
    return len(contesto.captured_queries)


@pytest.mark.parametrize("nome", PERSONE)
def test_query_costanti_con_poche_e_molte_righe(client, request, nome, scuola_a, organizzazione, distretto_a):
    persona = request.getfixturevalue(nome)
    referente = request.getfixturevalue("referente_a") if nome == "referente_a" else None
    popola(1, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a, referente=referente)
    poche = _query(client, persona)
    popola(8, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a, referente=referente)
    molte = _query(client, persona)
    assert poche == molte, f"{nome}: {poche} queries with little data, {molte} with more"


# The exact counts: a new query in a section shows up here (update the number on purpose, not by chance).
ATTESE = {"referente_a": 14, "ufficio_a": 18, "staff": 23, "referente_org": 11, "senza_ruolo": 6}


@pytest.mark.parametrize("nome", PERSONE)
def test_numero_di_query_per_persona(
    client, request, nome, scuola_a, organizzazione, distretto_a, django_assert_num_queries
):
    persona = request.getfixturevalue(nome)
    popola(2, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a)
    entra(client, persona)
    client.get(reverse("area:home"))
    with django_assert_num_queries(ATTESE[nome]):
        client.get(reverse("area:home"))
