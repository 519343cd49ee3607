"""File imports as jobs (issue 22): the upload returns at once, the job page shows the outcome and the
first errors, the CSV has all of them; gzip bombs, binary files and strict mode; memory bounded."""

from __future__ import annotations

import csv
import gzip
import io
import tracemalloc

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alternanza.core import importazioni
from alternanza.core.models import Importazione
from partnership.models import Organizzazione
from tests.conftest import entra
from tests.partnership.test_importazione import INTESTAZIONE, piva

pytestmark = pytest.mark.django_db

S = Importazione.Stato


def _csv(buone: int, rotte: int = 0) -> bytes:
    righe = [
        f"Officina {i} S.r.l.;{piva(i)};impresa;25.62.00;Bologna;Mech;;sì\n" for i in range(1, buone + 1)
    ]
    righe += [f";{piva(900000 + i)};impresa;;Bologna;;;no\n" for i in range(rotte)]  # no name: an error
    return (INTESTAZIONE + "".join(righe)).encode("utf-8")


def _carica(client, staff, contenuto: bytes, nome="camera.csv", rigoroso=False):
    entra(client, staff)
    dati = {"file": SimpleUploadedFile(nome, contenuto)}
    if rigoroso:
        dati["rigoroso"] = "on"
    risposta = client.post(reverse("partnership:importa_organizzazioni"), dati)
    assert risposta.status_code == 302, risposta.content[:500]
    importazione = Importazione.objects.latest("pk")
    assert risposta["Location"] == reverse("area:importazione", args=[importazione.pk])
    return importazione


def _esegui(importazione) -> Importazione:
    importazioni.esegui(importazione.pk)
    importazione.refresh_from_db()
    return importazione


