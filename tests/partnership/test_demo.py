"""The demo data of the network: valid codes, seeded, idempotent."""

import random

import pytest
from stdnum.it import iva

from partnership import demo
from partnership.models import Accordo, Convenzione, OffertaOspitalita, Organizzazione, Partnership
from partnership.validatori import valida_ateco
from tests.factories import ScuolaFactory, comune


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
