"""The staff page that imports the Ministry's school registry from uploaded files: the upload returns at
once with the job's page (alternanza.core.importazioni), the job imports every file of the upload."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from alternanza.core import importazioni
from alternanza.core.models import Importazione
from distretti.forms import DIMENSIONE_MASSIMA, ImportaScuoleForm
from distretti.models import Scuola
from tests.conftest import entra
from tests.distretti.factories import csv_anagrafe, riga

pytestmark = pytest.mark.django_db

URL = "/territorio/importa-anagrafe/"
S = Importazione.Stato


def carica(nome: str, dati: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, dati, content_type="text/csv")


def richiedi(client, dati: dict) -> Importazione:
    """Upload: the answer is the job's page at once, nothing imported yet."""
    risposta = client.post(URL, dati)
    assert risposta.status_code == 302, risposta.content[:500]
    importazione = Importazione.objects.latest("pk")
    assert risposta["Location"] == reverse("area:importazione", args=[importazione.pk])
    assert importazione.stato == S.IN_CODA
    return importazione


def esegui(client, importazione: Importazione) -> tuple[Importazione, str]:
    """Run the job as the worker does; the job and its result page."""
    importazioni.esegui(importazione.pk)
    importazione.refresh_from_db()
    pagina = client.get(reverse("area:importazione", args=[importazione.pk]))
    assert pagina.status_code == 200
    return importazione, pagina.content.decode()


def test_url_della_pagina():
    assert reverse("distretti:importa") == URL


def test_anonimo_mandato_al_login(client):
    risposta = client.get(URL)
    assert risposta.status_code == 302
    assert risposta["Location"].startswith(reverse("account_login"))


def test_ufficio_di_distretto_e_referente_non_importano(client, ufficio_a, referente_a):
    for persona in (ufficio_a, referente_a):
        entra(client, persona)
        assert client.get(URL).status_code == 403
        dati = {"file": carica("a.csv", csv_anagrafe([riga("BO1A00001A")]))}
        assert client.post(URL, dati).status_code == 403
    assert not Scuola.objects.filter(codice_meccanografico="BO1A00001A").exists()


def test_staff_vede_il_modulo(client, staff):
    risposta = entra(client, staff).get(URL)
    assert risposta.status_code == 200
    assert b'type="file"' in risposta.content
    assert b'name="strict"' in risposta.content


