"""The workspace of every persona, in both languages, is valid HTML for the W3C Nu checker.

The pages are reserved: they are rendered by the Django test client as each persona and validated in
one java run, like the public pages of test_html_valido.py."""

from __future__ import annotations

import pytest

from tests.area.dati import popola
from tests.browser.aiuti import errori_vnu
from tests.conftest import entra

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

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


def test_le_aree_riservate_sono_html_valido(
    client, request, scuola_a, organizzazione, distretto_a, referente_a
):
    popola(2, scuola=scuola_a, organizzazione=organizzazione, distretto=distretto_a, referente=referente_a)
    documenti = {}
    for nome in PERSONE:
        entra(client, request.getfixturevalue(nome))
        for percorso in ("/area-riservata/", "/en/area-riservata/"):
            risposta = client.get(percorso)
            assert risposta.status_code == 200, (nome, percorso)
            documenti[f"{nome} {percorso}"] = risposta.content.decode()
    # the 403 page with its explanation, too
    entra(client, request.getfixturevalue("senza_ruolo"))
    documenti["403"] = client.get("/progetti/nuovo/").content.decode()
    errori = errori_vnu(documenti)
    assert not errori, "W3C Nu checker errors:\n" + "\n".join(
        f"{pagina}:\n  " + "\n  ".join(messaggi) for pagina, messaggi in errori.items()
    )
