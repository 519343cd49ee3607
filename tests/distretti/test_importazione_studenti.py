"""Import of the Ministry's open data of student numbers per school (ALUNNI…, NUMEROSTUDENTI)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from alternanza.report import indicatori
from distretti.importazione import FileNonValido, importa_percorsi
from distretti.importazione_studenti import importa_file
from distretti.models import Scuola
from tests.conftest import entra
from tests.distretti.factories import csv_anagrafe, riga
from tests.factories import ScuolaFactory, comune
from tests.report.factories import ANNO, dati_piccoli

pytestmark = pytest.mark.django_db

SPEDITI = Path(__file__).resolve().parents[2] / "distretti" / "data"
ALUNNI = SPEDITI / "ALUNNI-BOLOGNA-202425.csv"
ESTRATTO = SPEDITI / "SCUANAGRAFEPAR-BOLOGNA-202324.csv"


def studenti_csv(*righe: tuple[str, str]) -> bytes:
    testo = "CODICESCUOLA,NUMEROSTUDENTI,STUDENTIIRC\r\n" + "".join(f"{c},{n},{n}\r\n" for c, n in righe)
    return testo.encode()


def test_file_reale_da_i_numeri_alle_paritarie_reali_e_segnala_i_codici_sconosciuti():
    importa_percorsi([ESTRATTO])
    with ALUNNI.open(encoding="utf-8") as fh:
        attesi = {r["CODICESCUOLA"]: r["NUMEROSTUDENTI"] for r in csv.DictReader(fh)}
    nostri = set(Scuola.objects.values_list("codice_meccanografico", flat=True))
    esito_anagrafe, (esito,) = importa_file([(ALUNNI.name, ALUNNI.read_bytes())])
    assert esito_anagrafe is None
    assert esito.scritto and esito.anno == 202425 and esito.lette == 728
    assert esito.aggiornate == len(nostri & set(attesi)) == 221
    assert set(esito.sconosciute) == set(attesi) - nostri
    for s in Scuola.objects.filter(codice_meccanografico__in=attesi):
        grezzo = attesi[s.codice_meccanografico]
        if grezzo == "<=3":
            assert (s.studenti, s.studenti_mascherati) == (None, True)
        else:
            assert (s.studenti, s.studenti_mascherati) == (int(grezzo), False)
        assert s.studenti_anno == 202425
    assert esito.mascherate == sum(attesi[c] == "<=3" for c in nostri & set(attesi))  # all state: 0
    # The same file again changes nothing.
    _, (di_nuovo,) = importa_file([(ALUNNI.name, ALUNNI.read_bytes())])
    assert (di_nuovo.aggiornate, di_nuovo.invariate) == (0, 221)


def test_righe_non_valide_con_numero_di_riga_e_nulla_scritto():
    ScuolaFactory(codice_meccanografico="BOPS00001A", studenti=None)
    ScuolaFactory(codice_meccanografico="BOPS00002B", studenti=50)
    dati = studenti_csv(
        ("BOPS00001A", "812"), ("BO-PS", "30"), ("BOPS00002B", "tanti"), ("BOPS00002B", "<=3")
    )
    _, (esito,) = importa_file([("ALUNNI-BOLOGNA-202425.csv", dati)])
    assert not esito.scritto
    assert [(r.riga, r.codice) for r in esito.non_valide] == [(3, "BO-PS"), (4, "BOPS00002B")]
    assert "codice meccanografico non valido" in esito.non_valide[0].motivo
    assert "numero di studenti non valido («tanti»)" in esito.non_valide[1].motivo
    assert dict(Scuola.objects.values_list("codice_meccanografico", "studenti")) == {
        "BOPS00001A": None,
        "BOPS00002B": 50,
    }


def test_file_degli_studenti_non_valido_non_fa_scrivere_neppure_l_anagrafe_caricata_insieme():
    anagrafe = csv_anagrafe([riga("BO1A00001A")])
    studenti = studenti_csv(("XX", "1"))
    esito_anagrafe, (esito,) = importa_file(
        [("SCUANAGRAFEPAR.csv", anagrafe), ("ALUNNI-202425.csv", studenti)]
    )
    assert not esito.scritto and not esito_anagrafe.scritto
    assert not Scuola.objects.filter(codice_meccanografico="BO1A00001A").exists()


def test_anagrafe_e_studenti_insieme_la_scuola_nuova_ha_subito_il_suo_numero():
    anagrafe = csv_anagrafe([riga("BO1A00001A")])
    esito_anagrafe, (esito,) = importa_file(
        [("ALUNNI-202425.csv", studenti_csv(("BO1A00001A", "77"))), ("SCUANAGRAFEPAR.csv", anagrafe)]
    )
    assert esito_anagrafe.scritto and esito.aggiornate == 1
    assert Scuola.objects.get(codice_meccanografico="BO1A00001A").studenti == 77


def test_un_anno_piu_vecchio_non_sovrascrive_uno_piu_recente():
    ScuolaFactory(codice_meccanografico="BOPS00001A")
    importa_file([("ALUNNI-BOLOGNA-202425.csv", studenti_csv(("BOPS00001A", "900")))])
    _, (esito,) = importa_file([("ALUNNI-BOLOGNA-202324.csv", studenti_csv(("BOPS00001A", "850")))])
    assert (esito.piu_recenti, esito.aggiornate) == (1, 0)
    s = Scuola.objects.get(codice_meccanografico="BOPS00001A")
    assert (s.studenti, s.studenti_anno) == (900, 202425)


def test_senza_anno_nel_nome_ne_nel_file_rifiutato_con_il_motivo():
    with pytest.raises(FileNonValido, match=r"alunni\.csv: l'anno scolastico non è nel file né nel nome"):
        importa_file([("alunni.csv", studenti_csv(("BOPS00001A", "1")))])


def test_il_comando_importa_gli_studenti_e_fallisce_sulle_righe_non_valide(tmp_path, capsys):
    ScuolaFactory(codice_meccanografico="BOPS00001A")
    buono = tmp_path / "ALUNNI-BOLOGNA-202425.csv"
    buono.write_bytes(studenti_csv(("BOPS00001A", "<=3"), ("BOPS99999Z", "10")))
    call_command("importa_scuole", str(buono))
    uscita = capsys.readouterr().out
    assert (
        "aggiornate 1" in uscita and "oscurate (<=3) 1" in uscita and "codici non nell'anagrafe 1" in uscita
    )
    assert Scuola.objects.get(codice_meccanografico="BOPS00001A").studenti_mascherati
    cattivo = tmp_path / "ALUNNI-BOLOGNA-202526.csv"
    cattivo.write_bytes(studenti_csv(("BOPS00001A", "-4")))
    with pytest.raises(CommandError, match="nessuna modifica"):
        call_command("importa_scuole", str(cattivo))
    assert "riga 2 (BOPS00001A)" in capsys.readouterr().err
    assert Scuola.objects.get(codice_meccanografico="BOPS00001A").studenti_anno == 202425


def test_la_pagina_di_importazione_dello_staff_mostra_il_rapporto_degli_studenti(client, staff):
    from django.urls import reverse

    from alternanza.core import importazioni
    from alternanza.core.models import Importazione

    def importa(file) -> str:
        risposta = client.post("/territorio/importa-anagrafe/", {"file": file})
        assert risposta.status_code == 302
        importazioni.esegui(Importazione.objects.latest("pk").pk)  # what the worker runs
        return client.get(risposta["Location"]).content.decode()

    ScuolaFactory(codice_meccanografico="BOPS00001A")
    entra(client, staff)
    file = SimpleUploadedFile(
        "ALUNNI-BOLOGNA-202425.csv", studenti_csv(("BOPS00001A", "640"), ("BOPS77777Q", "5"))
    )
    testo = importa(file)
    assert "Studenti per scuola: ALUNNI-BOLOGNA-202425.csv (a.s. 2024/25)" in testo
    assert "1 scuola aggiornata" in testo and "BOPS77777Q" in testo
    assert Scuola.objects.get(codice_meccanografico="BOPS00001A").studenti == 640
    file = SimpleUploadedFile("ALUNNI-BOLOGNA-202526.csv", studenti_csv(("BOPS00001A", "6 4 0")))
    testo = importa(file)
    assert "il file non è stato importato" in testo and "«6 4 0»" in testo
    assert Scuola.objects.get(codice_meccanografico="BOPS00001A").studenti_anno == 202425
    assert reverse("area:importazione_errori", args=[Importazione.objects.latest("pk").pk]) in testo


def test_gli_indicatori_per_mille_studenti_usano_i_numeri_importati_e_non_i_dati_oscurati():
    dati_piccoli()
    s1 = Scuola.objects.get(denominazione="S1")
    s3 = Scuola.objects.get(denominazione="S3")
    riga_bo = next(r for r in indicatori.calcola(ANNO).righe if r.distretto.slug == "bologna").att
    assert riga_bo["partecipazione_1000"] == 30.0  # 30 participations / 1000 (S1), S3 unknown
    importa_file(
        [
            (
                "ALUNNI-202425.csv",
                studenti_csv((s1.codice_meccanografico, "1500"), (s3.codice_meccanografico, "<=3")),
            )
        ]
    )
    riga_bo = next(r for r in indicatori.calcola(ANNO).righe if r.distretto.slug == "bologna").att
    assert riga_bo["partecipazione_1000"] == 20.0  # 30 / 1500: the masked S3 stays out of both terms
    assert comune("Bologna").scuole.filter(studenti_mascherati=True).count() == 1
