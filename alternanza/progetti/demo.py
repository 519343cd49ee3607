"""Demo data of the projects area: alternation projects, network actions, technical assistance, models.

Called by `manage.py carica_demo` as `carica(scala, rng)`. At scale "base" a few dozen readable projects;
at scale "grande" 100,000 projects over the schools, the previous and the current school year, every
status, host organisations (checked ones only) and student counts, written with COPY in chunks (the search
vector is filled by the database trigger; the audit trail of pghistory is skipped for this bulk load).
Each phase looks as users meet it: planned projects (draft to published) start in the current year and
have no consuntivo yet; running ones ("in corso") started in the last weeks and have part of it, a few
started before the office published them (so they are still reserved); concluded and archived ones
belong to the previous year and have the whole consuntivo (hours done, participants, results, the
school's evaluation), and part of the concluded ones the host's evaluation too. Everything is marked
demo=True; the same seed on the same day gives the same data, and a second run adds only what is missing.
"""

from __future__ import annotations

import datetime
import io
import random
import uuid
from typing import Any

import pgtrigger
from django.db import connection, models
from django.utils import timezone

from alternanza.core.anno_scolastico import anno_precedente, anno_scolastico_di
from alternanza.progetti.models import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    ModelloIntervento,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
    TransizioneProgetto,
    ValutazioneOspitante,
)
from distretti.models import AmbitoTematico, Distretto, Livello, Scuola
from partnership.models import AreaS3, Organizzazione

QUANTI = {"base": 40, "grande": 100_000}
AZIONI = {"base": 8, "grande": 40}
BLOCCO = 5000
S = StatoProgetto
STATI = [
    (S.PUBBLICATO, 25),
    (S.IN_CORSO, 15),
    (S.CONCLUSO, 15),
    (S.VALIDATO, 10),
    (S.INVIATO, 10),
    (S.RIMANDATO, 5),
    (S.BOZZA, 12),
    (S.ARCHIVIATO, 8),
]
# The phases whose work is over (the whole consuntivo, the previous school year), and those visitors may
# see once the office published them.
FINITI = (S.CONCLUSO, S.ARCHIVIATO)
PUBBLICATI = (S.PUBBLICATO, S.IN_CORSO, S.CONCLUSO, S.ARCHIVIATO)
AVVIATI_PRIMA_DELLA_PUBBLICAZIONE = 0.1  # of the running projects: started while only validated
CON_VALUTAZIONE_OSPITANTE = 0.5  # of the concluded projects: the host's tutor answered the mailed link