def test_staff_importa_piu_file_e_vede_il_rapporto_con_le_righe_non_valide(
    client, staff, django_capture_on_commit_callbacks
):
    primo = csv_anagrafe([riga("BO1A00001A"), riga("BO1A00002B", CAPSCUOLA="40l00")])
    secondo = csv_anagrafe(
        [
            riga(
                "BOEE00003C",
                CODICEISTITUTORIFERIMENTO="BOIC00001X",
                DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA="SCUOLA PRIMARIA",
            ),
            riga("RM1A00004D", CODICECOMUNESCUOLA="H501"),
        ],
        statale=True,
        gz=True,
    )
    entra(client, staff)
    with django_capture_on_commit_callbacks(execute=False) as in_coda:
        importazione = richiedi(
            client,
            {"file": [carica("SCUANAGRAFEPAR.csv", primo), carica("SCUANAGRAFESTAT.csv.gz", secondo)]},
        )
    assert not Scuola.objects.exists()  # nothing imported in the request
    assert len(in_coda) == 1  # one job for both files
    assert importazione.nome_file == "SCUANAGRAFEPAR.csv, SCUANAGRAFESTAT.csv.gz"
    assert [nome for nome, _file in importazione.tutti_i_file()] == [
        "SCUANAGRAFEPAR.csv",
        "SCUANAGRAFESTAT.csv.gz",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        in_coda[0]()  # the task, run eagerly
    importazione.refresh_from_db()
    testo = client.get(reverse("area:importazione", args=[importazione.pk])).content.decode()

    assert importazione.stato == S.COMPLETATA
    assert importazione.riepilogo["anagrafe"]["totali"] == {
        "lette": 4,
        "fuori_citta": 1,
        "create": 2,
        "aggiornate": 0,
        "invariate": 0,
        "disattivate": 0,
        "non_valide": 1,
    }
    assert "Conteggi per file" in testo and "SCUANAGRAFESTAT.csv.gz" in testo
    assert "BO1A00002B" in testo and "CAP non valido" in testo
    assert "<td>3</td>" in testo  # the line number of the invalid row
    assert set(Scuola.objects.values_list("codice_meccanografico", flat=True)) == {"BO1A00001A", "BOEE00003C"}
    assert Scuola.objects.get(codice_meccanografico="BOEE00003C").statale is True
    # Every row with errors is in the CSV, with its line number and its file.
    csv_errori = client.get(reverse("area:importazione_errori", args=[importazione.pk]))
    righe = list(
        csv.reader(io.StringIO(b"".join(csv_errori.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert righe[1][0] == "3" and righe[1][1].startswith("SCUANAGRAFEPAR.csv (BO1A00002B): CAP non valido")


def test_modalita_rigorosa_dalla_pagina_non_scrive_nulla(client, staff):
    dati = csv_anagrafe([riga("BO1A00001A"), riga("BO1A00002B", INDIRIZZOEMAILSCUOLA="non-una-mail")])
    entra(client, staff)

    importazione, testo = esegui(client, richiedi(client, {"file": carica("a.csv", dati), "strict": "on"}))

    assert importazione.stato == S.SCARTATA
    assert importazione.opzioni == {"rigoroso": True}
    assert "Importazione rigorosa" in testo and "nulla è stato scritto" in testo
    assert importazione.n_errori == 1
    assert not Scuola.objects.exists()


def test_un_file_dell_anagrafe_con_un_file_degli_studenti_non_valido_non_scrive_nulla(client, staff):
    """All or nothing across the files of one upload, as in the command."""
    anagrafe = csv_anagrafe([riga("BO1A00001A")])
    studenti = b"CODICESCUOLA,NUMEROSTUDENTI\r\nBO1A00001A,tanti\r\n"
    entra(client, staff)

    importazione, testo = esegui(
        client,
        richiedi(
            client, {"file": [carica("a.csv", anagrafe), carica("ALUNNI-BOLOGNA-202425.csv", studenti)]}
        ),
    )

    assert importazione.stato == S.SCARTATA
    assert "1 riga non valida: il file non è stato importato" in testo
    assert "«tanti»" in testo
    assert not Scuola.objects.exists()


def test_file_non_csv_rifiutato_con_il_motivo(client, staff):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100)
    entra(client, staff)

    importazione, testo = esegui(client, richiedi(client, {"file": carica("anagrafe.csv", png)}))

    assert importazione.stato == S.ERRORE
    assert importazione.messaggio == "anagrafe.csv: Il file non è un CSV di testo (contenuto binario)."
    assert "Il file non è stato importato: nulla è stato scritto." in testo and "binario" in testo
    assert not Scuola.objects.exists()


def test_file_che_non_e_dell_anagrafe_rifiutato_con_il_motivo(client, staff):
    entra(client, staff)

    importazione, _testo = esegui(
        client, richiedi(client, {"file": carica("comuni.csv", b"codice_istat,comune\n037006,Bologna\n")})
    )

    assert importazione.stato == S.ERRORE
    assert importazione.messaggio.startswith("comuni.csv: non è un file dell'anagrafe scuole del Ministero")


def test_estensione_non_ammessa_rifiutata_dal_modulo(client, staff):
    risposta = entra(client, staff).post(
        URL, {"file": carica("foto.png", csv_anagrafe([riga("BO1A00001A")]))}
    )

    assert risposta.status_code == 200
    assert "file" in risposta.context["form"].errors
    assert not Importazione.objects.exists()
    assert not Scuola.objects.exists()


def test_file_troppo_grande_rifiutato_dal_modulo():
    grande = SimpleUploadedFile("grande.csv.gz", b"x")
    grande.size = DIMENSIONE_MASSIMA + 1  # the size Django reports for the upload is what is checked

    form = ImportaScuoleForm(data={}, files=MultiValueDict({"file": [grande]}))

    assert not form.is_valid()
    assert "dimensione massima" in " ".join(form.errors["file"])


def test_senza_file_il_modulo_chiede_il_file(client, staff):
    risposta = entra(client, staff).post(URL, {})
    assert risposta.status_code == 200
    assert risposta.context["form"].errors["file"]


def test_file_troppo_grandi_insieme_rifiutati_dal_modulo():
    files = []
    for n in range(3):
        f = SimpleUploadedFile(f"f{n}.csv", b"x")
        f.size = DIMENSIONE_MASSIMA
        files.append(f)

    form = ImportaScuoleForm(data={}, files=MultiValueDict({"file": files}))

    assert not form.is_valid()
    assert "insieme" in " ".join(form.errors["file"])
