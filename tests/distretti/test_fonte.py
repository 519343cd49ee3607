"""The demo says honestly which schools are real (registry rows) and which are made-up placeholders."""

from __future__ import annotations

import random
import re

import pytest

from distretti import demo
from distretti.importazione import importa_anagrafe
from tests.distretti.factories import csv_anagrafe, riga
from tests.factories import ScuolaFactory, comune

pytestmark = pytest.mark.django_db


def _testo(risposta) -> str:
    return re.sub(r"\s+", " ", risposta.content.decode())


@pytest.fixture
def paritarie_reali_e_statali_dimostrative():
    importa_anagrafe([("SCUANAGRAFEPAR.csv", csv_anagrafe([riga("BO1A00001A"), riga("BO1A00002B")]))])
    demo.carica("base", random.Random(1))


def test_elenco_e_distretto_dicono_quali_scuole_sono_reali(client, paritarie_reali_e_statali_dimostrative):
    for url in ("/territorio/", "/territorio/distretti/bologna/"):
        testo = _testo(client.get(url))
        assert "statali e paritarie" not in testo, url
        assert "Dati dimostrativi." in testo
        assert (
            "sono reali: vengono dall'anagrafe del Ministero dell'Istruzione e del Merito (scuole paritarie"
            in testo
        )
        assert (
            "sono segnaposto inventati: il portale di prova non include il file dell'anagrafe "
            "delle scuole statali" in testo
        )
    elenco = _testo(client.get("/territorio/"))
    assert "2 scuole sono reali" in elenco
    assert f"{demo.QUANTE['base']} scuole statali, segnate «dato dimostrativo»" in elenco


def test_senza_dati_dimostrativi_la_fonte_nomina_solo_i_tipi_presenti(client):
    ScuolaFactory(comune=comune("Bologna"), statale=False)
    testo = _testo(client.get("/territorio/"))
    assert "anagrafe delle scuole paritarie del Ministero" in testo and "Dati dimostrativi" not in testo
    ScuolaFactory(comune=comune("Imola"), statale=True)
    testo = _testo(client.get("/territorio/"))
    assert "anagrafe delle scuole statali e paritarie del Ministero" in testo


def test_la_pagina_della_scuola_dice_se_e_reale_o_un_segnaposto(
    client, paritarie_reali_e_statali_dimostrative
):
    reale = _testo(client.get("/territorio/scuole/BO1A00001A/"))
    assert "a.s. 2023/24 (dato reale)" in reale and "segnaposto" not in reale
    finta = _testo(client.get(f"/territorio/scuole/{demo.PREFISSO_CODICE}000001/"))
    assert "Questa scuola statale è un segnaposto inventato" in finta and "(dato reale)" not in finta


def test_in_inglese_la_fonte_e_tradotta(client, paritarie_reali_e_statali_dimostrative):
    testo = _testo(client.get("/en/territorio/"))
    assert (
        "are made-up placeholders: the demo portal does not include the registry file of state schools"
        in testo
    )
