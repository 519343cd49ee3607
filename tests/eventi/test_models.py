"""Festival models: rich text sanitised with nh3, images validated and re-encoded, the review workflow."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alternanza.core.immagini import ricodifica
from alternanza.core.testo import pulisci_html
from eventi import workflow
from eventi.models import REGOLE_IMMAGINE, Evento, StatoEvento
from tests.eventi.factories import EventoFactory, NotiziaFactory, immagine_png, ora_roma
from tests.factories import comune

pytestmark = pytest.mark.django_db

PERICOLOSO = (
    '<p onclick="alert(1)">Ciao <strong>mondo</strong></p><script>alert("x")</script>'
    '<a href="javascript:alert(1)">link</a><img src=x onerror="alert(2)">'
    '<a href="https://example.org/" onmouseover="x()">buono</a><iframe src="https://evil"></iframe>'
    '<style>body{}</style><p style="color:red">stile</p>'
)


def test_pulisci_html_toglie_script_gestori_e_url_javascript():
    pulito = pulisci_html(PERICOLOSO)
    for vietato in (
        "<script",
        "onclick",
        "onerror",
        "onmouseover",
        "javascript:",
        "<img",
        "<iframe",
        "<style",
        "style=",
    ):
        assert vietato not in pulito
    assert "<strong>mondo</strong>" in pulito
    assert 'href="https://example.org/"' in pulito
    assert 'rel="noopener noreferrer nofollow"' in pulito


def test_descrizione_dell_evento_e_sanificata_al_salvataggio():
    evento = EventoFactory(descrizione=PERICOLOSO)
    evento.refresh_from_db()
    assert "<script" not in evento.descrizione
    assert "onclick" not in evento.descrizione
    assert "<strong>mondo</strong>" in evento.descrizione


def test_testo_della_notizia_e_sanificato_al_salvataggio():
    notizia = NotiziaFactory(testo=PERICOLOSO)
    notizia.refresh_from_db()
    assert "<script" not in notizia.testo and "javascript:" not in notizia.testo


def test_pagina_dell_evento_non_contiene_script_dell_utente(client):
    evento = EventoFactory(descrizione=PERICOLOSO)
    # even text stored bypassing save() is cleaned again on output
    Evento.objects.filter(pk=evento.pk).update(descrizione='<p>ok</p><script>alert("rubato")</script>')
    testo = client.get(evento.get_absolute_url()).content.decode()
    assert 'alert("rubato")' not in testo
    assert "<p>ok</p>" in testo


def test_immagine_valida_viene_ricodificata_senza_metadati():
    buffer = io.BytesIO()
    immagine = Image.new("RGB", (3000, 1500), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010E] = "dati personali"
    immagine.save(buffer, "JPEG", exif=exif)
    caricato = SimpleUploadedFile("foto.jpeg", buffer.getvalue(), content_type="image/jpeg")
    nuovo = ricodifica(caricato, REGOLE_IMMAGINE)
    with Image.open(nuovo) as risultato:
        assert risultato.format == "JPEG"
        assert max(risultato.size) <= 1920
        assert not risultato.getexif()
    assert nuovo.name == "foto.jpg"


def test_file_che_non_e_un_immagine_viene_rifiutato():
    finto = SimpleUploadedFile("virus.png", b"<?php system($_GET['c']); ?>", content_type="image/png")
    with pytest.raises(ValidationError) as errore:
        ricodifica(finto, REGOLE_IMMAGINE)
    assert errore.value.code == "non_immagine"


def test_immagine_troppo_grande_viene_rifiutata():
    grande = SimpleUploadedFile("grande.png", b"0" * (REGOLE_IMMAGINE.max_byte + 1), content_type="image/png")
    with pytest.raises(ValidationError) as errore:
        ricodifica(grande, REGOLE_IMMAGINE)
    assert errore.value.code == "troppo_grande"


def test_png_trasparente_resta_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, "PNG")
    nuovo = ricodifica(
        SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png"), REGOLE_IMMAGINE
    )
    assert nuovo.name == "logo.png"
    assert immagine_png().size > 0


def test_distretto_dell_evento_deriva_dal_comune():
    evento = EventoFactory(comune=comune("Imola"))
    assert evento.distretto.slug == "imola"


def test_periodo_dell_evento_copre_tutte_le_date():
    evento = EventoFactory(
        date=[
            (ora_roma(2026, 11, 3, 9), ora_roma(2026, 11, 3, 12)),
            (ora_roma(2026, 11, 10, 9), ora_roma(2026, 11, 10, 12)),
        ]
    )
    evento.refresh_from_db()
    assert evento.inizio == ora_roma(2026, 11, 3, 9)
    assert evento.fine == ora_roma(2026, 11, 10, 12)


def test_flusso_proposto_approvato_pubblicato_annullato(staff):
    evento = EventoFactory(stato=StatoEvento.PROPOSTO)
    workflow.esegui(evento, "approva", staff)
    assert evento.stato == StatoEvento.APPROVATO and evento.deciso_da == staff
    workflow.esegui(evento, "pubblica", staff)
    assert evento.stato == StatoEvento.PUBBLICATO and evento.pubblicato_il
    with pytest.raises(ValidationError):
        workflow.esegui(evento, "annulla", staff)  # a cancellation needs its public reason
    workflow.esegui(evento, "annulla", staff, nota="Maltempo")
    evento.refresh_from_db()
    assert evento.stato == StatoEvento.ANNULLATO and evento.motivo_annullamento == "Maltempo"


def test_transizione_inesistente_e_rifiutata(staff):
    evento = EventoFactory(stato=StatoEvento.RIFIUTATO)
    with pytest.raises(ValidationError):
        workflow.esegui(evento, "pubblica", staff)


def test_clean_chiede_link_e_posti_per_la_prenotazione_obbligatoria():
    evento = EventoFactory.build(prenotazione=Evento.Prenotazione.OBBLIGATORIA, comune=comune("Bologna"))
    with pytest.raises(ValidationError) as errore:
        evento.clean()
    assert {"link_prenotazione", "posti"} <= set(errore.value.message_dict)


def test_evento_senza_comune_deve_essere_online():
    evento = EventoFactory.build(comune=None, online=False)
    with pytest.raises(ValidationError) as errore:
        evento.clean()
    assert "comune" in errore.value.message_dict


def test_demo_base_e_leggibile_e_si_puo_ricaricare():
    import random

    from eventi import demo
    from eventi.models import DataEvento, Edizione, Notizia

    demo.carica("base", random.Random(1))
    eventi = Evento.objects.count()
    assert eventi == demo.QUANTI["base"]
    assert Edizione.objects.filter(stato="pubblicata").count() == 3
    assert Notizia.objects.filter(demo=True).count() == demo.NOTIZIE["base"]
    assert DataEvento.objects.count() >= eventi
    assert not Evento.objects.filter(date__isnull=True).exists()
    assert (
        Evento.objects.pubblici().filter(pubblici__isnull=False).distinct().count()
        == Evento.objects.pubblici().count()
    )
    demo.carica("base", random.Random(1))  # a second run adds nothing
    assert Evento.objects.count() == eventi


def test_admin_rifiuta_un_immagine_falsa(client, superuser):
    client.force_login(superuser)
    from django.urls import reverse

    finta = SimpleUploadedFile("x.jpg", b"GIF89a non davvero", content_type="image/jpeg")
    response = client.post(
        reverse("admin:eventi_notizia_add"),
        {
            "titolo": "T",
            "slug": "t",
            "sommario": "S",
            "testo": "<p>x</p>",
            "data_pubblicazione_0": "2026-01-01",
            "data_pubblicazione_1": "10:00",
            "immagine": finta,
            "immagine_alt": "alt",
            "pubblicata": "on",
        },
    )
    assert response.status_code == 200
    assert "immagine" in response.context["adminform"].form.errors
