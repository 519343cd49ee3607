"""WebP width variants of the public images: made with the image, shown in <picture>, gone with it."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from PIL import Image

from alternanza.core.varianti import nome_variante
from alternanza.progetti.models import FotoProgetto
from eventi.models import Evento
from tests.eventi.factories import EdizioneFactory, EventoFactory
from tests.progetti.factories import ProgettoPubblicatoFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _jpeg(larghezza: int, altezza: int, nome: str = "foto.jpg") -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (larghezza, altezza), (20, 90, 160)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=nome)


def _file(media, nome: str):
    return media / nome


def _varianti(media, nome: str) -> dict[int, tuple[str, tuple[int, int]]]:
    """width → (format, size) of every variant file of `nome` on disk."""
    base = (media / nome).stem
    trovate = {}
    for percorso in (media / nome).parent.glob(f"{base}-*.webp"):
        with Image.open(percorso) as immagine:
            trovate[int(percorso.stem.rsplit("-", 1)[1])] = (immagine.format, immagine.size)
    return trovate


def test_salvare_un_immagine_scrive_le_varianti_webp_e_le_dimensioni(db, _media):
    evento = EventoFactory(immagine=_jpeg(1200, 600))
    evento.refresh_from_db()
    assert (evento.larghezza_immagine, evento.altezza_immagine) == (1200, 600)
    assert _varianti(_media, evento.immagine.name) == {
        480: ("WEBP", (480, 240)),
        960: ("WEBP", (960, 480)),
        1200: ("WEBP", (1200, 600)),
    }


def test_un_immagine_piccola_ha_solo_la_variante_della_sua_larghezza(db, _media):
    evento = EventoFactory(immagine=_jpeg(300, 200))
    assert _varianti(_media, evento.immagine.name) == {300: ("WEBP", (300, 200))}


def test_sostituire_l_immagine_elimina_la_vecchia_e_le_sue_varianti(
    db, _media, django_capture_on_commit_callbacks
):
    evento = EventoFactory(immagine=_jpeg(1000, 500, "prima.jpg"))
    evento = Evento.objects.get(pk=evento.pk)  # as a form loads it
    vecchio = evento.immagine.name
    with django_capture_on_commit_callbacks(execute=True):
        evento.immagine = _jpeg(800, 400, "dopo.jpg")
        evento.save()
    assert not _file(_media, vecchio).exists()
    assert _varianti(_media, vecchio) == {}
    assert _varianti(_media, evento.immagine.name).keys() == {480, 800}
    assert (evento.larghezza_immagine, evento.altezza_immagine) == (800, 400)


def test_eliminare_la_riga_elimina_file_e_varianti_ma_non_un_file_condiviso(
    db, _media, django_capture_on_commit_callbacks
):
    evento = EventoFactory(immagine=_jpeg(600, 300))
    nome = evento.immagine.name
    altro = EventoFactory(immagine=nome, larghezza_immagine=600, altezza_immagine=300)
    with django_capture_on_commit_callbacks(execute=True):
        Evento.objects.get(pk=evento.pk).delete()
    assert _file(_media, nome).exists() and _varianti(_media, nome).keys() == {480, 600}
    with django_capture_on_commit_callbacks(execute=True):
        Evento.objects.get(pk=altro.pk).delete()
    assert not _file(_media, nome).exists()
    assert _varianti(_media, nome) == {}


def test_eliminare_un_progetto_elimina_le_foto_e_le_varianti(db, _media, django_capture_on_commit_callbacks):
    progetto = ProgettoPubblicatoFactory()
    foto = FotoProgetto.objects.create(progetto=progetto, immagine=_jpeg(500, 500), testo_alternativo="x")
    with django_capture_on_commit_callbacks(execute=True):
        progetto.delete()
    assert not _file(_media, foto.immagine.name).exists()
    assert _varianti(_media, foto.immagine.name) == {}


def test_il_comando_completa_le_immagini_salvate_prima_delle_varianti(db, _media):
    (_media / "festival" / "eventi").mkdir(parents=True)
    (_media / "festival" / "eventi" / "vecchia.jpg").write_bytes(_jpeg(1000, 400).read())
    evento = EventoFactory(immagine="festival/eventi/vecchia.jpg")
    assert evento.larghezza_immagine == 0
    call_command("varianti_immagini", verbosity=0)
    evento.refresh_from_db()
    assert (evento.larghezza_immagine, evento.altezza_immagine) == (1000, 400)
    assert _varianti(_media, evento.immagine.name).keys() == {480, 960, 1000}


def test_un_file_mancante_non_ferma_il_comando_e_la_pagina_mostra_l_immagine_semplice(db, client):
    evento = EventoFactory(immagine="festival/eventi/mancante.jpg")
    call_command("varianti_immagini", verbosity=0)
    evento.refresh_from_db()
    assert evento.larghezza_immagine == 0
    testo = client.get(evento.get_absolute_url()).content.decode()
    img = re.search(r"<picture><img [^>]*></picture>", testo)
    assert img and "mancante.jpg" in img.group(0) and "width=" not in img.group(0)


def _picture(testo: str) -> str:
    trovata = re.search(r"<picture>.*?</picture>", testo, re.S)
    assert trovata, "no <picture> in the page"
    return trovata.group(0)


def test_la_pagina_dell_evento_usa_picture_con_srcset_webp_e_dimensioni(db, client):
    evento = EventoFactory(immagine=_jpeg(1200, 675))
    picture = _picture(client.get(evento.get_absolute_url()).content.decode())
    base = evento.immagine.url.rsplit(".", 1)[0]
    assert (
        '<source type="image/webp" '
        f'srcset="{base}-480.webp 480w, {base}-960.webp 960w, {base}-1200.webp 1200w"' in picture
    )
    assert (
        'sizes="(min-width: 1400px) 856px, (min-width: 1200px) 736px, (min-width: 992px) 616px, 100vw"'
        in picture
    )
    assert f'src="{evento.immagine.url}"' in picture
    assert 'width="1200" height="675"' in picture
    assert 'fetchpriority="high"' in picture and 'loading="lazy"' not in picture


def test_le_foto_del_progetto_sono_picture_con_dimensioni_e_lazy_dopo_la_prima(db, client):
    progetto = ProgettoPubblicatoFactory()
    foto = [
        FotoProgetto.objects.create(
            progetto=progetto, immagine=_jpeg(1600, 1200), testo_alternativo=alt, ordine=n
        )
        for n, alt in enumerate(["Banco", "Tornio"])
    ]
    testo = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    prima, seconda = re.findall(r"<picture>.*?</picture>", testo, re.S)
    for f, picture in zip(foto, (prima, seconda), strict=True):
        assert nome_variante(f.immagine.url, 960) + " 960w" in picture
        assert 'width="1600" height="1200"' in picture
    # The first photo is the largest thing in a phone's first screen: fetched at once, not lazily.
    assert 'fetchpriority="high"' in prima and 'loading="lazy"' not in prima
    assert 'loading="lazy"' in seconda and 'alt="Tornio"' in seconda


def test_il_festival_precarica_la_variante_giusta_dell_immagine_in_evidenza(db, client):
    edizione = EdizioneFactory(immagine=_jpeg(1920, 1080), immagine_alt="Il Festival in piazza")
    testo = client.get(reverse("eventi:edizione", kwargs={"anno": edizione.anno})).content.decode()
    base = edizione.immagine.url.rsplit(".", 1)[0]
    precarica = re.search(r'<link rel="preload" as="image"[^>]*>', testo)
    assert precarica, "no image preload"
    assert (
        f'imagesrcset="{base}-480.webp 480w, {base}-960.webp 960w, {base}-1920.webp 1920w"'
        in precarica.group(0)
    )
    assert (
        'imagesizes="(min-width: 1400px) 550px, (min-width: 1200px) 475px, (min-width: 992px) 400px, 100vw"'
        in precarica.group(0)
    )
    assert 'width="1920" height="1080"' in _picture(testo)


def test_senza_dimensioni_note_nessuna_source_che_punterebbe_a_varianti_assenti():
    html = Template('{% load immagini %}{% immagine_responsiva e.immagine "Alt" %}').render(
        Context({"e": Evento(immagine="festival/eventi/x.jpg")})
    )
    assert html == (
        '<picture><img src="/media/festival/eventi/x.jpg" alt="Alt" loading="lazy" decoding="async">'
        "</picture>"
    )


def test_le_immagini_dei_dati_dimostrativi_hanno_varianti_e_dimensioni(db, _media):
    import random

    from eventi import demo

    demo.carica_eventi(30, random.Random(3))
    nomi = set(Evento.objects.values_list("immagine", flat=True))
    assert nomi and not Evento.objects.exclude(larghezza_immagine=960, altezza_immagine=540).exists()
    for nome in nomi:
        assert _varianti(_media, nome) == {480: ("WEBP", (480, 270)), 960: ("WEBP", (960, 540))}


def test_la_pagina_degli_allegati_mostra_le_foto_con_le_varianti(db, client, referente_a, scuola_a):
    from tests.conftest import entra
    from tests.progetti.factories import ProgettoFactory

    progetto = ProgettoFactory(scuola=scuola_a)
    foto = FotoProgetto.objects.create(progetto=progetto, immagine=_jpeg(700, 500), testo_alternativo="Banco")
    entra(client, referente_a)
    picture = _picture(client.get(reverse("progetti:allegati", args=[progetto.pk])).content.decode())
    assert nome_variante(foto.immagine.url, 480) + " 480w" in picture
    assert 'width="700" height="500"' in picture and 'class="img-fluid miniatura"' in picture
