"""Uploaded images: decoded with Pillow, checked, and re-encoded before they are stored.

Re-encoding drops whatever an attacker may have appended to or hidden in the file (polyglots) and
the EXIF data (GPS positions, camera serials); the picture is first turned upright as its EXIF
orientation says, then scaled down to what the pages serve. A decompression bomb is refused from
its declared dimensions before it is decoded, without changing Pillow's process-wide limit.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

MAX_PIXEL = 40_000_000


@dataclass(frozen=True)
class Regole:
    """What one kind of upload accepts."""

    max_byte: int
    lato_massimo: int
    formati: frozenset[str]
    messaggio_formato: str | _StrPromise
    nome_predefinito: str


def ricodifica(file: UploadedFile, regole: Regole) -> SimpleUploadedFile:
    """A freshly encoded JPEG (PNG when the image has transparency) of `file`, or ValidationError."""
    if file.size is not None and file.size > regole.max_byte:
        raise ValidationError(
            _("L'immagine è troppo grande (massimo %(max)s).") % {"max": filesizeformat(regole.max_byte)},
            code="troppo_grande",
        )
    try:
        file.seek(0)
        with Image.open(file) as prova:
            formato = prova.format
            if prova.width * prova.height > MAX_PIXEL:
                raise ValidationError(_("L'immagine ha troppi pixel."), code="pixel")
            prova.verify()
        file.seek(0)
        immagine: Image.Image = Image.open(file)
        immagine.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Il file non è un'immagine valida."), code="non_immagine") from exc
    if formato not in regole.formati:
        raise ValidationError(regole.messaggio_formato, code="formato")
    immagine = ImageOps.exif_transpose(immagine)
    immagine.thumbnail((regole.lato_massimo, regole.lato_massimo))
    trasparente = immagine.mode in ("RGBA", "LA", "P") and (
        immagine.mode != "P" or "transparency" in immagine.info
    )
    uscita = io.BytesIO()
    base = os.path.splitext(os.path.basename(file.name or ""))[0][:60] or regole.nome_predefinito
    if trasparente:
        immagine.convert("RGBA").save(uscita, "PNG", optimize=True)
        nome, tipo = f"{base}.png", "image/png"
    else:
        immagine.convert("RGB").save(uscita, "JPEG", quality=85, optimize=True)
        nome, tipo = f"{base}.jpg", "image/jpeg"
    return SimpleUploadedFile(nome, uscita.getvalue(), content_type=tipo)
