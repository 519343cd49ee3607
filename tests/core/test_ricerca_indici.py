"""The site-wide search reads indexes, not every row: each kind's query is answered by the GIN indexes
built on the very expressions alternanza.core.ricerca.cerca writes (minuscolo_senza_accenti, the Italian
vector). A change to those expressions that no longer matches an index would silently bring back a
sequential scan computing unaccent() on every row (the large demo's search took 300 ms that way); these
tests fail instead. The planner is told to avoid sequential scans, so the few rows of a test database
do not hide an index that could not be used at all."""

from __future__ import annotations

import pytest
from django.db import connection

from alternanza.pagine import ricerca
from eventi.models import Notizia
from tests.eventi.factories import EventoFactory, NotiziaFactory
from tests.factories import OrganizzazioneFactory, ScuolaFactory

pytestmark = pytest.mark.django_db


def _piano(tipo: str, testo: str, utente) -> str:
    qs = ricerca.PER_CHIAVE[tipo].cerca(utente, testo)[:6]
    sql, parametri = qs.query.sql_with_params()
    with connection.cursor() as cursore:
        # Only bitmap scans are left, and a bitmap scan needs an index condition: every arm of the search's
        # OR must be served by an index, or the plan falls back to the (discouraged) sequential scan.
        for metodo in ("seqscan", "indexscan", "indexonlyscan"):
            cursore.execute(f"SET LOCAL enable_{metodo} = off")
        cursore.execute("EXPLAIN " + sql, parametri)
        return "\n".join(riga[0] for riga in cursore.fetchall())


@pytest.fixture
def molti():
    """Many visible records and one that matches, with planner statistics: then the visibility conditions
    select everything and only the search's indexes make a cheap plan."""
    ScuolaFactory.create_batch(150)
    Notizia.objects.bulk_create(
        Notizia(titolo=f"Notizia {n}", slug=f"notizia-{n}", sommario="Sommario", testo="<p>Testo</p>")
        for n in range(3000)
    )
    EventoFactory.create_batch(150, stato="pubblicato")
    OrganizzazioneFactory.create_batch(150, pubblica=True)
    ScuolaFactory(denominazione="Istituto Tecnico Aldini Valeriani")
    NotiziaFactory(titolo="Officine aperte")
    EventoFactory(titolo="Officina di meccanica", stato="pubblicato")
    OrganizzazioneFactory(nome="Officine Meccaniche Città S.r.l.", pubblica=True)
    with connection.cursor() as cursore:
        cursore.execute("ANALYZE distretti_scuola, eventi_notizia, eventi_evento, partnership_organizzazione")


@pytest.mark.parametrize(
    "tipo, tabella, indici",
    [
        ("scuole", "distretti_scuola", ["scuola_denominazione_fts_gin", "scuola_denominazione_trgm_gin"]),
        ("notizie", "eventi_notizia", ["notizia_fts_gin", "notizia_trgm_gin"]),
        ("eventi", "eventi_evento", ["evento_ricerca_gin", "evento_titolo_trgm_gin"]),
        ("organizzazioni", "partnership_organizzazione", ["org_nome_fts_gin", "org_nome_trgm_gin"]),
    ],
)
def test_ogni_tipo_legge_i_suoi_indici(molti, superuser, tipo, tabella, indici):
    # Staff see every record of most kinds: the plan is the search's conditions alone (a visibility
    # condition could otherwise be the one an index serves, on so few rows).
    piano = _piano(tipo, "officine valeriani", superuser)
    for indice in indici:
        assert indice in piano, piano
    assert f"Seq Scan on {tabella}" not in piano, piano


def test_la_funzione_senza_accenti_e_immutabile_e_scritta_in_plpgsql():
    """Lower case without accents, IMMUTABLE (the expression indexes need it) and in PL/pgSQL: written in
    SQL it cannot be inlined (unaccent() is only STABLE) and every call ran the SQL-function executor,
    a third slower on each row a search reads (migration core 0005)."""
    with connection.cursor() as cursore:
        cursore.execute("SELECT minuscolo_senza_accenti('Città dell''Àncora, ÉLITE')")
        assert cursore.fetchone()[0] == "citta dell'ancora, elite"
        cursore.execute(
            "SELECT p.provolatile, l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang"
            " WHERE p.proname = 'minuscolo_senza_accenti'"
        )
        assert cursore.fetchall() == [("i", "plpgsql")]
