"""Checks of uploaded files: documents by content signature and size, photos decoded and re-encoded.

The declared content type and the file name are not trusted: a document must start with the signature
of an allowed format; a photo is decoded and re-encoded by alternanza.core.immagini under REGOLE_FOTO.
"""

from __future__ import annotations

import os
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from alternanza.core.immagini import Regole

MAX_DOCUMENTO = 10 * 1024 * 1024

# extension → (MIME type, check of the first bytes / the whole file)
_ZIP_OFFICE = {
    ".docx": "word/",
    ".xlsx": "xl/",
    ".pptx": "ppt/",
    ".odt": "content.xml",
    ".ods": "content.xml",
}
TIPI_DOCUMENTO = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
REGOLE_FOTO = Regole(
    max_byte=8 * 1024 * 1024,
    lato_massimo=2000,
    formati=frozenset({"JPEG", "PNG", "WEBP"}),
    messaggio_formato=_("Formato non ammesso: carica un'immagine JPEG, PNG o WebP."),
    nome_predefinito="foto",
)


def _estensione(nome: str) -> str:
    return os.path.splitext(nome or "")[1].lower()


def controlla_documento(file) -> str:
    """Validate an uploaded document; return its MIME type. Raises ValidationError with a clear message."""
    if file.size > MAX_DOCUMENTO:
        raise ValidationError(
            _("Il file è troppo grande (massimo %(max)s).") % {"max": filesizeformat(MAX_DOCUMENTO)},
            code="dimensione",
        )
    estensione = _estensione(file.name)
    if estensione not in TIPI_DOCUMENTO:
        raise ValidationError(
            _("Formato non ammesso. Sono ammessi: %(tipi)s.") % {"tipi": ", ".join(sorted(TIPI_DOCUMENTO))},
            code="tipo",
        )
    file.seek(0)
    inizio = file.read(8)
    file.seek(0)
    valido = True
    if estensione == ".pdf":
        valido = inizio.startswith(b"%PDF-")
    elif estensione in _ZIP_OFFICE:
        valido = inizio.startswith(b"PK\x03\x04") and _zip_contiene(file, _ZIP_OFFICE[estensione])
    else:
        testo = file.read(64 * 1024)
        file.seek(0)
        try:
            testo.decode("utf-8")
        except UnicodeDecodeError:
            valido = False
        valido = valido and b"\x00" not in testo
    if not valido:
        raise ValidationError(
            _("Il contenuto del file non corrisponde al formato %(ext)s.") % {"ext": estensione},
            code="contenuto",
        )
    return TIPI_DOCUMENTO[estensione]


def _zip_contiene(file, prefisso: str) -> bool:
    try:
        with zipfile.ZipFile(file) as archivio:
            return any(nome.startswith(prefisso) for nome in archivio.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        file.seek(0)
