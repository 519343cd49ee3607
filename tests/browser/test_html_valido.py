"""Every public page (tests/browser/pagine.py), in both languages, is valid HTML for the W3C Nu checker.

Pages are fetched with the Django test client and validated in ONE java run (the JVM start is slow)."""

import pytest

from tests.browser.aiuti import errori_vnu
from tests.browser.pagine import LINGUE, PAGINE_PUBBLICHE

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_pagine_pubbliche_sono_html_valido(client):
    documenti = {}
    for voce in PAGINE_PUBBLICHE:
        for lingua, percorso in voce.percorsi(LINGUE).items():
            risposta = client.get(percorso)
            assert risposta.status_code == 200, percorso
            documenti[f"{voce} ({lingua}) {percorso}"] = risposta.content.decode()
    errori = errori_vnu(documenti)
    assert not errori, "W3C Nu checker errors:\n" + "\n".join(
        f"{pagina}:\n  " + "\n  ".join(messaggi) for pagina, messaggi in errori.items()
    )


def test_il_validatore_trova_gli_errori():
    """Guard against a silently broken checker: a document with a stray end tag must be reported."""
    errori = errori_vnu({"rotto": "<!doctype html><html lang=it><title>x</title><p>a</div>"})
    assert "rotto" in errori
