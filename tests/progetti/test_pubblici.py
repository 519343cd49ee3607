"""One definition of a public project serves every figure: published, and once running or concluded
(when the office published it), with the school's consent to the showcase."""

import datetime

import pytest
from django.db.models import Count
from django.urls import reverse

from alternanza.progetti.models import Progetto, StatoProgetto, condizione_pubblici
from alternanza.progetti.opendata import righe_indicatori, righe_partnership
from distretti.models import Scuola
from partnership.models import Partnership
from tests.conftest import entra
from tests.progetti.factories import ProgettoFactory

S = StatoProgetto
pytestmark = pytest.mark.django_db
PUBBLICATO_IL = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)


def _pubblico(scuola, stato, **campi):
    return ProgettoFactory(scuola=scuola, stato=stato, pubblicato_il=PUBBLICATO_IL, **campi)


@pytest.mark.parametrize("stato", list(S))
@pytest.mark.parametrize("pubblicato_il", [None, PUBBLICATO_IL])
@pytest.mark.parametrize("consenso", [True, False])
def test_queryset_oggetto_e_conteggi_per_relazione_dicono_lo_stesso(scuola_a, stato, pubblicato_il, consenso):
    progetto = ProgettoFactory(
        scuola=scuola_a, stato=stato, pubblicato_il=pubblicato_il, consenso_vetrina=consenso
    )
    atteso = consenso and (
        stato == S.PUBBLICATO or (stato in (S.IN_CORSO, S.CONCLUSO) and pubblicato_il is not None)
    )
    assert Progetto.objects.pubblicati().filter(pk=progetto.pk).exists() is atteso
    assert Progetto.objects.get(pk=progetto.pk).e_pubblico is atteso
    assert Progetto.objects.filter(condizione_pubblici()).exists() is atteso
    conteggio = Scuola.objects.annotate(n=Count("progetti", filter=condizione_pubblici("progetti__")))
    assert conteggio.get(pk=scuola_a.pk).n == int(atteso)


def test_gli_indicatori_aperti_contano_pubblicati_in_corso_e_conclusi(scuola_a):
    _pubblico(scuola_a, S.PUBBLICATO)
    _pubblico(scuola_a, S.IN_CORSO, ore_svolte=10)
    _pubblico(scuola_a, S.CONCLUSO, ore_svolte=40)
    ProgettoFactory(scuola=scuola_a, stato=S.IN_CORSO, ore_svolte=5)  # started before publication: reserved
    _pubblico(scuola_a, S.CONCLUSO, consenso_vetrina=False, ore_svolte=20)
    [riga] = righe_indicatori()
    assert riga["progetti_pubblicati"] == 3
    assert riga["progetti_validati"] == 5
    assert riga["ore_svolte"] == 75


def test_le_partnership_aperte_contano_anche_i_progetti_conclusi(scuola_a):
    partnership = Partnership.objects.create(titolo="Rete meccanica", slug="rete-meccanica", pubblicata=True)
    _pubblico(scuola_a, S.CONCLUSO, partnership=partnership)
    _pubblico(scuola_a, S.IN_CORSO, partnership=partnership)
    ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO, partnership=partnership)
    [riga] = list(righe_partnership())
    assert riga["progetti_pubblicati"] == 2


def test_il_bench_sceglie_la_scuola_con_piu_progetti_pubblici_anche_conclusi(scuola_a, scuola_b):
    from bench.pagine import _scuola_con_progetti

    _pubblico(scuola_a, S.PUBBLICATO)
    _pubblico(scuola_b, S.CONCLUSO)
    _pubblico(scuola_b, S.IN_CORSO)
    assert _scuola_con_progetti() == scuola_b.get_absolute_url()


def test_un_progetto_concluso_diventa_un_modello_di_intervento(client, referente_a, scuola_a):
    """The view and the model's clean agree (STATI_MODELLABILI): the model's refusal of a field the form
    does not have would answer 500."""
    concluso = _pubblico(scuola_a, S.CONCLUSO, titolo="Robotica conclusa", ore_svolte=40)
    entra(client, referente_a)
    url = reverse("progetti:modello_da_progetto", args=[concluso.pk])
    assert client.get(url).status_code == 200
    risposta = client.post(url, {"titolo": "Modello robotica", "contesto": "Contesto", "fasi": "Fasi"})
    assert risposta.status_code == 302
    assert concluso.modelli.get().titolo == "Modello robotica"
