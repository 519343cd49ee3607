"""Validation of tax codes, ATECO codes and uploaded PDFs, with the messages users read."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from partnership.models import Accordo, Organizzazione
from partnership.validatori import (
    normalizza_codice_fiscale,
    sezione_ateco,
    valida_ateco,
    valida_codice_fiscale,
    valida_pdf,
)
from tests.partnership.factories import PDF_MINIMO, pdf

PIVA_VALIDA = "00743110157"  # check digit correct (Pirelli's historical P.IVA, used in stdnum docs)
CF_VALIDO = "RCCMNL83S18D969H"


def messaggio(exc) -> str:
    return " ".join(exc.value.messages)


def test_partita_iva_valida_accettata_e_normalizzata():
    valida_codice_fiscale(PIVA_VALIDA)
    valida_codice_fiscale(f"IT {PIVA_VALIDA}")
    assert normalizza_codice_fiscale(f"it{PIVA_VALIDA}") == PIVA_VALIDA


def test_partita_iva_con_cifra_di_controllo_errata_spiega_il_motivo():
    with pytest.raises(ValidationError) as exc:
        valida_codice_fiscale("00743110158")
    assert "cifra di controllo" in messaggio(exc)


def test_partita_iva_troppo_corta_dice_quante_cifre_servono():
    with pytest.raises(ValidationError) as exc:
        valida_codice_fiscale("0074311015")
    assert "11 cifre" in messaggio(exc)
    assert "10" in messaggio(exc)


def test_codice_fiscale_personale_valido_e_non_valido():
    valida_codice_fiscale(CF_VALIDO)
    with pytest.raises(ValidationError) as exc:
        valida_codice_fiscale("RCCMNL83S18D969X")
    assert "carattere di controllo" in messaggio(exc)
    with pytest.raises(ValidationError) as exc:
        valida_codice_fiscale("RCCMNL83")
    assert "16 caratteri" in messaggio(exc)


def test_ateco_inesistente_rifiutato_ed_esistente_accettato():
    valida_ateco("62.10.00")
    valida_ateco("621000")
    with pytest.raises(ValidationError) as exc:
        valida_ateco("99.99.99")
    assert "ATECO" in messaggio(exc)
    assert sezione_ateco("62.10.00") == "J" or sezione_ateco("62.10.00") == "K"
    assert sezione_ateco("25.62.00") == "C"


@pytest.mark.django_db
def test_organizzazione_salvata_ricava_sezione_ateco_e_normalizza_codici():
    org = Organizzazione(nome="Officina Rossi", codice_fiscale=f"IT{PIVA_VALIDA}", codice_ateco="256200")
    org.full_clean(exclude=["slug"])
    org.save()
    org.refresh_from_db()
    assert org.codice_fiscale == PIVA_VALIDA
    assert org.codice_ateco == "25.62.00"
    assert org.sezione_ateco == "C"
    assert org.slug == "officina-rossi"


@pytest.mark.django_db
def test_organizzazione_con_partita_iva_errata_non_passa_la_validazione():
    org = Organizzazione(nome="Officina Bianchi", slug="officina-bianchi", codice_fiscale="12345678901")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "codice_fiscale" in exc.value.message_dict


def test_pdf_vero_accettato():
    valida_pdf(pdf())


def test_file_con_estensione_pdf_ma_contenuto_diverso_rifiutato():
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    falso = SimpleUploadedFile("contratto.pdf", png, content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        valida_pdf(falso)
    assert "non è un PDF" in messaggio(exc)


def test_file_word_rifiutato_per_estensione():
    with pytest.raises(ValidationError) as exc:
        valida_pdf(SimpleUploadedFile("contratto.docx", PDF_MINIMO))
    assert ".pdf" in messaggio(exc)


@override_settings(PARTNERSHIP_PDF_MAX_BYTES=1024 * 1024)
def test_pdf_troppo_grande_rifiutato():
    grande = SimpleUploadedFile("grande.pdf", PDF_MINIMO + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as exc:
        valida_pdf(grande)
    assert "troppo grande" in messaggio(exc)


@pytest.mark.django_db
def test_accordi_del_documento_di_riferimento_caricati():
    regione = Accordo.objects.get(titolo__contains="Regione Emilia-Romagna")
    assert regione.stato == Accordo.Stato.FIRMATO
    assert regione.data_firma.year == 2017 and regione.data_firma.month == 5
    unioni = Accordo.objects.get(titolo__contains="Unioni")
    assert unioni.stato == Accordo.Stato.IN_DEFINIZIONE
    assert unioni.distretti.count() == 7
    assert Organizzazione.objects.filter(partner_istituzionale=True).count() == 6


def test_pdf_con_intestazione_non_all_inizio_rifiutato():
    """A polyglot (HTML with "%PDF-" further on) passed the old check, which looked in the first KiB."""
    poliglotta = b"<html><script>alert(1)</script><!-- " + PDF_MINIMO
    with pytest.raises(ValidationError) as exc:
        valida_pdf(SimpleUploadedFile("contratto.pdf", poliglotta, content_type="application/pdf"))
    assert "non è un PDF" in messaggio(exc)