ATTIVITA = [
    "Laboratorio di",
    "Tirocinio in",
    "Impresa simulata:",
    "Percorso di orientamento in",
    "Project work di",
    "Stage estivo in",
    "Hackathon di",
    "Cantiere scuola di",
]
SETTORI = [
    ("meccanica", "officina meccanica"),
    ("meccatronica", "linea di automazione"),
    ("robotica", "cella robotizzata"),
    ("elettronica", "laboratorio elettronico"),
    ("informatica", "software house"),
    ("logistica", "magazzino automatizzato"),
    ("turismo", "struttura ricettiva"),
    ("agroalimentare", "caseificio"),
    ("chimica", "laboratorio di analisi"),
    ("moda", "atelier di confezione"),
    ("edilizia sostenibile", "cantiere"),
    ("energia", "impianto fotovoltaico"),
    ("sanità", "struttura socio-sanitaria"),
    ("grafica e comunicazione", "agenzia di comunicazione"),
    ("packaging", "linea di confezionamento"),
    ("biomedicale", "azienda biomedicale"),
]
OBIETTIVI = [
    "Conoscere l'organizzazione di un'impresa del territorio e le competenze richieste.",
    "Sperimentare strumenti e metodi di lavoro in un contesto reale.",
    "Rafforzare le competenze trasversali: lavoro in gruppo, comunicazione, problem solving.",
    "Avvicinare le ragazze alle professioni tecniche e scientifiche.",
    "Conoscere i percorsi ITS e le opportunità di lavoro del distretto.",
]
RISULTATI = [
    "Gli studenti hanno realizzato un prototipo presentato al Festival della Cultura tecnica.",
    "Valutazione positiva dei tutor aziendali; due imprese hanno chiesto di ripetere l'esperienza.",
    "Prodotto finale: un manuale operativo scritto dagli studenti per i compagni delle classi terze.",
    "",
]
VALUTAZIONI_SCUOLA = [
    "Obiettivi raggiunti; da anticipare la formazione sulla sicurezza all'inizio dell'anno.",
    "Buona partecipazione delle classi; il tutor aziendale è stato presente e disponibile.",
    "Esperienza da ripetere con un numero minore di studenti per gruppo.",
]
VALUTAZIONI_OSPITANTE = [
    "Studenti puntuali e curiosi; il project work finale è stato utile anche al nostro ufficio tecnico.",
    "Buon lavoro di gruppo; servirebbe più preparazione sull'uso degli strumenti prima dell'inizio.",
    "Esperienza positiva: siamo disponibili ad accogliere un'altra classe il prossimo anno.",
]
GIUDIZI = [(4, 40), (3, 40), (2, 15), (1, 5)]
TUTOR = ["Anna Rossi", "Marco Bianchi", "Giulia Conti", "Luca Ferrari", "Sara Gallo", "Paolo Serra"]
TEMI_ASSISTENZA = [
    "Co-progettazione di percorsi PCTO con le imprese",
    "Mappatura dei partner del distretto",
    "Sicurezza sul lavoro negli stage",
    "Orientamento e parità di genere",
    "Valutazione degli esiti dei percorsi",
    "Coinvolgimento delle Fondazioni ITS",
]
TITOLI_AZIONI = [
    "Tavolo distrettuale scuola-impresa",
    "Rete dei laboratori territoriali",
    "Scambio di esperienze tra distretti sui PCTO",
    "Ragazze e discipline STEM",
    "Sicurezza a scuola e in azienda",
    "Orientamento alle professioni tecniche",
    "Cultura tecnica nella scuola primaria",
    "Allineamento dei curricoli alla S3",
    "Valorizzazione delle competenze degli studenti di origine straniera",
    "Catalogo metropolitano delle offerte di stage",
]


def anni(oggi: datetime.date | None = None) -> tuple[str, str]:
    """The school years of the demo projects: the previous one and the current one (today's)."""
    corrente = anno_scolastico_di(oggi)
    return anno_precedente(corrente), corrente


def carica(scala: str, rng: random.Random) -> None:
    """Load the projects' demo data of the scale ("base" or "grande")."""
    _progetti(QUANTI.get(scala, QUANTI["base"]), rng)
    _rete(AZIONI.get(scala, AZIONI["base"]), rng)
    from alternanza.progetti.cache import invalida_vetrina

    invalida_vetrina()


# Columns written by the bulk load (every NOT NULL column of the tables; `ricerca` is set by the trigger).
COLONNE_PROGETTO = (
    "id",
    "scuola_id",
    "distretto_id",
    "indirizzo",
    "anno_scolastico",
    "titolo",
    "descrizione",
    "obiettivi",
    "classi",
    "ore_previste",
    "ore_svolte",
    "data_inizio",
    "data_fine",
    "sicurezza_ore",
    "sicurezza_ente",
    "sicurezza_svolta",
    "studenti_totale",
    "studenti_ragazze",
    "studenti_origine_straniera",
    "studenti_con_sostegno",
    "studenti_con_formazione_sicurezza",
    "risultati",
    "valutazione",
    "consenso_vetrina",
    "stato",
    "creato_da_nome",
    "creato_il",
    "aggiornato_il",
    "pubblicato_il",
    "demo",
)


def _testo_copy(valore) -> str:
    """One value in PostgreSQL's COPY text format."""
    if valore is None:
        return "\\N"
    if isinstance(valore, bool):
        return "t" if valore else "f"
    if isinstance(valore, datetime.date):
        return valore.isoformat()
    testo = str(valore)
    if any(c in testo for c in "\\\t\n\r"):
        testo = testo.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return testo


