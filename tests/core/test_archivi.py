"""Private files (alternanza/core/archivi.py): random names, no URL of their own, sent only by the views
that check permissions first — streamed by Django, or by nginx through X-Accel-Redirect."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from alternanza.core.archivi import campi_privati, privato
from alternanza.progetti.models import DocumentoProgetto
from alternanza.report.models import StatoJob, TipoReport
from partnership.models import Convenzione, DocumentoAccordo
from tests.conftest import entra
from tests.partnership.factories import PDF_MINIMO, AccordoFactory, ConvenzioneFactory, pdf
from tests.progetti.factories import ProgettoFactory
from tests.report.factories import ReportJobFactory

NOME_CASUALE = re.compile(r"^[a-z/]+/[0-9a-f]{32}\.[a-z]+$")


@pytest.fixture(autouse=True)
def _cartelle_temporanee(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_PRIVATI_ROOT = tmp_path / "privato"


@pytest.fixture
def file_privati(db, scuola_a, distretto_a, ufficio_a):
    """One object per private file field, each with a file whose original name is telling, and the URL
    of the view that sends it to those allowed."""
    c = ConvenzioneFactory(scuola=scuola_a)
    c.pdf_firmato = pdf("Convenzione_Santa_Rita_firmata.pdf")
    c.dvr_allegato = pdf("DVR_officina.pdf")
    c.patto_formativo = pdf("Patto_formativo.pdf")
    c.save()
    accordo = AccordoFactory(scuole=[scuola_a])
    doc = DocumentoAccordo.objects.create(accordo=accordo, titolo="Testo firmato", file=pdf("Accordo.pdf"))
    job = ReportJobFactory(tipo=TipoReport.DISTRETTO, distretto=distretto_a, stato=StatoJob.COMPLETATO)
    job.file.save("report-distretto-bologna.pdf", ContentFile(PDF_MINIMO), save=False)
    job.allegato.save("report-distretto-bologna.xlsx", ContentFile(b"PK\x03\x04xlsx"), save=False)
    job.save()
    progetto = ProgettoFactory(scuola=scuola_a)
    riservato = DocumentoProgetto.objects.create(
        progetto=progetto, titolo="Relazione riservata", file=ContentFile(PDF_MINIMO, name="relazione.pdf")
    )
    from alternanza.core.models import Importazione

    # An import uploaded by the district office (its page and its errors are the uploader's and staff's).
    importazione = Importazione(tipo="organizzazioni", nome_file="camera.csv", richiesta_da=ufficio_a)
    importazione.file.save("Camera_di_commercio_2026.csv", ContentFile(b"nome;partita_iva\n"), save=False)
    importazione.file_errori.save("errori.csv", ContentFile(b"Riga;Errore\n"), save=False)
    importazione.save()
    return [
        (c.pdf_firmato, reverse("partnership:convenzione_file", args=[c.pk, "pdf_firmato"])),
        (c.dvr_allegato, reverse("partnership:convenzione_file", args=[c.pk, "dvr_allegato"])),
        (c.patto_formativo, reverse("partnership:convenzione_file", args=[c.pk, "patto_formativo"])),
        (doc.file, reverse("partnership:documento_accordo", args=[accordo.pk, doc.pk])),
        (job.file, reverse("report:scarica", args=[job.pk])),
        (job.allegato, reverse("report:allegato", args=[job.pk])),
        (riservato.file, reverse("progetti:documento", args=[progetto.pk, riservato.pk])),
        (importazione.file_errori, reverse("area:importazione_errori", args=[importazione.pk])),
    ]


def test_ogni_campo_file_privato_e_coperto(file_privati):
    """A new private field must be added to the fixture above (and to this list)."""
    campi = {f"{m._meta.label}.{c.name}" for m, c in campi_privati()}
    assert campi == {
        "partnership.Convenzione.pdf_firmato",
        "partnership.Convenzione.dvr_allegato",
        "partnership.Convenzione.patto_formativo",
        "partnership.DocumentoAccordo.file",
        "report.ReportJob.file",
        "report.ReportJob.allegato",
        "alternanza.DocumentoProgetto.file",
        "core.Importazione.file",
        "core.Importazione.file_errori",
        "core.FileImportazione.file",
    }


def test_i_file_privati_hanno_nomi_casuali_fuori_dai_media_pubblici(file_privati, settings):
    for campo, _url in file_privati:
        assert NOME_CASUALE.match(campo.name), campo.name
        assert privato.exists(campo.name)
        assert not default_storage.exists(campo.name)
        assert not (settings.MEDIA_ROOT / campo.name).exists()
    assert file_privati[0][0].url == ""  # a private file has no URL to leak into a page


def test_nome_originale_conservato_per_lo_scaricamento(file_privati, client, staff):
    c = Convenzione.objects.get()
    assert c.pdf_firmato_nome == "Convenzione_Santa_Rita_firmata.pdf"
    assert "Santa_Rita" not in c.pdf_firmato.name
    entra(client, staff)
    risposta = client.get(file_privati[0][1])
    assert risposta.status_code == 200
    assert 'filename="Convenzione_Santa_Rita_firmata.pdf"' in risposta["Content-Disposition"]
    assert b"".join(risposta.streaming_content) == PDF_MINIMO
    assert risposta["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("chi", [None, "ufficio_b", "referente_b"])
def test_url_di_storage_e_viste_negate_a_anonimi_e_altro_distretto(
    file_privati, client, request, chi, settings
):
    settings.MEDIA_PRIVATI_X_ACCEL = "/_privato/"
    entra(client, request.getfixturevalue(chi) if chi else None)
    for campo, vista in file_privati:
        for indovinato in (settings.MEDIA_URL + campo.name, "/_privato/" + campo.name):
            assert client.get(indovinato).status_code == 404, indovinato
        risposta = client.get(vista)
        assert risposta.status_code in (302, 403, 404), vista
        assert "X-Accel-Redirect" not in risposta


def test_dietro_nginx_la_vista_risponde_con_x_accel_redirect(file_privati, client, ufficio_a, settings):
    settings.MEDIA_PRIVATI_X_ACCEL = "/_privato/"
    entra(client, ufficio_a)
    for campo, vista in file_privati[:6]:
        risposta = client.get(vista)
        assert risposta.status_code == 200, vista
        assert risposta["X-Accel-Redirect"] == "/_privato/" + campo.name
        assert risposta.content == b""
        assert risposta["Content-Disposition"].startswith("attachment;")


def test_sposta_file_privati_dai_media_pubblici(db, scuola_a, settings):
    """Files uploaded before this release sit under MEDIA_ROOT with their original name."""
    vecchio = default_storage.save(
        "convenzioni/2026/Convenzione_Santa_Rita_firmata.pdf", ContentFile(PDF_MINIMO)
    )
    c = ConvenzioneFactory(scuola=scuola_a)
    Convenzione.objects.filter(pk=c.pk).update(pdf_firmato=vecchio)
    call_command("sposta_file_privati", verbosity=0)
    c.refresh_from_db()
    assert NOME_CASUALE.match(c.pdf_firmato.name)
    assert c.pdf_firmato_nome == "Convenzione_Santa_Rita_firmata.pdf"
    assert not default_storage.exists(vecchio)
    assert c.pdf_firmato.read() == PDF_MINIMO
    call_command("sposta_file_privati", verbosity=0)  # idempotent: nothing left to move
    c.refresh_from_db()
    assert privato.exists(c.pdf_firmato.name)