def test_il_caricamento_risponde_subito_e_il_lavoro_va_in_coda(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as richiami:
        importazione = _carica(client, staff, _csv(3))
    assert importazione.stato == S.IN_CODA  # nothing imported in the request
    assert not Organizzazione.objects.filter(nome__startswith="Officina").exists()
    pagina = client.get(reverse("area:importazione", args=[importazione.pk])).content.decode()
    assert "Avanzamento" in pagina and 'id="avanzamento-barra"' in pagina
    assert len(richiami) == 1


def test_esito_con_anteprima_degli_errori_e_csv_completo(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        importazione = _carica(client, staff, _csv(2500, rotte=120))
    importazione.refresh_from_db()
    assert importazione.stato == S.COMPLETATA
    assert importazione.riepilogo == {"create": 2500, "aggiornate": 0, "invariate": 0}  # across write blocks
    assert (importazione.righe, importazione.n_errori) == (2620, 120)
    assert Organizzazione.objects.filter(nome__startswith="Officina").count() == 2500
    pagina = client.get(reverse("area:importazione", args=[importazione.pk])).content.decode()
    assert pagina.count("il nome è obbligatorio") == importazioni.ANTEPRIMA_ERRORI
    assert "Le prime 50 righe con errori: le altre sono nel CSV." in pagina
    risposta = client.get(reverse("area:importazione_errori", args=[importazione.pk]))
    righe = list(
        csv.reader(io.StringIO(b"".join(risposta.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert righe[0] == ["Riga", "Errore"]
    assert len(righe) == 121 and righe[1][0] == "2502"
    # The requester is told, with the link to the result.
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert reverse("area:importazione", args=[importazione.pk]) in mail.outbox[0].body


def test_rigoroso_con_errori_non_scrive_nulla(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        importazione = _carica(client, staff, _csv(2500, rotte=1), rigoroso=True)
    importazione.refresh_from_db()
    assert importazione.stato == S.SCARTATA
    assert not Organizzazione.objects.filter(nome__startswith="Officina").exists()
    assert (
        "nulla è stato scritto"
        in client.get(reverse("area:importazione", args=[importazione.pk])).content.decode()
    )


def test_un_file_che_non_e_un_elenco_finisce_in_errore_con_il_motivo(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        importazione = _carica(client, staff, b"ragione;indirizzo\nA;B\n")
    importazione.refresh_from_db()
    assert importazione.stato == S.ERRORE
    assert importazione.messaggio == "Mancano le colonne obbligatorie: nome, codice_fiscale."
    assert "Mancano le colonne obbligatorie" in mail.outbox[0].body
    assert "non riuscita" in mail.outbox[0].subject
    # The worker's message delivered again (acks_late after a crash) leaves a finished import alone.
    assert importazioni.esegui(importazione.pk) == "già finita"


def test_un_file_binario_e_rifiutato(client, staff):
    importazione = _esegui(
        _carica(client, staff, b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" * 100, nome="foto.csv")
    )
    assert importazione.stato == S.ERRORE and "binario" in importazione.messaggio


def test_un_csv_compresso_con_gzip_si_importa(client, staff):
    importazione = _esegui(_carica(client, staff, gzip.compress(_csv(3)), nome="camera.csv.gz"))
    assert importazione.stato == S.COMPLETATA and importazione.riepilogo["create"] == 3


def test_una_bomba_gzip_e_rifiutata_senza_decomprimerla_in_memoria(client, staff):
    """~2 GB of zeros in 2 MB of gzip: refused at the 50 MB cap, streaming (memory bounded)."""
    bomba = io.BytesIO()
    with gzip.GzipFile(fileobj=bomba, mode="wb", compresslevel=9) as g:
        g.write(INTESTAZIONE.encode())
        zeri = b"a" * (16 * 1024 * 1024)
        for _ in range(128):
            g.write(zeri)
    importazione = _carica(client, staff, bomba.getvalue(), nome="camera.csv.gz")
    tracemalloc.start()
    try:
        _esegui(importazione)
        _attuale, picco = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    importazione.refresh_from_db()
    assert importazione.stato == S.ERRORE
    assert importazione.messaggio == "Il file decompresso supera 50 MB: dividilo in parti più piccole."
    assert picco < 60 * 1024 * 1024, f"{picco / 1e6:.0f} MB allocated"


def test_decomprimi_in_memoria_rispetta_il_limite():
    assert importazioni.decomprimi(gzip.compress(b"abc")) == b"abc"
    assert importazioni.decomprimi(b"testo semplice") == b"testo semplice"
    with pytest.raises(importazioni.FileRifiutato, match="supera 1 MB"):
        importazioni.decomprimi(gzip.compress(b"x" * (2 * 1024 * 1024)), massimo=1024 * 1024)
    with pytest.raises(importazioni.FileRifiutato, match="gzip"):
        importazioni.decomprimi(b"\x1f\x8b rotto")


def test_l_importazione_di_un_altro_non_si_vede(client, staff, ufficio_a):
    importazione = _carica(client, staff, _csv(1))
    entra(client, ufficio_a)
    assert client.get(reverse("area:importazione", args=[importazione.pk])).status_code == 404


def test_decomprimi_legge_ogni_membro_e_rifiuta_un_archivio_troncato():
    assert importazioni.decomprimi(gzip.compress(b"uno ") + gzip.compress(b"due")) == b"uno due"
    with pytest.raises(importazioni.FileRifiutato, match="incompleto"):
        importazioni.decomprimi(gzip.compress(b"x" * 1000)[:-8])


def _bomba(testa: bytes = b"", mb: int = 60) -> bytes:
    """`mb` MB of zeros (past the 50 MB cap) in about 60 KB of gzip."""
    bomba = io.BytesIO()
    with gzip.GzipFile(fileobj=bomba, mode="wb", compresslevel=9) as g:
        g.write(testa)
        zeri = b"0" * (1024 * 1024)
        for _ in range(mb):
            g.write(zeri)
    return bomba.getvalue()


def _esegui_misurando(importazione) -> tuple[Importazione, int]:
    """Run the job as the worker does; the job and the peak of memory it allocated."""
    tracemalloc.start()
    try:
        importazioni.esegui(importazione.pk)
        _attuale, picco = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    importazione.refresh_from_db()
    return importazione, picco


@pytest.mark.parametrize(
    "testa",
    [b"", b"ANNOSCOLASTICO,CODICESCUOLA,DENOMINAZIONESCUOLA\n", b"CODICESCUOLA,NUMEROSTUDENTI\n"],
    ids=["zeri", "anagrafe", "studenti"],
)
def test_la_bomba_gzip_sulla_pagina_dell_anagrafe_e_rifiutata_con_un_messaggio(client, staff, testa):
    """The registry job decompresses with the cap while it streams: 60 MB of zeros (a 2 GB bomb alike)
    end the job "errore" with the reason, and the job allocates a few MB, never the file."""
    from distretti.models import Scuola

    entra(client, staff)
    risposta = client.post(
        reverse("distretti:importa"),
        {"file": SimpleUploadedFile("SCUANAGRAFEPAR20252620250901.csv.gz", _bomba(testa))},
    )
    assert risposta.status_code == 302  # the request only keeps the upload
    importazione, picco = _esegui_misurando(Importazione.objects.latest("pk"))
    assert importazione.stato == S.ERRORE
    assert importazione.messaggio == (
        "SCUANAGRAFEPAR20252620250901.csv.gz: "
        "Il file decompresso supera 50 MB: dividilo in parti più piccole."
    )
    assert picco < 30 * 1024 * 1024, f"{picco / 1e6:.0f} MB allocated"
    assert not Scuola.objects.exists()
    pagina = client.get(risposta["Location"]).content.decode()
    assert "Il file decompresso supera 50 MB" in pagina


def test_la_bomba_gzip_sulla_pagina_degli_iscritti_e_rifiutata_con_un_messaggio(client, staff):
    from eventi.newsletter.models import Iscritto

    entra(client, staff)
    risposta = client.post(
        reverse("newsletter:iscritti_importa"),
        {
            "file": SimpleUploadedFile("lista.csv", _bomba(b"email\nuno@example.org\n")),
            "nota_consenso": "Moduli cartacei",
            "consenso_documentato": "on",
        },
    )
    assert risposta.status_code == 302
    importazione, picco = _esegui_misurando(Importazione.objects.latest("pk"))
    assert importazione.stato == S.ERRORE
    assert importazione.messaggio == "Il file decompresso supera 50 MB: dividilo in parti più piccole."
    assert picco < 30 * 1024 * 1024, f"{picco / 1e6:.0f} MB allocated"
    assert not Iscritto.objects.exists()


def test_la_codifica_e_utf8_windows_1252_o_latin1_e_un_gzip_troncato_e_rifiutato_leggendo():
    def da(dati: bytes):
        return lambda: importazioni.apri_binario(io.BytesIO(dati))

    assert importazioni.codifica(da("città".encode())) == "utf-8-sig"
    assert importazioni.codifica(da("città – sì".encode("cp1252"))) == "cp1252"
    # 0x81 is undefined in Windows-1252: the file is read as Latin-1 instead of failing half-way.
    codifica, righe = importazioni.leggi_testo(da(b"a\x81b\n"))
    assert (codifica, list(righe)) == ("latin-1", ["a\x81b\n"])
    with pytest.raises(importazioni.FileRifiutato, match="incompleto"):
        importazioni.codifica(da(gzip.compress(b"x" * 1000)[:-8]))