def _copia(tabella: str, colonne: tuple[str, ...], righe: list[tuple]) -> None:
    """Insert rows with COPY (PostgreSQL): an order of magnitude faster than INSERT for 100k rows."""
    buffer = io.StringIO()
    for riga in righe:
        buffer.write("\t".join(_testo_copy(v) for v in riga))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursore:
        cursore.execute("SELECT 1")  # sets pgtrigger's ignore variable (see _senza_storia)
        cursore.cursor.copy_expert(f"COPY {tabella} ({', '.join(colonne)}) FROM STDIN", buffer)


def _nuovi_id(tabella: str, quanti: int) -> list[int]:
    with connection.cursor() as cursore:
        cursore.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [tabella, quanti]
        )
        return [riga[0] for riga in cursore.fetchall()]


def _senza_storia():
    """Skip pghistory's audit trigger during the bulk load (it is not an edit to audit). pgtrigger sets
    its session variable on every statement Django executes; `_copia` runs a statement right before each
    COPY so the variable is set for the COPY too."""
    return pgtrigger.ignore("alternanza.Progetto:insert_insert")


def _progetti(quanti: int, rng: random.Random) -> None:
    gia = Progetto.objects.filter(demo=True).count()
    if gia >= quanti:
        return
    # PCTO belongs to the upper secondary schools (licei, tecnici, professionali): the demo's projects too.
    scuole = list(
        Scuola.objects.filter(attiva=True, livello=Livello.SECONDO_GRADO)
        .order_by("pk")
        .values_list("pk", "comune_id", "comune__distretto_id")
    )
    if not scuole:
        return
    # Hosts proposed by a school and not yet checked stay out: only their school may name them.
    organizzazioni = list(
        Organizzazione.objects.verificate().order_by("pk").values_list("pk", flat=True)[:20_000]
    )
    ambiti = list(AmbitoTematico.objects.values_list("pk", flat=True))
    aree = list(AreaS3.objects.values_list("pk", flat=True))
    with _senza_storia():
        _blocchi(gia, quanti, rng, scuole, organizzazioni, ambiti, aree)


