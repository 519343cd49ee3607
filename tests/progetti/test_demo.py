"""The projects' demo data: seeded, repeatable, consistent with the constraints, searchable."""

import random

import pytest
from django.contrib.postgres.search import SearchQuery
from django.utils import timezone

from alternanza.progetti import demo
from alternanza.progetti.models import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    ModelloIntervento,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
    ValutazioneOspitante,
)
from distretti.models import Livello
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territorio():
    for nome in ("Bologna", "Imola", "Casalecchio di Reno"):
        ScuolaFactory(comune=comune(nome), livello=Livello.SECONDO_GRADO)
        ScuolaFactory(comune=comune(nome), livello=Livello.PRIMARIA)  # no PCTO there
    for _ in range(5):
        OrganizzazioneFactory()


def test_il_caricamento_base_e_ripetibile_e_coerente(territorio):
    demo.carica("base", random.Random(7))
    demo.carica("base", random.Random(7))
    progetti = Progetto.objects.filter(demo=True)
    assert progetti.count() == demo.QUANTI["base"]
    # PCTO is upper secondary school's: no demo project at a primary school.
    assert set(progetti.values_list("scuola__livello", flat=True)) == {Livello.SECONDO_GRADO}
    assert not progetti.filter(ricerca__isnull=True).exists()
    assert set(progetti.values_list("anno_scolastico", flat=True)) <= set(demo.anni())
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


def _fotografia():
    campi = ("titolo", "stato", "studenti_totale", "ore_svolte", "data_inizio", "risultati")
    return (
        list(Progetto.objects.order_by("id").values_list(*campi)),
        list(ValutazioneOspitante.objects.order_by("id").values_list("chiave", "giudizio", "testo")),
    )


def test_stesso_seme_stessi_dati(territorio):
    demo.carica("base", random.Random(3))
    primi = _fotografia()
    Progetto.objects.all().delete()
    AzioneDiRete.objects.all().delete()
    demo.carica("base", random.Random(3))
    assert _fotografia() == primi
    assert primi[1]  # the evaluations are compared too


def test_ogni_fase_ha_il_suo_consuntivo(territorio):
    """The demo shows every phase as users meet it: nothing done before the start, part of the hours
    while running, everything (hours, participants, results) once concluded, with some hosts'
    evaluations; the running and concluded ones the office published are public."""
    demo.carica("base", random.Random(7))
    progetti = Progetto.objects.filter(demo=True)
    pianificati = progetti.filter(
        stato__in=(
            StatoProgetto.BOZZA,
            StatoProgetto.INVIATO,
            StatoProgetto.VALIDATO,
            StatoProgetto.PUBBLICATO,
        )
    )
    assert pianificati.exists()
    assert not pianificati.exclude(ore_svolte=0).exists()
    in_corso = progetti.filter(stato=StatoProgetto.IN_CORSO)
    assert in_corso.exists()
    for p in in_corso:
        assert 0 < p.ore_svolte < p.ore_previste
        assert p.data_inizio < timezone.localdate() < p.data_fine
    conclusi = progetti.filter(stato=StatoProgetto.CONCLUSO)
    assert conclusi.count() >= 3
    for p in conclusi:
        assert p.ore_svolte > 0 and p.risultati and p.valutazione
        assert p.studenti_con_formazione_sicurezza == p.studenti_totale > 0
        assert p.data_fine < timezone.localdate()
    assert Progetto.objects.pubblicati().filter(stato=StatoProgetto.CONCLUSO).exists()
    assert Progetto.objects.pubblicati().filter(stato=StatoProgetto.IN_CORSO).exists()
    valutazioni = ValutazioneOspitante.objects.filter(partecipazione__progetto__demo=True)
    assert valutazioni.exists()
    assert set(valutazioni.values_list("partecipazione__progetto__stato", flat=True)) == {
        StatoProgetto.CONCLUSO
    }
    assert not valutazioni.filter(giudizio__isnull=True).exists()
    assert not valutazioni.filter(compilata_il__isnull=True).exists()
    assert not valutazioni.exclude(partecipazione__ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE).exists()


def test_il_caricamento_grande_ha_progetti_avviati_prima_della_pubblicazione(territorio, monkeypatch):
    """A few running projects were started while only validated: reserved until the office publishes
    them (the workflow lets it publish them while running)."""
    monkeypatch.setitem(demo.QUANTI, "base", 400)
    demo.carica("base", random.Random(7))
    in_corso = Progetto.objects.filter(demo=True, stato=StatoProgetto.IN_CORSO)
    assert in_corso.filter(pubblicato_il__isnull=True).exists()
    assert in_corso.filter(pubblicato_il__isnull=False).exists()


def test_i_progetti_non_ospitano_organizzazioni_da_verificare(territorio):
    proposta = OrganizzazioneFactory(da_verificare=True)
    demo.carica("base", random.Random(7))
    assert not ProgettoOrganizzazione.objects.filter(organizzazione=proposta).exists()
