"""The one image re-encoder: upright, without EXIF, bounded, and bombs refused from the header."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alternanza.core import immagini
from alternanza.progetti.file import REGOLE_FOTO


def _jpeg(larghezza: int, altezza: int, orientamento: int | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientamento:
        exif[0x0112] = orientamento
    Image.new("RGB", (larghezza, altezza), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_la_foto_viene_raddrizzata_secondo_l_orientamento_exif_e_perde_l_exif():
    nuovo = immagini.ricodifica(_jpeg(300, 100, orientamento=6), REGOLE_FOTO)
    with Image.open(nuovo) as risultato:
        assert risultato.size == (100, 300)
        assert not risultato.getexif()


def test_troppi_pixel_rifiutati_senza_toccare_il_limite_di_pillow(monkeypatch):
    monkeypatch.setattr(immagini, "MAX_PIXEL", 50 * 50)
    with pytest.raises(ValidationError) as errore:
        immagini.ricodifica(_jpeg(60, 60), REGOLE_FOTO)
    assert errore.value.code == "pixel"
    # Pillow's own default: no module of the portal changes the process-wide limit.
    assert int(1024 * 1024 * 1024 // 4 // 3) == Image.MAX_IMAGE_PIXELS
