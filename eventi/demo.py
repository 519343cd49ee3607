"""Demo data of the Festival: editions, events with their dates, news (`carica(scala, rng)`).

Scale "base": three editions, a few dozen readable events and some news. Scale "grande": five editions and
5,000 events (bulk inserts), 200 news items. Records are marked demo=True; running twice adds nothing new
(events and news are keyed by their slug).
"""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageDraw

from alternanza.core.varianti import crea_varianti
from distretti.models import AmbitoTematico, Comune, Scuola
from eventi.cache import invalida
from eventi.models import DataEvento, Edizione, Evento, Notizia, Pubblico, StatoEvento
from partnership.models import Organizzazione

ROMA = ZoneInfo("Europe/Rome")

QUANTI = {"base": 36, "grande": 5000}
NOTIZIE = {"base": 8, "grande": 200}
ANNI = {"base": [2024, 2025, 2026], "grande": [2022, 2023, 2024, 2025, 2026]}

TEMI = {
    2022: "Le mani che pensano",
    2023: "Tecnica è futuro",
    2024: "Saperi che si incontrano",
    2025: "Competenze in rete",
    2026: "Mani, menti e macchine",
}

ARGOMENTI = [
    ("Robotica educativa", "costruire e programmare piccoli robot"),
    ("Meccatronica", "dalla progettazione al collaudo di una macchina automatica"),
    ("Stampa 3D", "modellare e stampare oggetti in laboratorio"),
    ("Energia e sostenibilità", "misurare i consumi e progettare impianti efficienti"),
    ("Agroalimentare", "la filiera del cibo dal campo alla tavola"),
    ("Packaging", "le macchine automatiche per l'imballaggio della Packaging Valley"),
    ("Moda e tessile", "dal cartamodello al capo finito"),
    ("Edilizia e territorio", "rilievo, cantiere e sicurezza"),
    ("Informatica", "programmare un'applicazione web in squadra"),
    ("Chimica e materiali", "esperimenti sui materiali del futuro"),
    ("Elettronica", "saldare, misurare e programmare schede"),
    ("Motori e veicoli", "la tradizione motoristica bolognese"),
]

TIPI_TITOLO = {
    Evento.Tipo.LABORATORIO: "Laboratorio di {a}",
    Evento.Tipo.VISITA: "Visita aziendale: {a}",
    Evento.Tipo.CONVEGNO: "Convegno – {a} e lavoro",
    Evento.Tipo.MOSTRA: "Mostra: {a} a scuola",
    Evento.Tipo.ORIENTAMENTO: "Orientamento: le professioni di {a}",
    Evento.Tipo.OPEN_DAY: "Open day – {a}",
    Evento.Tipo.PREMIAZIONE: "Premiazione del concorso {a}",
    Evento.Tipo.ALTRO: "Incontro su {a}",
}

LUOGHI = ["Aula magna", "Laboratorio di meccanica", "Palestra", "Sala conferenze", "Officina", "Biblioteca"]

IMMAGINI = [
    ((0, 102, 204), "Banco di lavoro con attrezzi e componenti meccanici"),
    ((0, 51, 102), "Studenti davanti a un braccio robotico"),
    ((204, 102, 0), "Stampante 3D al lavoro su un pezzo arancione"),
    ((0, 128, 96), "Pannelli solari sul tetto di una scuola"),
    ((128, 0, 64), "Tavolo da cucito con stoffe colorate"),
    ((64, 64, 64), "Circuito elettronico su una breadboard"),
]


def carica(scala: str, rng: random.Random) -> None:
    """Load the Festival demo data of the scale ("base" or "grande")."""
    anni = ANNI.get(scala, ANNI["base"])
    edizioni = _edizioni(anni)
    carica_eventi(QUANTI.get(scala, QUANTI["base"]), rng, edizioni)
    _notizie(NOTIZIE.get(scala, NOTIZIE["base"]), rng, edizioni)
    invalida()


def _edizioni(anni: list[int]) -> list[Edizione]:
    edizioni = []
    for anno in anni:
        edizione, _creata = Edizione.objects.get_or_create(
            anno=anno,
            defaults={
                "titolo": "Festival della Cultura tecnica",
                "tema": TEMI.get(anno, "La cultura tecnica"),
                "data_inizio": date(anno, 10, 15),
                "data_fine": date(anno, 12, 15),
                "descrizione": (
                    "<p>Due mesi di laboratori, visite aziendali, mostre e incontri in tutta la Città "
                    "metropolitana: scuole, imprese, ITS e associazioni raccontano la cultura tecnica a "
                    "studenti, famiglie e cittadini. (Testo dimostrativo.)</p>"
                ),
                "stato": Edizione.Stato.PUBBLICATA,
            },
        )
        edizioni.append(edizione)
    return edizioni


