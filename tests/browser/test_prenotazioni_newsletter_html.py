"""The reserved pages of issues 16 and 18 are valid HTML for the W3C Nu checker, in Italian and English:
the organiser's bookings page (with its message form), the check-in page, and the newsletter's editor,
issue, confirmation, preview and reviewers pages (the public booking pages are in the walk of
tests/browser/pagine.py). Rendered by the Django test client and validated in one java run, like
test_area_html.py."""

from __future__ import annotations

import pytest

from tests.browser.aiuti import errori_vnu
from tests.conftest import entra

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_pagine_riservate_di_prenotazioni_e_newsletter_sono_html_valido(client, referente_a, scuola_a, staff):
    from eventi.newsletter.models import GruppoRevisori
    from eventi.prenotazioni import services, tokens
    from tests.eventi.factories import evento_prenotabile
    from tests.newsletter.factories import IscrittoFactory, NumeroFactory

    evento = evento_prenotabile(
        posti=30, tipo="individuale", proposto_da=referente_a, scuola_proponente=scuola_a
    )
    p = services.richiedi(evento, {"nome": "Anna Verdi", "email": "anna@example.org", "posti": 2}, "it")
    services.conferma(p.pk)
    IscrittoFactory.create_batch(2)
    numero = NumeroFactory(oggetto="Numero di prova", corpo="Testo **in grassetto**\n\n- uno\n- due")
    gruppo = GruppoRevisori.objects.create(nome="Redazione", indirizzi="capo@example.org")
    pagine = {
        referente_a: [
            f"/festival/gestione/{evento.pk}/prenotazioni/",
            f"/festival/ingresso/{tokens.token_ingresso(p)}/",
        ],
        staff: [
            "/newsletter/gestione/nuovo/",
            f"/newsletter/gestione/{numero.pk}/modifica/",
            f"/newsletter/gestione/{numero.pk}/",
            f"/newsletter/gestione/{numero.pk}/conferma/",
            f"/newsletter/gestione/{numero.pk}/anteprima/",
            "/newsletter/gestione/revisori/",
            f"/newsletter/gestione/revisori/{gruppo.pk}/",
        ],
    }
    documenti = {}
    for utente, percorsi in pagine.items():
        entra(client, utente)
        for percorso in percorsi:
            for prefisso in ("", "/en"):
                risposta = client.get(prefisso + percorso)
                assert risposta.status_code == 200, (prefisso + percorso, risposta.status_code)
                documenti[prefisso + percorso] = risposta.content.decode()
    assert len(documenti) == 18
    errori = errori_vnu(documenti)
    assert not errori, "W3C Nu checker errors:\n" + "\n".join(
        f"{pagina}:\n  " + "\n  ".join(messaggi) for pagina, messaggi in errori.items()
    )
