"""The projects' demo data: seeded, repeatable, consistent with the constraints, searchable."""

import random

import pytest
from django.contrib.postgres.search import SearchQuery

from alternanza.progetti import demo
from alternanza.progetti.models import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    ModelloIntervento,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
)
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territorio():
    for nome in ("Bologna", "Imola", "Casalecchio di Reno"):
        ScuolaFactory(comune=comune(nome))
    for _ in range(5):
        OrganizzazioneFactory()


def test_il_caricamento_base_e_ripetibile_e_coerente(territorio):
    demo.carica("base", random.Random(7))
    demo.carica("base", random.Random(7))
    progetti = Progetto.objects.filter(demo=True)
    assert progetti.count() == demo.QUANTI["base"]
    assert not progetti.filter(ricerca__isnull=True).exists()
    assert set(progetti.values_list("anno_scolastico", flat=True)) <= set(demo.ANNI)
    assert progetti.filter(stato=StatoProgetto.PUBBLICATO).exists()
    assert not progetti.exclude(partecipazioni__ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE).exists()
    for p in progetti:
        assert p.distretto_id == p.scuola.comune.distretto_id
        p.full_clean()
    cercati = Progetto.objects.filter(ricerca=SearchQuery("dimostrativi", config="italian"))
    assert cercati.count() == demo.QUANTI["base"]  # the trigger filled the vector during COPY
    assert AzioneDiRete.objects.filter(demo=True).count() == demo.AZIONI["base"]
    assert AssistenzaTecnica.objects.exists() and ModelloIntervento.objects.exists()
    assert AdozioneModello.objects.exists()


def test_il_caricamento_non_scrive_la_storia_ma_la_riattiva(territorio):
    demo.carica("base", random.Random(7))
    eventi = Progetto.pgh_event_model.objects
    assert not eventi.exists()
    ProgettoFactory()
    assert eventi.count() == 1


def test_stesso_seme_stessi_dati(territorio):
    demo.carica("base", random.Random(3))
    primi = list(Progetto.objects.order_by("id").values_list("titolo", "stato", "studenti_totale"))
    Progetto.objects.all().delete()
    AzioneDiRete.objects.all().delete()
    demo.carica("base", random.Random(3))
    assert list(Progetto.objects.order_by("id").values_list("titolo", "stato", "studenti_totale")) == primi