def _immagini() -> list[tuple[str, str, tuple[int, int]]]:
    """A few real images in the media storage with their WebP variants, shared by the demo events."""
    nomi = []
    for n, (colore, alt) in enumerate(IMMAGINI):
        nome = f"festival/demo/evento-{n}.jpg"
        if not default_storage.exists(nome):
            immagine = Image.new("RGB", (960, 540), colore)
            disegno = ImageDraw.Draw(immagine)
            for k in range(0, 960, 60):
                disegno.line([(k, 0), (k + 300, 540)], fill=tuple(min(255, c + 40) for c in colore), width=12)
            buffer = io.BytesIO()
            immagine.save(buffer, "JPEG", quality=80)
            nome = default_storage.save(nome, ContentFile(buffer.getvalue()))
        # Written outside the model's save (the events are bulk-created with the file's name), so here.
        nomi.append((nome, alt, crea_varianti(default_storage, nome)))
    return nomi


def _momento(giorno: date, ora: int, minuti: int = 0) -> datetime:
    return datetime.combine(giorno, time(ora, minuti), tzinfo=ROMA)


@transaction.atomic
def carica_eventi(quanti: int, rng: random.Random, edizioni: list[Edizione] | None = None) -> None:
    """Bulk-create `quanti` public events (plus a few proposals) over the editions, with their dates."""
    edizioni = edizioni or _edizioni(ANNI["grande"] if quanti > 1000 else ANNI["base"])
    comuni = list(Comune.objects.values_list("pk", "distretto_id", "nome"))
    pesi_comuni = [20 if nome == "Bologna" else 4 if nome == "Imola" else 1 for _pk, _d, nome in comuni]
    scuole = list(Scuola.objects.filter(attiva=True).order_by("pk").values_list("pk", flat=True)[:2000])
    organizzazioni = list(Organizzazione.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    ambiti = list(AmbitoTematico.objects.values_list("pk", flat=True))
    pubblici = list(Pubblico.objects.values_list("pk", flat=True))
    immagini = _immagini()
    esistenti = set(Evento.objects.filter(demo=True).values_list("slug", flat=True))
    tipi = list(TIPI_TITOLO)

    eventi, date_per_slug = [], {}
    for i in range(quanti):
        slug_base = f"demo-evento-{i:05d}"
        if slug_base in esistenti:
            continue
        argomento, spiegazione = rng.choice(ARGOMENTI)
        tipo = rng.choices(tipi, [30, 15, 10, 8, 15, 12, 3, 7])[0]
        fuori_festival = rng.random() < 0.15
        edizione = None if fuori_festival else rng.choice(edizioni)
        if edizione:
            durata = (edizione.data_fine - edizione.data_inizio).days
            giorno = edizione.data_inizio + timedelta(days=rng.randrange(durata + 1))
        else:
            anno = rng.choice(edizioni).anno
            giorno = date(anno, rng.randrange(1, 10), rng.randrange(1, 28))
        ora = rng.choice([9, 10, 11, 14, 15, 16, 17, 20])
        inizio = _momento(giorno, ora)
        forma = rng.random()
        if forma < 0.08:  # multi-day (exhibitions)
            date_evento = [(inizio, _momento(giorno + timedelta(days=rng.randrange(1, 5)), 18))]
        elif forma < 0.14:  # weekly, three times
            date_evento = [
                (_momento(giorno + timedelta(weeks=k), ora), _momento(giorno + timedelta(weeks=k), ora + 2))
                for k in range(3)
            ]
        else:
            date_evento = [(inizio, inizio + timedelta(hours=rng.choice([1, 2, 3])))]
        comune_pk, distretto_pk, nome_comune = rng.choices(comuni, pesi_comuni)[0]
        online = rng.random() < 0.07
        # Bookings on the portal (PORTALE) are not drawn: the demo events keep their outside links.
        prenotazione = rng.choices(list(Evento.Prenotazione), [50, 30, 20, 0])[0]
        immagine, alt, (larghezza, altezza) = rng.choice(immagini)
        stato = StatoEvento.PUBBLICATO
        motivo = ""
        caso = rng.random()
        if caso < 0.02:
            stato, motivo = StatoEvento.ANNULLATO, "L'evento è annullato per indisponibilità della sede."
        elif caso < 0.04:
            stato = StatoEvento.PROPOSTO
        titolo = TIPI_TITOLO[tipo].format(
            a=argomento.lower() if tipo != Evento.Tipo.PREMIAZIONE else argomento
        )
        eventi.append(
            Evento(
                titolo=titolo,
                slug=slug_base,
                edizione=edizione,
                tipo=tipo,
                inizio=min(d[0] for d in date_evento),
                fine=max(d[1] for d in date_evento),
                luogo=rng.choice(LUOGHI),
                indirizzo=f"Via {rng.choice(['Saragozza', 'Emilia', 'Indipendenza', 'Roma', 'Matteotti'])} "
                f"{rng.randrange(1, 200)}",
                comune_id=comune_pk,
                distretto_id=distretto_pk,
                online=online,
                link_online="https://meet.example.org/festival" if online else "",
                descrizione=(
                    f"<p>{argomento}: {spiegazione}. Un'attività pensata con le scuole e le imprese del "
                    f"territorio di {nome_comune}.</p><p>Porta con te la curiosità: il resto lo "
                    "mettiamo noi. <em>(Evento dimostrativo.)</em></p>"
                ),
                immagine=immagine,
                larghezza_immagine=larghezza,
                altezza_immagine=altezza,
                immagine_alt=alt,
                prenotazione=prenotazione,
                link_prenotazione="https://prenota.example.org/festival"
                if prenotazione != Evento.Prenotazione.LIBERO
                else "",
                posti=rng.randrange(15, 120) if prenotazione == Evento.Prenotazione.OBBLIGATORIA else None,
                accessibilita="Sede accessibile a persone in sedia a ruote." if rng.random() < 0.6 else "",
                in_evidenza=rng.random() < 0.03,
                stato=stato,
                motivo_annullamento=motivo,
                demo=True,
            )
        )
        date_per_slug[slug_base] = date_evento
    Evento.objects.bulk_create(eventi, batch_size=1000)
    creati = {e.slug: e.pk for e in Evento.objects.filter(slug__in=date_per_slug).only("pk", "slug")}

    DataEvento.objects.bulk_create(
        (
            DataEvento(evento_id=creati[slug], inizio=i, fine=f)
            for slug, coppie in date_per_slug.items()
            for i, f in coppie
        ),
        batch_size=2000,
    )
    legami_pubblici, legami_ambiti, legami_scuole, legami_org = [], [], [], []
    for pk in creati.values():
        for p in rng.sample(pubblici, rng.randrange(1, 4)):
            legami_pubblici.append(Evento.pubblici.through(evento_id=pk, pubblico_id=p))
        for a in rng.sample(ambiti, min(len(ambiti), rng.randrange(1, 3))):
            legami_ambiti.append(Evento.ambiti.through(evento_id=pk, ambitotematico_id=a))
        if scuole and rng.random() < 0.7:
            for s in rng.sample(scuole, min(len(scuole), rng.randrange(1, 3))):
                legami_scuole.append(Evento.scuole.through(evento_id=pk, scuola_id=s))
        if organizzazioni and rng.random() < 0.6:
            for o in rng.sample(organizzazioni, min(len(organizzazioni), rng.randrange(1, 3))):
                legami_org.append(Evento.organizzazioni.through(evento_id=pk, organizzazione_id=o))
    Evento.pubblici.through.objects.bulk_create(legami_pubblici, batch_size=5000, ignore_conflicts=True)
    Evento.ambiti.through.objects.bulk_create(legami_ambiti, batch_size=5000, ignore_conflicts=True)
    Evento.scuole.through.objects.bulk_create(legami_scuole, batch_size=5000, ignore_conflicts=True)
    Evento.organizzazioni.through.objects.bulk_create(legami_org, batch_size=5000, ignore_conflicts=True)
    invalida()


def _notizie(quante: int, rng: random.Random, edizioni: list[Edizione]) -> None:
    esistenti = set(Notizia.objects.filter(demo=True).values_list("slug", flat=True))
    nuove = []
    for i in range(quante):
        slug = f"demo-notizia-{i:04d}"
        if slug in esistenti:
            continue
        edizione = rng.choice(edizioni)
        argomento, spiegazione = rng.choice(ARGOMENTI)
        quando = _momento(edizione.data_inizio - timedelta(days=rng.randrange(0, 120)), 9)
        nuove.append(
            Notizia(
                titolo=f"{argomento}: le novità del Festival {edizione.anno}",
                slug=slug,
                sommario=f"Al Festival {edizione.anno} si parla di {argomento.lower()}: {spiegazione}.",
                testo=(
                    f"<p>Le scuole e le imprese della rete presentano le attività dedicate a "
                    f"{argomento.lower()}: {spiegazione}.</p><p>Il programma completo è nella pagina degli "
                    "eventi. <em>(Notizia dimostrativa.)</em></p>"
                ),
                data_pubblicazione=quando,
                edizione=edizione,
                demo=True,
            )
        )
    Notizia.objects.bulk_create(nuove, batch_size=1000)
