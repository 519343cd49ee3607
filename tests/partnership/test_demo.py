"""The demo data of the network: valid codes, seeded, idempotent."""

import random

import pytest
from stdnum.it import iva

from partnership import demo
from partnership.models import Accordo, Convenzione, OffertaOspitalita, Organizzazione, Partnership
from partnership.validatori import valida_ateco
from tests.factories import ScuolaFactory, comune, ufficio_distretto


@pytest.mark.django_db
def test_demo_base_carica_dati_validi_e_una_seconda_esecuzione_non_duplica():
    ScuolaFactory(comune=comune("Imola"))
    ScuolaFactory(comune=comune("Bologna"))
    demo.carica("base", random.Random(7))
    conteggi = [
        Organizzazione.objects.filter(demo=True).count(),
        Partnership.objects.filter(demo=True).count(),
        Accordo.objects.filter(demo=True).count(),
        Convenzione.objects.filter(demo=True).count(),
        OffertaOspitalita.objects.filter(demo=True).count(),
    ]
    assert conteggi == [40, 12, 4, 12, 10]
    for org in Organizzazione.objects.filter(demo=True):
        assert iva.is_valid(org.codice_fiscale)
        if org.codice_ateco:
            valida_ateco(org.codice_ateco)
            assert org.sezione_ateco
        assert org.aree_s3.exists()
    for p in Partnership.objects.filter(demo=True).prefetch_related("distretti"):
        n = len(p.distretti.all())
        assert (p.livello == Partnership.Livello.DISTRETTUALE) == (n == 1)
    demo.carica("base", random.Random(7))
    assert Organizzazione.objects.filter(demo=True).count() == 40
    assert Partnership.objects.filter(demo=True).count() == 12


@pytest.mark.django_db
def test_demo_ha_organizzazioni_proposte_da_verificare_per_gli_uffici_delle_scuole_demo():
    """A few hosts proposed inline by the demo coordinators' schools wait for their district office (as
    services.proponi_organizzazione leaves them); the other demo records never link them."""
    scuola_bo = ScuolaFactory(comune=comune("Bologna"))
    scuola_im = ScuolaFactory(comune=comune("Imola"))
    demo.carica("base", random.Random(7))
    proposte = Organizzazione.objects.filter(demo=True, da_verificare=True)
    assert proposte.count() == demo.QUANTE["base"]["proposte"]
    assert {o.proposta_da_scuola for o in proposte} == {scuola_bo, scuola_im}
    for o in proposte:
        assert not o.pubblica and iva.is_valid(o.codice_fiscale)
        assert o.comune_id == o.proposta_da_scuola.comune_id
        assert o.nome_normalizzato
    assert not Partnership.objects.filter(organizzazioni__in=proposte).exists()
    assert not Convenzione.objects.filter(organizzazione__in=proposte).exists()
    assert not OffertaOspitalita.objects.filter(organizzazione__in=proposte).exists()
    ufficio_bo = ufficio_distretto(scuola_bo.comune.distretto)
    assert set(Organizzazione.objects.da_verificare_per(ufficio_bo)) == set(
        proposte.filter(proposta_da_scuola=scuola_bo)
    )


@pytest.mark.django_db
def test_demo_scrive_il_nome_normalizzato_che_la_ricerca_usa():
    ScuolaFactory(comune=comune("Bologna"))
    demo.carica("base", random.Random(7))
    assert not Organizzazione.objects.filter(demo=True, nome_normalizzato="").exists()
