"""Factories of the Festival area: editions, events (with their dates) and news."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from eventi.models import DataEvento, Edizione, Evento, Notizia, Pubblico, StatoEvento
from tests.factories import comune

ROMA = ZoneInfo("Europe/Rome")


def ora_roma(anno, mese, giorno, ora=10, minuto=0) -> datetime:
    return datetime(anno, mese, giorno, ora, minuto, tzinfo=ROMA)


def immagine_png(nome="prova.png", dimensioni=(40, 30), colore=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", dimensioni, colore).save(buffer, "PNG")
    return SimpleUploadedFile(nome, buffer.getvalue(), content_type="image/png")


class EdizioneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edizione
        django_get_or_create = ("anno",)

    anno = 2026
    titolo = "Festival della Cultura tecnica"
    tema = factory.LazyAttribute(lambda o: f"Il tema del {o.anno}")
    data_inizio = factory.LazyAttribute(lambda o: date(o.anno, 10, 15))
    data_fine = factory.LazyAttribute(lambda o: date(o.anno, 12, 15))
    descrizione = "<p>Un mese di laboratori, visite e incontri.</p>"
    stato = Edizione.Stato.PUBBLICATA


class EventoFactory(factory.django.DjangoModelFactory):
    """A published event in Bologna with one date; `date=[(inizio, fine), ...]` for several dates."""

    class Meta:
        model = Evento
        skip_postgeneration_save = True

    titolo = factory.Sequence(lambda n: f"Laboratorio di robotica {n}")
    slug = factory.Sequence(lambda n: f"laboratorio-di-robotica-{n}")
    edizione = factory.SubFactory(EdizioneFactory)
    tipo = Evento.Tipo.LABORATORIO
    inizio = factory.LazyFunction(lambda: ora_roma(2026, 11, 10, 10))
    fine = factory.LazyAttribute(lambda o: o.inizio + timedelta(hours=2))
    luogo = "Aula magna"
    indirizzo = "Via dei Bersaglieri 1"
    comune = factory.LazyFunction(lambda: comune("Bologna"))
    descrizione = "<p>Costruiamo e programmiamo un <strong>robot</strong>.</p>"
    immagine = "festival/eventi/prova.jpg"
    immagine_alt = "Studenti al lavoro su un robot"
    stato = StatoEvento.PUBBLICATO

    @factory.post_generation
    def date(obj, create, extracted, **kwargs):
        if not create:
            return
        coppie = extracted or [(obj.inizio, obj.fine)]
        DataEvento.objects.bulk_create(DataEvento(evento=obj, inizio=i, fine=f) for i, f in coppie)
        obj.ricalcola_periodo()

    @factory.post_generation
    def pubblici(obj, create, extracted, **kwargs):
        if create:
            codici = extracted if extracted is not None else ["secondaria_2"]
            obj.pubblici.set(Pubblico.objects.filter(codice__in=codici))

    @factory.post_generation
    def scuole(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.scuole.set(extracted)

    @factory.post_generation
    def organizzazioni(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organizzazioni.set(extracted)

    @factory.post_generation
    def ambiti(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.ambiti.set(extracted)


class NotiziaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notizia

    titolo = factory.Sequence(lambda n: f"Notizia del Festival {n}")
    slug = factory.Sequence(lambda n: f"notizia-del-festival-{n}")
    sommario = "Il programma è online."
    testo = "<p>Il programma completo del Festival è online.</p>"
    data_pubblicazione = factory.LazyFunction(lambda: ora_roma(2026, 9, 1, 9))
    edizione = factory.SubFactory(EdizioneFactory)
