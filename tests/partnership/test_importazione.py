"""Import of organisations from CSV/XLSX: good files, broken rows, nothing half-written, idempotence."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from stdnum import luhn

from partnership.importazione import importa_organizzazioni
from partnership.models import Organizzazione
from tests.conftest import entra


def piva(n: int) -> str:
    """A valid partita IVA (Bologna office code 037) for test number n."""
    base = f"{n:07d}037"
    return base + luhn.calc_check_digit(base)


INTESTAZIONE = "nome;partita_iva;tipo;codice_ateco;comune;aree_s3;contatto_email;pubblica\n"


def csv_buono() -> bytes:
    righe = [
        f"Officine Aldini S.r.l.;{piva(1)};impresa;25.62.00;Bologna;Mech;info@aldini.example.org;sì\n",
        f"Cooperativa Sociale Imola;{piva(2)};Terzo settore;;Imola;Health;;no\n",
        f"Fonderia di Modena;{piva(3)};impresa;24.51.00;Modena;mech;;no\n",
    ]
    return (INTESTAZIONE + "".join(righe)).encode("utf-8")


@pytest.mark.django_db
def test_csv_valido_importato_con_comune_distretto_aree_e_ateco():
    esito = importa_organizzazioni("camera.csv", csv_buono())
    assert esito.scritto and esito.errori == []
    assert (esito.create, esito.aggiornate, esito.invariate) == (3, 0, 0)
    aldini = Organizzazione.objects.get(codice_fiscale=piva(1))
    assert aldini.comune.nome == "Bologna"
    assert aldini.sezione_ateco == "C"
    assert [a.slug for a in aldini.aree_s3.all()] == ["mech"]
    assert aldini.pubblica is True
    coop = Organizzazione.objects.get(codice_fiscale=piva(2))
    assert coop.tipo == Organizzazione.Tipo.TERZO_SETTORE
    modena = Organizzazione.objects.get(codice_fiscale=piva(3))
    assert modena.comune is None and modena.comune_esterno == "Modena"


@pytest.mark.django_db
def test_reimportare_lo_stesso_file_non_cambia_nulla():
    importa_organizzazioni("camera.csv", csv_buono())
    prima = list(Organizzazione.objects.order_by("pk").values())
    esito = importa_organizzazioni("camera.csv", csv_buono())
    assert (esito.create, esito.aggiornate, esito.invariate) == (0, 0, 3)
    assert list(Organizzazione.objects.order_by("pk").values()) == prima


@pytest.mark.django_db
def test_riga_modificata_aggiorna_per_codice_fiscale():
    importa_organizzazioni("camera.csv", csv_buono())
    nuovo = csv_buono().replace(b"Officine Aldini S.r.l.", b"Officine Aldini S.p.A.")
    esito = importa_organizzazioni("camera.csv", nuovo)
    assert (esito.create, esito.aggiornate, esito.invariate) == (0, 1, 2)
    assert Organizzazione.objects.get(codice_fiscale=piva(1)).nome == "Officine Aldini S.p.A."


def csv_rotto() -> bytes:
    righe = [
        f"Buona S.r.l.;{piva(10)};impresa;;Bologna;;;no\n",
        "Partita IVA errata;00743110158;impresa;;Bologna;;;no\n",
        f"ATECO inesistente;{piva(11)};impresa;99.99.99;Bologna;;;no\n",
        f";{piva(12)};impresa;;Bologna;;;no\n",
        f"Doppione;{piva(10)};impresa;;Bologna;;;no\n",
        f"Area sconosciuta;{piva(13)};impresa;;Bologna;Spazio;;no\n",
        f"Email rotta;{piva(14)};impresa;;Bologna;;non-una-mail;no\n",
    ]
    return (INTESTAZIONE + "".join(righe)).encode("utf-8")


@pytest.mark.django_db
def test_righe_non_valide_segnalate_col_numero_di_riga_e_saltate():
    esito = importa_organizzazioni("camera.csv", csv_rotto())
    righe = dict(esito.errori)
    assert sorted(righe) == [3, 4, 5, 6, 7, 8]
    assert "cifra di controllo" in righe[3]
    assert "ATECO" in righe[4]
    assert "nome" in righe[5]
    assert "riga 2" in righe[6]
    assert "Spazio".lower() in righe[7]
    assert "e-mail" in righe[8]
    assert esito.scritto and esito.create == 1
    assert list(
        Organizzazione.objects.filter(demo=False, partner_istituzionale=False).values_list("nome", flat=True)
    ) == ["Buona S.r.l."]


@pytest.mark.django_db
def test_rigoroso_non_scrive_nulla_se_una_riga_e_sbagliata():
    prima = Organizzazione.objects.count()
    esito = importa_organizzazioni("camera.csv", csv_rotto(), rigoroso=True)
    assert not esito.scritto
    assert len(esito.errori) == 6
    assert Organizzazione.objects.count() == prima


@pytest.mark.django_db
def test_file_senza_colonne_obbligatorie_rifiutato():
    esito = importa_organizzazioni("x.csv", b"ragione;indirizzo\nA;B\n")
    assert "colonne obbligatorie" in esito.errore_file
    assert not esito.scritto


@pytest.mark.django_db
def test_file_binario_spacciato_per_xlsx_rifiutato():
    esito = importa_organizzazioni("camera.xlsx", b"PK\x03\x04 non davvero uno zip")
    assert "XLSX" in esito.errore_file


@pytest.mark.django_db
def test_xlsx_valido_importato():
    libro = Workbook()
    foglio = libro.active
    foglio.append(["Nome", "Codice fiscale", "Tipo", "Comune"])
    foglio.append(
        ["Laboratorio Reno", piva(20), "Laboratorio di ricerca industriale", "037006"]
    )  # ISTAT Bologna
    foglio.append(["Università di prova", piva(21), "universita", "A944"])  # cadastral code of Bologna
    buffer = io.BytesIO()
    libro.save(buffer)
    esito = importa_organizzazioni("estratto.xlsx", buffer.getvalue())
    assert esito.errori == [] and esito.create == 2
    lab = Organizzazione.objects.get(codice_fiscale=piva(20))
    assert lab.tipo == Organizzazione.Tipo.LABORATORIO
    assert lab.comune.nome == "Bologna"
    assert Organizzazione.objects.get(codice_fiscale=piva(21)).comune.nome == "Bologna"


@pytest.mark.django_db
def test_comando_importa_organizzazioni_strict(tmp_path):
    rotto = tmp_path / "rotto.csv"
    rotto.write_bytes(csv_rotto())
    with pytest.raises(CommandError, match="nessuna modifica"):
        call_command("importa_organizzazioni", str(rotto), "--strict")
    buono = tmp_path / "buono.csv"
    buono.write_bytes(csv_buono())
    out = io.StringIO()
    call_command("importa_organizzazioni", str(buono), stdout=out)
    assert "nuove 3" in out.getvalue()


@pytest.mark.django_db
def test_pagina_di_importazione_per_lo_staff_mostra_gli_errori(
    client, staff, django_capture_on_commit_callbacks
):
    entra(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        risposta = client.post(
            "/rete/gestione/organizzazioni/importa/",
            {"file": SimpleUploadedFile("camera.csv", csv_rotto(), content_type="text/csv")},
        )
    assert risposta.status_code == 302  # to the import's page (the job ran eagerly at commit)
    testo = client.get(risposta["Location"]).content.decode()
    assert "cifra di controllo" in testo
    assert Organizzazione.objects.filter(codice_fiscale=piva(10)).exists()


@pytest.mark.django_db
def test_pagina_di_importazione_rifiuta_file_di_altro_tipo(client, staff):
    entra(client, staff)
    risposta = client.post(
        "/rete/gestione/organizzazioni/importa/",
        {"file": SimpleUploadedFile("camera.pdf", b"%PDF-1.4", content_type="application/pdf")},
    )
    assert risposta.status_code == 200
    assert ".csv, .csv.gz o .xlsx" in risposta.content.decode()


@pytest.mark.django_db
def test_conflitto_concorrente_non_lascia_scritture_a_meta(monkeypatch):
    from django.db import IntegrityError

    from partnership import importazione

    originale = importazione._scrivi

    def scrivi_poi_conflitto(valide, esito):
        originale(valide, esito)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(importazione, "_scrivi", scrivi_poi_conflitto)
    prima = Organizzazione.objects.count()
    esito = importa_organizzazioni("camera.csv", csv_buono())
    assert not esito.scritto and "riprova" in esito.errore_file
    assert Organizzazione.objects.count() == prima
