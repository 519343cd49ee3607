"""Import of the Ministry's school registry: real extract, idempotence, newer years, bad input."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from distretti.importazione import FileNonValido, importa_anagrafe, importa_percorsi
from distretti.models import Livello, Scuola, ScuolaNome
from tests.distretti.factories import csv_anagrafe, riga

pytestmark = pytest.mark.django_db

DATI = Path(__file__).resolve().parents[1] / "data"
ESTRATTO = DATI / "SCUANAGRAFEPAR-BOLOGNA-202324.csv"


def attese_per_distretto() -> Counter:
    """Schools per district computed from the two CSVs alone, without the importer."""
    with (DATI / "comuni-distretti.csv").open(encoding="utf-8") as fh:
        distretto_di = {r["codice_catastale"]: r["distretto"] for r in csv.DictReader(fh)}
    with ESTRATTO.open(encoding="utf-8") as fh:
        return Counter(
            distretto_di[r["CODICECOMUNESCUOLA"]]
            for r in csv.DictReader(fh)
            if r["CODICECOMUNESCUOLA"] in distretto_di
        )


def per_distretto() -> Counter:
    return Counter(
        dict(Scuola.objects.values_list("comune__distretto__nome").annotate(n=Count("id")).order_by())
    )


def test_estratto_reale_importato_con_le_scuole_di_ogni_distretto():
    esito = importa_percorsi([ESTRATTO])

    attese = attese_per_distretto()
    assert len(attese) == 7
    assert per_distretto() == attese
    rapporto = esito.rapporti[0]
    assert rapporto.lette == 226
    assert rapporto.create == sum(attese.values())
    assert rapporto.fuori_citta == 226 - sum(attese.values())
    assert (rapporto.aggiornate, rapporto.invariate, rapporto.disattivate, rapporto.n_non_valide) == (
        0,
        0,
        0,
        0,
    )
    scuola = Scuola.objects.get(codice_meccanografico="BO1A043003")
    assert scuola.denominazione_anagrafe == "GASTONE ROSSI"
    assert scuola.denominazione == "Gastone Rossi"  # shown readable
    assert scuola.comune.nome == "Bologna"
    assert scuola.livello == Livello.INFANZIA
    assert scuola.statale is False
    assert scuola.sito_web == ""  # "Non Disponibile" means empty
    assert scuola.pec == "scuolaservizieducativigestionediretta@pec.comune.bologna.it"
    assert scuola.ultimo_anno_anagrafe == 202324
    assert list(scuola.storico_nomi.values_list("anno_anagrafe", "denominazione")) == [
        (202324, "GASTONE ROSSI")
    ]
    assert Scuola.objects.filter(livello=Livello.SECONDO_GRADO).exists()


def test_reimportare_lo_stesso_file_non_cambia_nulla():
    importa_percorsi([ESTRATTO])
    prima = list(Scuola.objects.order_by("pk").values())

    rapporto = importa_percorsi([ESTRATTO]).rapporti[0]

    assert (rapporto.create, rapporto.aggiornate, rapporto.disattivate) == (0, 0, 0)
    assert rapporto.invariate == 226
    assert list(Scuola.objects.order_by("pk").values()) == prima
    assert ScuolaNome.objects.count() == 226


def test_anno_piu_recente_disattiva_una_scuola_e_ne_rinomina_un_altra():
    vecchio = csv_anagrafe(
        [
            riga("BO1A00001A", 202223),
            riga("BO1A00002B", 202223, DENOMINAZIONESCUOLA="NOME VECCHIO"),
            riga("BO1A00003C", 202223),
        ]
    )
    nuovo = csv_anagrafe(
        [
            riga("BO1A00001A", 202324),
            riga("BO1A00002B", 202324, DENOMINAZIONESCUOLA="NOME NUOVO"),
        ]
    )
    importa_anagrafe([("SCUANAGRAFEPAR20222320220901.csv", vecchio)])

    rapporto = importa_anagrafe([("SCUANAGRAFEPAR20232420230901.csv", nuovo)]).rapporti[0]

    assert (rapporto.create, rapporto.aggiornate, rapporto.invariate, rapporto.disattivate) == (0, 1, 1, 1)
    sparita = Scuola.objects.get(codice_meccanografico="BO1A00003C")
    assert sparita.attiva is False  # marked inactive, never deleted
    assert sparita.ultimo_anno_anagrafe == 202223
    rinominata = Scuola.objects.get(codice_meccanografico="BO1A00002B")
    assert rinominata.denominazione_anagrafe == "NOME NUOVO"
    assert list(rinominata.storico_nomi.values_list("anno_anagrafe", "denominazione")) == [
        (202223, "NOME VECCHIO"),
        (202324, "NOME NUOVO"),
    ]
    assert Scuola.objects.get(codice_meccanografico="BO1A00001A").ultimo_anno_anagrafe == 202324

    # The older file again: it must neither undo the rename nor reactivate or deactivate anything.
    rapporto = importa_anagrafe([("vecchio.csv", vecchio)]).rapporti[0]
    assert (rapporto.create, rapporto.aggiornate, rapporto.disattivate) == (0, 0, 0)
    rinominata.refresh_from_db()
    assert rinominata.denominazione_anagrafe == "NOME NUOVO"
    assert Scuola.objects.get(codice_meccanografico="BO1A00003C").attiva is False
    assert Scuola.objects.filter(attiva=True).count() == 2


def test_file_vecchio_non_disattiva_le_scuole_di_un_anno_piu_recente_anche_in_ordine_inverso():
    vecchio = csv_anagrafe([riga("BO1A00001A", 202223), riga("BO1A00003C", 202223)])
    nuovo = csv_anagrafe([riga("BO1A00001A", 202324), riga("BO1A00002B", 202324)])

    importa_anagrafe([("nuovo.csv", nuovo)])
    importa_anagrafe([("vecchio.csv", vecchio)])

    attive = dict(Scuola.objects.values_list("codice_meccanografico", "attiva"))
    assert attive == {"BO1A00001A": True, "BO1A00002B": True, "BO1A00003C": False}


def test_scuola_che_ricompare_in_un_anno_nuovo_torna_attiva():
    importa_anagrafe([("a.csv", csv_anagrafe([riga("BO1A00001A", 202122), riga("BO1A00002B", 202122)]))])
    importa_anagrafe([("b.csv", csv_anagrafe([riga("BO1A00001A", 202223)]))])
    assert Scuola.objects.get(codice_meccanografico="BO1A00002B").attiva is False

    rapporto = importa_anagrafe([("c.csv", csv_anagrafe([riga("BO1A00002B", 202324)]))]).rapporti[0]

    assert (rapporto.aggiornate, rapporto.disattivate) == (1, 1)
    assert Scuola.objects.get(codice_meccanografico="BO1A00002B").attiva is True
    assert Scuola.objects.get(codice_meccanografico="BO1A00001A").attiva is False


def test_righe_non_valide_segnalate_con_numero_di_riga_e_saltate():
    dati = csv_anagrafe(
        [
            riga("BO1A00001A"),  # line 2: valid
            riga("BO-123"),  # line 3
            riga("BO1A00003C", CAPSCUOLA="4O1OO"),  # line 4
            riga("BO1A00004D", INDIRIZZOEMAILSCUOLA="segreteria@@example"),  # line 5
            riga("BO1A00005E", INDIRIZZOPECSCUOLA="pec@example,it"),  # line 6
            riga("BO1A00006F", ANNOSCOLASTICO="202223"),  # line 7: another school year
            riga("BO1A00007G", DENOMINAZIONESCUOLA="Non Disponibile"),  # line 8
            riga("RM1A00008H", CODICECOMUNESCUOLA="H501", CAPSCUOLA="xx"),  # line 9: Rome, not validated
            riga("BO1A00009J", CAPSCUOLA="-----"),  # line 10: the registry's "missing CAP", valid
            riga("BO1A00001A"),  # line 11: repeated code
        ]
    )
    dati += b'202324,NORD EST,EMILIA ROMAGNA,BOLOGNA,BO1A00010K,"SENZA COLONNE"\n'  # line 12

    rapporto = importa_anagrafe([("par.csv", dati)]).rapporti[0]

    segnalate = {r.riga: r for r in rapporto.non_valide}
    assert sorted(segnalate) == [3, 4, 5, 6, 7, 8, 11, 12]
    assert "codice meccanografico" in segnalate[3].motivo
    assert "CAP" in segnalate[4].motivo and segnalate[4].codice == "BO1A00003C"
    assert "email" in segnalate[5].motivo
    assert "pec" in segnalate[6].motivo
    assert "anno scolastico" in segnalate[7].motivo
    assert "denominazione" in segnalate[8].motivo
    assert "ripetuto" in segnalate[11].motivo
    assert "colonne" in segnalate[12].motivo
    assert str(segnalate[4]).startswith("riga 4 (BO1A00003C)")
    assert (rapporto.lette, rapporto.fuori_citta, rapporto.create) == (11, 1, 2)
    assert set(Scuola.objects.values_list("codice_meccanografico", flat=True)) == {"BO1A00001A", "BO1A00009J"}
    assert Scuola.objects.get(codice_meccanografico="BO1A00009J").cap == ""


def test_strict_non_scrive_nulla_se_una_riga_non_e_valida(capsys):
    buono = csv_anagrafe([riga("BO1A00001A")])
    cattivo = csv_anagrafe([riga("BO1A00002B"), riga("BO1A00003C", CAPSCUOLA="123")])

    esito = importa_anagrafe([("a.csv", buono), ("b.csv", cattivo)], strict=True)

    assert esito.scritto is False
    assert esito.non_valide == 1
    assert not Scuola.objects.exists()
    assert not ScuolaNome.objects.exists()


def test_comando_strict_esce_con_errore_e_senza_scrivere(tmp_path):
    percorso = tmp_path / "SCUANAGRAFEPAR.csv"
    percorso.write_bytes(csv_anagrafe([riga("BO1A00002B"), riga("BO1A00003C", CAPSCUOLA="123")]))
    errori = io.StringIO()

    with pytest.raises(CommandError, match="nessuna modifica"):
        call_command("importa_scuole", str(percorso), "--strict", stdout=io.StringIO(), stderr=errori)

    assert "riga 3 (BO1A00003C)" in errori.getvalue()
    assert not Scuola.objects.exists()


def test_comando_stampa_i_conteggi(tmp_path):
    percorso = tmp_path / "SCUANAGRAFEPAR.csv"
    percorso.write_bytes(
        csv_anagrafe(
            [
                riga("BO1A00001A"),
                riga("RM1A00002B", CODICECOMUNESCUOLA="H501"),
                riga("BO1A0003C", CAPSCUOLA="1"),
            ]
        )
    )
    uscita, errori = io.StringIO(), io.StringIO()

    call_command("importa_scuole", str(percorso), stdout=uscita, stderr=errori)

    testo = uscita.getvalue()
    for atteso in (
        "lette 3",
        "fuori dalla Città metropolitana 1",
        "create 1",
        "aggiornate 0",
        "invariate 0",
        "disattivate 0",
        "non valide 1",
    ):
        assert atteso in testo
    assert "riga 4" in errori.getvalue()


@pytest.mark.parametrize(
    "contenuto, motivo",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "binario"),
        (b"codice_istat,comune,codice_catastale,distretto\n037006,Bologna,A944,Bologna\n", "mancano"),
        (b"", "vuoto"),
        (gzip.compress(b"x", mtime=0)[:-6], "gzip"),
        (",".join(["ANNOSCOLASTICO", "CODICESCUOLA"]).encode() + b"\n", "mancano le colonne"),
    ],
    ids=["binario", "anagrafe-dei-comuni", "vuoto", "gzip-troncato", "colonne-mancanti"],
)
def test_file_che_non_e_un_csv_dell_anagrafe_rifiutato_con_il_motivo(contenuto, motivo):
    with pytest.raises(FileNonValido, match=motivo):
        importa_anagrafe([("logo.png", contenuto)])
    assert not Scuola.objects.exists()


def test_file_con_colonne_sbagliate_elenca_le_colonne_mancanti_e_non_scrive_gli_altri_file():
    buono = csv_anagrafe([riga("BO1A00001A")])
    senza_pec = buono.replace(b"INDIRIZZOPECSCUOLA", b"PEC").replace(b"SITOWEBSCUOLA", b"SITO")

    with pytest.raises(FileNonValido) as errore:
        importa_anagrafe([("buono.csv", buono), ("rotto.csv", senza_pec)])

    assert "rotto.csv" in str(errore.value)
    assert "INDIRIZZOPECSCUOLA, SITOWEBSCUOLA" in str(errore.value)
    assert not Scuola.objects.exists()


def test_file_statale_senza_colonne_dell_istituto_di_riferimento_rifiutato():
    with pytest.raises(FileNonValido, match="CODICEISTITUTORIFERIMENTO"):
        importa_anagrafe([("SCUANAGRAFESTAT20232420230901.csv", csv_anagrafe([riga("BO1A00001A")]))])


def test_file_statale_importa_istituto_di_riferimento_e_statale():
    dati = csv_anagrafe(
        [
            riga(
                "BOEE00001A",
                DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA="SCUOLA PRIMARIA",
                CODICEISTITUTORIFERIMENTO="boic80000x",
                DENOMINAZIONEISTITUTORIFERIMENTO="IC 5 BOLOGNA",
            ),
            riga("BOPS00002B", DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA="LICEO SCIENTIFICO"),
        ],
        statale=True,
    )

    rapporto = importa_anagrafe([("SCUANAGRAFESTAT20232420230901.csv", dati)]).rapporti[0]

    assert rapporto.create == 2
    primaria = Scuola.objects.get(codice_meccanografico="BOEE00001A")
    assert primaria.statale is True
    assert primaria.codice_istituto_riferimento == "BOIC80000X"
    assert primaria.denominazione_istituto_riferimento == "IC 5 BOLOGNA"
    assert primaria.livello == Livello.PRIMARIA
    assert Scuola.objects.get(codice_meccanografico="BOPS00002B").livello == Livello.SECONDO_GRADO


def test_file_statale_non_disattiva_le_paritarie():
    importa_anagrafe([("par.csv", csv_anagrafe([riga("BO1A00001A", 202223)]))])

    rapporto = importa_anagrafe(
        [("SCUANAGRAFESTAT.csv", csv_anagrafe([riga("BOEE00001A", 202324)], statale=True))]
    ).rapporti[0]

    assert rapporto.disattivate == 0
    assert Scuola.objects.get(codice_meccanografico="BO1A00001A").attiva is True


def test_file_latin1_con_accenti_riconosciuto():
    dati = csv_anagrafe(
        [
            riga(
                "BO1A00001A",
                DENOMINAZIONESCUOLA="SCUOLA DELL'INFANZIA SANTA MARIA DELLA CARITÀ – SAN GIORGIO",
            )
        ],
        codifica="cp1252",
    )
    dati_latin1 = csv_anagrafe(
        [riga("BO1A00002B", INDIRIZZOSCUOLA="PIAZZA DEL PLEBISCITO, CITTÀ")], codifica="latin-1"
    )

    esito = importa_anagrafe([("w.csv", dati), ("l.csv", dati_latin1)])

    assert {r.codifica for r in esito.rapporti} == {"Latin-1"}
    scuola = Scuola.objects.get(codice_meccanografico="BO1A00001A")
    assert scuola.denominazione_anagrafe == "SCUOLA DELL'INFANZIA SANTA MARIA DELLA CARITÀ – SAN GIORGIO"
    assert Scuola.objects.get(codice_meccanografico="BO1A00002B").indirizzo == "PIAZZA DEL PLEBISCITO, CITTÀ"


def test_file_utf8_con_bom_e_punto_e_virgola():
    testo = csv_anagrafe([riga("BO1A00001A", DENOMINAZIONESCUOLA="CITTÀ")]).decode()
    dati = ("\ufeff" + testo.replace(",", ";")).encode()

    esito = importa_anagrafe([("x.csv", dati)])

    assert esito.rapporti[0].codifica == "UTF-8"
    assert Scuola.objects.get().denominazione_anagrafe == "CITTÀ"


def test_file_gz_importato(tmp_path):
    percorso = tmp_path / "SCUANAGRAFEPAR20232420230901.csv.gz"
    percorso.write_bytes(gzip.compress(ESTRATTO.read_bytes()))

    rapporto = importa_percorsi([percorso]).rapporti[0]

    assert rapporto.create == sum(attese_per_distretto().values())
    assert per_distretto() == attese_per_distretto()


def test_file_nazionale_tiene_solo_i_comuni_della_citta_metropolitana():
    righe = [riga(f"RM1A{n:05d}X", CODICECOMUNESCUOLA="H501") for n in range(3000)]
    righe += [riga("BO1A00001A", CODICECOMUNESCUOLA="E289")]  # Imola
    dati = csv_anagrafe(righe, gz=True)

    rapporto = importa_anagrafe([("SCUANAGRAFEPAR.csv.gz", dati)]).rapporti[0]

    assert (rapporto.lette, rapporto.fuori_citta, rapporto.create) == (3001, 3000, 1)
    assert Scuola.objects.get().comune.distretto.slug == "imola"


def test_numero_di_riga_giusto_dopo_un_campo_su_piu_righe():
    dati = csv_anagrafe(
        [
            riga("BO1A00001A"),  # line 2
            riga("BO1A00002B", DENOMINAZIONESCUOLA="SCUOLA\nSU DUE RIGHE"),  # lines 3-4
            riga("BO1A00003C", CAPSCUOLA="abc"),  # line 5
        ]
    )

    rapporto = importa_anagrafe([("a.csv", dati)]).rapporti[0]

    assert [(r.riga, r.codice) for r in rapporto.non_valide] == [(5, "BO1A00003C")]
    assert rapporto.create == 2


def test_aggiornamento_conserva_la_riga_gli_studenti_e_i_riferimenti():
    from tests.distretti.factories import ScuolaFactory

    scuola = ScuolaFactory(codice_meccanografico="BO1A00001A", studenti=480, ultimo_anno_anagrafe=202223)
    nomi_prima = ScuolaNome.objects.count()

    rapporto = importa_anagrafe(
        [("b.csv", csv_anagrafe([riga("BO1A00001A", 202324, DENOMINAZIONESCUOLA="NOME NUOVO")]))]
    ).rapporti[0]

    assert (rapporto.create, rapporto.aggiornate) == (0, 1)
    aggiornata = Scuola.objects.get(codice_meccanografico="BO1A00001A")
    assert aggiornata.pk == scuola.pk
    assert (aggiornata.denominazione_anagrafe, aggiornata.studenti, aggiornata.ultimo_anno_anagrafe) == (
        "NOME NUOVO",
        480,
        202324,
    )
    assert aggiornata.aggiornato_il > scuola.aggiornato_il
    assert ScuolaNome.objects.count() == nomi_prima + 1


def test_nuovo_anno_senza_cambiamenti_sposta_solo_l_anno_e_non_la_data_di_aggiornamento():
    importa_anagrafe([("a.csv", csv_anagrafe([riga("BO1A00001A", 202223)]))])
    prima = Scuola.objects.get()

    rapporto = importa_anagrafe([("b.csv", csv_anagrafe([riga("BO1A00001A", 202324)]))]).rapporti[0]

    assert (rapporto.aggiornate, rapporto.invariate) == (0, 1)
    dopo = Scuola.objects.get()
    assert dopo.ultimo_anno_anagrafe == 202324
    assert dopo.aggiornato_il == prima.aggiornato_il
