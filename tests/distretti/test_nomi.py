"""Readable school names from the registry's text (distretti.nomi), and where the raw text is kept."""

from __future__ import annotations

import pytest

from distretti.importazione import importa_anagrafe
from distretti.models import Scuola, ScuolaNome
from distretti.nomi import nome_leggibile
from tests.distretti.factories import csv_anagrafe, riga


@pytest.mark.parametrize(
    ("anagrafe", "leggibile"),
    [
        ("LICEO SCIENTIFICO AUGUSTO RIGHI", "Liceo Scientifico Augusto Righi"),
        ("IIS BELLUZZI-FIORAVANTI", "IIS Belluzzi-Fioravanti"),
        ("ITIS ODONE BELLUZZI", "ITIS Odone Belluzzi"),
        ('IPSIA "F. ALBERGHETTI"', "IPSIA «F. Alberghetti»"),
        ("ISIS ARCANGELI", "ISIS Arcangeli"),
        ("I.I.S. ALDINI VALERIANI", "I.I.S. Aldini Valeriani"),
        ("MAESTRE PIE DELL'ADDOLORATA", "Maestre Pie dell'Addolorata"),
        ("SCUOLA INFANZIA SANT'ANNA", "Scuola Infanzia Sant'Anna"),
        ("L'ARCOBALENO", "L'Arcobaleno"),
        ("FONDAZIONE ADELE E FERNANDA LAMMA", "Fondazione Adele e Fernanda Lamma"),
        (
            'SCUOLA SEC. DI I GRADO "SANTA TERESA DEL BAMBIN GESU\'"',
            "Scuola Sec. di I Grado «Santa Teresa del Bambin Gesù»",
        ),
        ('SCUOLA "IL GIRASOLE"', "Scuola «Il Girasole»"),
        # Stray quotes of the registry: around the whole name, or unpaired.
        ('"GIARDINO D\'INFANZIA"', "Giardino d'Infanzia"),
        ('"San Tommaso d\'Aquino"', "San Tommaso d'Aquino"),
        ('"FIGLIE DI S.ANNA"SC. PRIMARIA PARITARIA', "«Figlie di S. Anna» Sc. Primaria Paritaria"),
        ('ISTITUTO "MALPIGHI', "Istituto Malpighi"),
        # Written by hand already: the case is kept.
        (
            "Scuola secondaria di 1 grado Alessandro Manzoni",
            "Scuola secondaria di 1 grado Alessandro Manzoni",
        ),
    ],
)
def test_nome_leggibile(anagrafe, leggibile):
    assert nome_leggibile(anagrafe) == leggibile


@pytest.mark.django_db
def test_l_importazione_mostra_il_nome_leggibile_e_conserva_il_testo_dell_anagrafe():
    grezzo = '"LICEO SCIENTIFICO AUGUSTO RIGHI"'
    importa_anagrafe([("SCUANAGRAFEPAR.csv", csv_anagrafe([riga("BOPS00001A", DENOMINAZIONESCUOLA=grezzo)]))])
    scuola = Scuola.objects.get(codice_meccanografico="BOPS00001A")
    assert scuola.denominazione == "Liceo Scientifico Augusto Righi"
    assert scuola.denominazione_anagrafe == grezzo
    assert ScuolaNome.objects.get(scuola=scuola).denominazione == grezzo
    # Imported again, nothing changed: the comparison is with the same readable name.
    esito = importa_anagrafe(
        [("SCUANAGRAFEPAR.csv", csv_anagrafe([riga("BOPS00001A", DENOMINAZIONESCUOLA=grezzo)]))]
    )
    assert esito.totali["invariate"] == 1


@pytest.mark.django_db
def test_la_pagina_della_scuola_e_la_ricerca_usano_il_nome_leggibile(client):
    importa_anagrafe(
        [
            (
                "SCUANAGRAFEPAR.csv",
                csv_anagrafe([riga("BOPS00001A", DENOMINAZIONESCUOLA="LICEO SCIENTIFICO AUGUSTO RIGHI")]),
            )
        ]
    )
    testo = client.get("/territorio/scuole/BOPS00001A/").content.decode()
    assert "<h1>Liceo Scientifico Augusto Righi</h1>" in testo
    assert "LICEO SCIENTIFICO AUGUSTO RIGHI" not in testo
    elenco = client.get("/territorio/distretti/bologna/", {"q": "liceo righi"}).content.decode()
    assert "Liceo Scientifico Augusto Righi" in elenco
