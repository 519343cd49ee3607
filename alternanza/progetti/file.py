"""Checks of uploaded files: documents by content signature and size, photos decoded and re-encoded.

The declared content type and the file name are not trusted: a document must start with the signature
of an allowed format, and a photo must decode with Pillow; photos are re-encoded (which drops EXIF data
such as GPS positions and any payload appended to the image) and scaled down to a sane size.
"""

from __future__ import annotations

import io
import os
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_DOCUMENTO = 10 * 1024 * 1024
MAX_FOTO = 8 * 1024 * 1024
LATO_MASSIMO_FOTO = 2000
MAX_PIXEL_FOTO = 40_000_000  # decompression bombs are refused before decoding

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
FORMATI_FOTO = {"JPEG", "PNG", "WEBP"}


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


def ricodifica_foto(file) -> InMemoryUploadedFile:
    """Decode the uploaded image, refuse what is not a real JPEG/PNG/WebP, re-encode it as JPEG/PNG."""
    if file.size > MAX_FOTO:
        raise ValidationError(
            _("L'immagine è troppo grande (massimo %(max)s).") % {"max": filesizeformat(MAX_FOTO)},
            code="dimensione",
        )
    file.seek(0)
    try:
        with Image.open(file) as prova:
            formato = prova.format
            if prova.width * prova.height > MAX_PIXEL_FOTO:
                raise ValidationError(_("L'immagine ha troppi pixel."), code="pixel")
            prova.verify()
        file.seek(0)
        immagine = Image.open(file)
        immagine.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Il file non è un'immagine valida."), code="immagine") from exc
    if formato not in FORMATI_FOTO:
        raise ValidationError(_("Formato non ammesso: carica un'immagine JPEG, PNG o WebP."), code="tipo")
    immagine = ImageOps.exif_transpose(immagine)
    immagine.thumbnail((LATO_MASSIMO_FOTO, LATO_MASSIMO_FOTO))
    trasparente = immagine.mode in ("RGBA", "LA", "P") and formato == "PNG"
    uscita = io.BytesIO()
    if trasparente:
        immagine.save(uscita, format="PNG", optimize=True)
        estensione, tipo = "png", "image/png"
    else:
        immagine.convert("RGB").save(uscita, format="JPEG", quality=85, optimize=True)
        estensione, tipo = "jpg", "image/jpeg"
    base = os.path.splitext(os.path.basename(file.name or "foto"))[0][:60] or "foto"
    uscita.seek(0)
    return InMemoryUploadedFile(
        uscita, "immagine", f"{base}.{estensione}", tipo, uscita.getbuffer().nbytes, None
    )