def _date(stato: str, rng: random.Random, oggi: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """(school year, start, end) fitting the phase: the finished ones in the spring of the previous year,
    the running ones started in the last weeks, the planned ones in the spring of the current year."""
    precedente, corrente = anni(oggi)
    if stato == S.IN_CORSO:
        inizio = oggi - datetime.timedelta(days=rng.randint(7, 75))
        return anno_scolastico_di(inizio), inizio, oggi + datetime.timedelta(days=rng.randint(7, 60))
    anno = precedente if stato in FINITI else corrente
    inizio = datetime.date(int(anno[:4]) + 1, rng.randint(1, 5), rng.randint(1, 28))
    return anno, inizio, inizio + datetime.timedelta(days=rng.randint(7, 60))


def _pubblicato_il(stato: str, inizio: datetime.date, adesso: datetime.datetime, rng: random.Random):
    """When the office published it: weeks before the start (never in the future), none for the phases
    before publication and for the running projects started while only validated."""
    if stato not in PUBBLICATI:
        return None
    if stato == S.IN_CORSO and rng.random() < AVVIATI_PRIMA_DELLA_PUBBLICAZIONE:
        return None
    giorno = datetime.datetime.combine(inizio, datetime.time(10), tzinfo=adesso.tzinfo)
    return min(adesso, giorno - datetime.timedelta(days=rng.randint(5, 60), minutes=rng.randint(0, 1440)))


def _blocchi(gia, quanti, rng, scuole, organizzazioni, ambiti, aree) -> None:
    stati, pesi = zip(*STATI, strict=True)
    adesso = timezone.now()
    oggi = timezone.localdate()
    for inizio in range(gia, quanti, BLOCCO):
        fine = min(inizio + BLOCCO, quanti)
        ids = _nuovi_id("alternanza_progetto", fine - inizio)
        righe, comuni_scuola = [], []
        concluse: dict[int, datetime.date] = {}  # id: end date
        for i, pid in zip(range(inizio, fine), ids, strict=True):
            scuola_id, comune_id, distretto_id = rng.choice(scuole)
            settore, luogo = rng.choice(SETTORI)
            stato = rng.choices(stati, pesi)[0]
            anno, data_inizio, data_fine = _date(stato, rng, oggi)
            totale = rng.randint(5, 60)
            ore_previste = rng.choice((20, 30, 40, 60, 80, 90))
            finito, in_corso = stato in FINITI, stato == S.IN_CORSO
            if finito:
                ore_svolte = ore_previste - rng.choice((0, 0, 0, 2, 4))
            elif in_corso:
                ore_svolte = rng.randint(1, ore_previste - 1)
            else:
                ore_svolte = 0
            righe.append(
                (
                    pid,
                    scuola_id,
                    distretto_id,
                    "",
                    anno,
                    f"{rng.choice(ATTIVITA)} {settore} n. {i + 1}",
                    f"Percorso per le competenze trasversali e l'orientamento nel settore {settore}: "
                    f"gli studenti lavorano in un {luogo} affiancati da un tutor aziendale. "
                    "(Testo dimostrativo.)",
                    rng.choice(OBIETTIVI),
                    f"{rng.randint(3, 5)}{rng.choice('ABCDE')}",
                    ore_previste,
                    ore_svolte,
                    data_inizio,
                    data_fine,
                    rng.choice((4, 8, 12)),
                    rng.choice(("Scuola", "Impresa ospitante", "Ente di formazione")),
                    finito or (in_corso and rng.random() < 0.7),
                    totale,
                    rng.randint(0, totale),
                    rng.randint(0, totale // 3),
                    rng.randint(0, min(3, totale)),
                    totale if finito else (rng.randint(0, totale) if in_corso else 0),
                    rng.choice(RISULTATI[:-1]) if finito else "",
                    rng.choice(VALUTAZIONI_SCUOLA) if finito else "",
                    rng.random() < 0.9,
                    stato,
                    "Referente dimostrativo",
                    adesso,
                    adesso,
                    _pubblicato_il(stato, data_inizio, adesso, rng),
                    True,
                )
            )
            comuni_scuola.append(comune_id)
            if stato == S.CONCLUSO:
                concluse[pid] = data_fine
        _copia("alternanza_progetto", COLONNE_PROGETTO, righe)
        stati_blocco = [r[COLONNE_PROGETTO.index("stato")] for r in righe]
        _collegamenti(ids, stati_blocco, comuni_scuola, rng, organizzazioni, ambiti, aree)
        _valutazioni_ospitanti(concluse, rng)


def _valutazioni_ospitanti(concluse: dict[int, datetime.date], rng: random.Random) -> None:
    """The hosts' evaluations of part of the concluded projects {id: end date}, as if asked for at the
    end and answered a few days later (valutazioni.richiedi and registra). The random key comes from
    the seed, so the same seed gives the same links."""
    scelti = sorted(pid for pid in concluse if rng.random() < CON_VALUTAZIONE_OSPITANTE)
    ospitanti = (
        ProgettoOrganizzazione.objects.filter(
            progetto_id__in=scelti, ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE
        )
        .order_by("progetto_id", "pk")
        .values_list("pk", "progetto_id", "tutor_email")
    )
    giudizi, pesi = zip(*GIUDIZI, strict=True)
    valutazioni = []
    for pk, pid, email in ospitanti:
        richiesta = datetime.datetime.combine(
            concluse[pid], datetime.time(9), tzinfo=datetime.UTC
        ) + datetime.timedelta(days=rng.randint(1, 10))
        valutazioni.append(
            ValutazioneOspitante(
                partecipazione_id=pk,
                chiave=uuid.UUID(int=rng.getrandbits(128), version=4),
                richiesta_a=email,
                richiesta_il=richiesta,
                giudizio=rng.choices(giudizi, pesi)[0],
                testo=rng.choice(VALUTAZIONI_OSPITANTE) + " (Testo dimostrativo.)",
                compilata_da="Tutor aziendale (dimostrativo)",
                compilata_il=richiesta + datetime.timedelta(days=rng.randint(1, 14)),
            )
        )
    ValutazioneOspitante.objects.bulk_create(valutazioni, batch_size=2000)


def _collegamenti(ids, stati, comuni_scuola, rng, organizzazioni, ambiti, aree) -> None:
    righe_ambiti, righe_aree, righe_comuni, partecipazioni = [], [], [], []
    ruoli = ProgettoOrganizzazione.Ruolo.values
    for pid, comune_id in zip(ids, comuni_scuola, strict=True):
        for ambito_id in rng.sample(ambiti, k=min(len(ambiti), rng.randint(1, 2))):
            righe_ambiti.append((pid, ambito_id))
        if aree and rng.random() < 0.6:
            righe_aree.append((pid, rng.choice(aree)))
        righe_comuni.append((pid, comune_id))
        if organizzazioni:
            scelte = rng.sample(organizzazioni, k=min(len(organizzazioni), rng.randint(1, 2)))
            for n, org_id in enumerate(scelte):
                ruolo = ProgettoOrganizzazione.Ruolo.OSPITANTE if n == 0 else rng.choice(ruoli)
                tutor = rng.choice(TUTOR) if ruolo == ProgettoOrganizzazione.Ruolo.OSPITANTE else ""
                email = f"{tutor.lower().replace(' ', '.')}@tutor.example.org" if tutor else ""
                partecipazioni.append((pid, org_id, ruolo, tutor, "Tutor aziendale" if tutor else "", email))
    transizioni = [
        (
            pid,
            "Ufficio distrettuale (dimostrativo)",
            S.INVIATO.value,
            S.RIMANDATO.value,
            "Indicare le ore di formazione sulla sicurezza e l'ente che l'ha erogata.",
            timezone.now(),
        )
        for pid, stato in zip(ids, stati, strict=True)
        if stato == S.RIMANDATO
    ]
    tabelle: list[tuple[type[models.Model], tuple[str, ...], list[tuple[Any, ...]]]] = [
        (Progetto.ambiti.through, ("progetto_id", "ambitotematico_id"), righe_ambiti),
        (Progetto.aree_s3.through, ("progetto_id", "areas3_id"), righe_aree),
        (Progetto.comuni.through, ("progetto_id", "comune_id"), righe_comuni),
        (
            ProgettoOrganizzazione,
            ("progetto_id", "organizzazione_id", "ruolo", "tutor_nome", "tutor_ruolo", "tutor_email"),
            partecipazioni,
        ),
        (
            TransizioneProgetto,
            ("progetto_id", "utente_nome", "da_stato", "a_stato", "nota", "creata_il"),
            transizioni,
        ),
    ]
    for modello, colonne, righe in tabelle:
        _copia(modello._meta.db_table, colonne, righe)


def _rete(quante: int, rng: random.Random) -> None:
    if AzioneDiRete.objects.filter(demo=True).exists():
        return
    distretti = list(Distretto.objects.all())
    if not distretti:
        return
    ambiti = list(AmbitoTematico.objects.all())
    partner = list(Organizzazione.objects.filter(partner_istituzionale=True)[:20])
    pubblicati = list(
        Progetto.objects.pubblicati()
        .filter(demo=True)
        .order_by("pk")
        .values_list("pk", "distretto_id")[:5000]
    )
    oggi = timezone.localdate()
    azioni: list[tuple[AzioneDiRete, datetime.date, list[Distretto]]] = []
    for i in range(quante):
        livello = rng.choice(AzioneDiRete.Livello.values)
        promotore = AzioneDiRete.Promotore.DISTRETTO
        if livello == AzioneDiRete.Livello.METROPOLITANO:
            promotore = (
                AzioneDiRete.Promotore.PARTNER
                if partner and rng.random() < 0.4
                else (AzioneDiRete.Promotore.CITTA_METROPOLITANA)
            )
        inizio = oggi - datetime.timedelta(days=rng.randint(0, 700))
        azione = AzioneDiRete.objects.create(
            titolo=f"{TITOLI_AZIONI[i % len(TITOLI_AZIONI)]} ({i + 1})",
            descrizione="Azione della rete metropolitana per l'alternanza. (Testo dimostrativo.)",
            livello=livello,
            promotore=promotore,
            promotore_distretto=rng.choice(distretti)
            if promotore == AzioneDiRete.Promotore.DISTRETTO
            else None,
            promotore_organizzazione=rng.choice(partner)
            if promotore == AzioneDiRete.Promotore.PARTNER
            else None,
            data_inizio=inizio,
            data_fine=inizio + datetime.timedelta(days=rng.randint(30, 365)),
            stato=rng.choice(AzioneDiRete.Stato.values),
            pubblica=rng.random() < 0.85,
            demo=True,
        )
        if livello == AzioneDiRete.Livello.DISTRETTUALE:
            coinvolti = [azione.promotore_distretto or rng.choice(distretti)]
        elif livello == AzioneDiRete.Livello.INTERDISTRETTUALE:
            coinvolti = rng.sample(distretti, k=min(len(distretti), rng.randint(2, 4)))
        else:
            coinvolti = distretti
        azione.distretti.set(coinvolti)
        azione.ambiti.set(rng.sample(ambiti, k=min(len(ambiti), 2)))
        ids_coinvolti = {d.pk for d in coinvolti}
        collegabili = [pk for pk, d in pubblicati if d in ids_coinvolti]
        if collegabili:
            azione.progetti.set(rng.sample(collegabili, k=min(len(collegabili), rng.randint(1, 5))))
        azioni.append((azione, inizio, coinvolti))
    assistenze = [
        AssistenzaTecnica(
            azione=azione,
            data=inizio + datetime.timedelta(days=rng.randint(0, 120)),
            distretto=rng.choice(coinvolti),
            tema=rng.choice(TEMI_ASSISTENZA),
            ore=rng.choice((2, 3, 4, 6, 8)),
            esito=rng.choice(
                ("Concluso: linee guida condivise.", "In corso.", "Da riprendere nel prossimo anno.")
            ),
            demo=True,
        )
        for azione, inizio, coinvolti in azioni
        for _ in range(rng.randint(1, 6))
    ]
    AssistenzaTecnica.objects.bulk_create(assistenze)
    for n, (azione, _inizio, coinvolti) in enumerate(azioni[: max(4, quante // 2)]):
        modello = ModelloIntervento.objects.create(
            titolo=f"Modello: {azione.titolo}",
            azione=azione,
            distretto=azione.promotore_distretto or coinvolti[0],
            contesto="Nato da un'azione di rete per rispondere a un bisogno comune dei distretti.",
            fasi="1. Analisi del fabbisogno con le imprese.\n2. Co-progettazione con le scuole.\n"
            "3. Realizzazione e monitoraggio.\n4. Valutazione e restituzione pubblica.",
            partner_necessari="Imprese del territorio, Fondazioni ITS, ufficio tecnico distrettuale.",
            costi="Tutoraggio aziendale e materiali di laboratorio: circa 3.000 euro per edizione.",
            risultati="Più studenti in percorsi di qualità; partner stabili nel tempo.",
            materiali="Schede di progetto, modelli di convenzione, questionari di valutazione.",
            demo=True,
        )
        modello.ambiti.set(azione.ambiti.all())
        altri = [d for d in distretti if d.pk != modello.distretto_id]
        for distretto in rng.sample(altri, k=min(len(altri), n % 4)):
            AdozioneModello.objects.create(
                modello=modello,
                distretto=distretto,
                data=oggi - datetime.timedelta(days=rng.randint(0, 200)),
                note="Adattato alle imprese del distretto. (Testo dimostrativo.)",
                demo=True,
            )
