"""The workspace and the 403 page in English carry no Italian interface phrase (issue 14)."""

from __future__ import annotations

import pytest

from tests.alternanza.test_traduzioni import (
    ITALIANO_DI_INTERFACCIA,
    _frasi_italiane_dei_cataloghi,
    _senza_vocabolari_dei_dati,
    _testo,
)
from tests.area.dati import popola
from tests.conftest import entra

pytestmark = pytest.mark.django_db


@pytest.fixture
def senza_ruolo(db, scuola_a):
    from distretti.models import Incarico, StatoIncarico
    from tests.factories import IncaricoFactory, UserFactory

    utente = UserFactory()
    IncaricoFactory(
        utente=utente, ruolo=Incarico.Ruolo.REFERENTE_SCUOLA, scuola=scuola_a, stato=StatoIncarico.RICHIESTO
    )
    return utente


@pytest.mark.parametrize("persona", ["referente_a", "ufficio_a", "staff", "referente_org", "senza_ruolo"])
def test_area_riservata_in_inglese(
    client, request, persona, scuola_a, organizzazione, distretto_a, referente_a
):
    popola(1, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a, referente=referente_a)
    entra(client, request.getfixturevalue(persona))
    testo = _senza_vocabolari_dei_dati(_testo(client.get("/en/area-riservata/")))
    assert "Reserved area" in testo or "reserved area" in testo
    frasi = _frasi_italiane_dei_cataloghi()
    rimaste = [f for f in ITALIANO_DI_INTERFACCIA if f in testo] + sorted(f for f in frasi if f in testo)
    assert rimaste == [], rimaste
    for italiano in ("Da fare", "Il mio account", "Cosa fare", "in attesa di revisione", "posti rimasti"):
        assert italiano not in testo


def test_403_in_inglese(client, senza_ruolo):
    entra(client, senza_ruolo)
    risposta = client.get("/en/progetti/nuovo/")
    assert risposta.status_code == 403
    testo = risposta.content.decode()
    assert "This page is for school coordinators and the Metropolitan City staff." in testo
    assert "Your request is pending" in testo and "What you can do" in testo
