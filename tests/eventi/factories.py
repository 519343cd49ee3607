"""Factories of the Festival area: editions, events (with their dates) and news."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from eventi.models import DataEvento, Edizione, Evento, Notizia, Pubblico, StatoEvento
from tests.factories import comune, immagine_salvata

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


def festival_di_prova() -> dict:
    """A small, readable Festival (edition, past edition, events in two districts, news) for page tests."""
    from distretti.models import AmbitoTematico
    from tests.factories import OrganizzazioneFactory, ScuolaFactory

    esistente = Evento.objects.filter(slug="laboratorio-robotica-famiglie").first()
    if esistente is not None:  # several pages checked in the same test share one Festival
        return {
            "edizione": esistente.edizione,
            "bologna": esistente,
            "imola": Evento.objects.get(slug="open-day-meccatronica-imola"),
            "notizia": Notizia.objects.get(slug="programma-online"),
        }
    edizione = EdizioneFactory(
        anno=2026,
        tema="Mani, menti e macchine",
        immagine_alt="Studenti e tecnici in un laboratorio",
        **immagine_salvata("festival/edizioni/prova-2026.jpg", (1600, 900), (0, 51, 102)),
    )
    EdizioneFactory(anno=2025, titolo="Festival della Cultura tecnica", tema="Competenze in rete")
    ambito = AmbitoTematico.objects.order_by("ordine").first()
    scuola = ScuolaFactory(denominazione="Istituto tecnico Belluzzi-Fioravanti", comune=comune("Bologna"))
    org = OrganizzazioneFactory(
        nome="Officine Meccaniche Bolognesi", profilo="Macchine automatiche dal 1960."
    )
    bologna = EventoFactory(
        titolo="Laboratorio di robotica per famiglie",
        slug="laboratorio-robotica-famiglie",
        edizione=edizione,
        inizio=ora_roma(2026, 11, 12, 15),
        pubblici=["famiglie", "secondaria_1"],
        scuole=[scuola],
        organizzazioni=[org],
        ambiti=[ambito] if ambito else [],
        in_evidenza=True,
        posti=25,
        prenotazione=Evento.Prenotazione.OBBLIGATORIA,
        link_prenotazione="https://prenota.example.org/robotica",
        accessibilita="Sede accessibile, ascensore al piano terra.",
        **immagine_salvata("festival/eventi/prova-robotica.jpg", (1200, 675), (120, 40, 90)),
    )
    imola = EventoFactory(
        titolo="Open day della meccatronica",
        slug="open-day-meccatronica-imola",
        edizione=edizione,
        comune=comune("Imola"),
        inizio=ora_roma(2026, 11, 14, 10),
        pubblici=["famiglie", "secondaria_1"],
        tipo=Evento.Tipo.OPEN_DAY,
        ambiti=[ambito] if ambito else [],
    )
    EventoFactory(
        titolo="Convegno: scuola e impresa",
        slug="convegno-scuola-impresa",
        edizione=edizione,
        comune=comune("Imola"),
        inizio=ora_roma(2026, 11, 20, 9),
        pubblici=["docenti"],
        tipo=Evento.Tipo.CONVEGNO,
    )
    EventoFactory(
        titolo="Mostra dei progetti",
        slug="mostra-dei-progetti",
        edizione=edizione,
        inizio=ora_roma(2026, 11, 25, 9),
        fine=ora_roma(2026, 11, 27, 18),
        tipo=Evento.Tipo.MOSTRA,
        stato=StatoEvento.ANNULLATO,
        motivo_annullamento="La sede è chiusa per lavori.",
    )
    notizia = NotiziaFactory(titolo="Il programma è online", slug="programma-online", edizione=edizione)
    return {"edizione": edizione, "bologna": bologna, "imola": imola, "notizia": notizia}


def pagina_festival(chiave: str = "") -> str:
    """Create the test Festival and return the Italian path of one of its pages."""
    dati = festival_di_prova()
    percorsi = {
        "": "/festival/",
        "elenco": "/festival/eventi/?da=2026-01-01",
        "calendario": "/festival/eventi/calendario/?mese=2026-11",
        "evento": dati["bologna"].get_absolute_url(),
        "annullato": "/festival/eventi/mostra-dei-progetti/",
        "notizie": "/festival/notizie/",
        "notizia": dati["notizia"].get_absolute_url(),
        "archivio": "/festival/edizioni/",
        "edizione": "/festival/edizioni/2025/",
    }
    return percorsi[chiave]


def evento_prenotabile(posti: int = 30, tipo: str = "classe", **kwargs) -> Evento:
    """A published event booked on the portal, ten days from now (bookings open)."""
    from django.utils import timezone

    inizio = kwargs.pop("inizio", timezone.now().replace(microsecond=0) + timedelta(days=10))
    return EventoFactory(
        prenotazione=kwargs.pop("prenotazione", Evento.Prenotazione.PORTALE),
        tipo_prenotazione=tipo,
        posti=posti,
        inizio=inizio,
        edizione=kwargs.pop("edizione", None),
        **kwargs,
    )


def occupati(evento: Evento) -> int:
    """The places held over all the dates of the event (each date has its own count)."""
    from django.db.models import Sum

    return DataEvento.objects.filter(evento=evento).aggregate(n=Sum("posti_occupati", default=0))["n"]
