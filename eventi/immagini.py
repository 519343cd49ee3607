"""Uploaded images: checked to be real images with Pillow, limited in size, re-encoded.

Re-encoding drops whatever an attacker may have appended to or hidden in the file (polyglots, EXIF
with personal data) and bounds the dimensions the public pages must serve.
"""

from __future__ import annotations

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

DIMENSIONE_MASSIMA = 5 * 1024 * 1024
LATO_MASSIMO = 1920
FORMATI = {"JPEG", "PNG", "WEBP", "GIF"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # decompression bombs fail instead of filling the memory


def valida_e_ricodifica(file) -> SimpleUploadedFile:
    """Return a freshly encoded JPEG (or PNG when the image has transparency), or raise ValidationError."""
    if file.size > DIMENSIONE_MASSIMA:
        raise ValidationError(_("L'immagine supera i 5 MB."), code="troppo_grande")
    try:
        file.seek(0)
        with Image.open(file) as prova:
            prova.verify()
        file.seek(0)
        immagine = Image.open(file)
        formato = immagine.format
        immagine.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Il file non è un'immagine valida."), code="non_immagine") from exc
    if formato not in FORMATI:
        raise ValidationError(_("Formato non ammesso: usa JPEG, PNG, WebP o GIF."), code="formato")
    immagine.thumbnail((LATO_MASSIMO, LATO_MASSIMO))
    trasparente = immagine.mode in ("RGBA", "LA", "P") and (
        immagine.mode != "P" or "transparency" in immagine.info
    )
    uscita = io.BytesIO()
    nome = os.path.splitext(os.path.basename(file.name or "immagine"))[0][:80] or "immagine"
    if trasparente:
        immagine.convert("RGBA").save(uscita, "PNG", optimize=True)
        nome, tipo = f"{nome}.png", "image/png"
    else:
        immagine.convert("RGB").save(uscita, "JPEG", quality=85, optimize=True)
        nome, tipo = f"{nome}.jpg", "image/jpeg"
    return SimpleUploadedFile(nome, uscita.getvalue(), content_type=tipo)
