"""Demo data of the projects area: alternation projects, network actions, technical assistance, models.

Called by `manage.py carica_demo` as `carica(scala, rng)`. At scale "base" a few dozen readable projects;
at scale "grande" 100,000 projects over the schools, school years 2024/25 and 2025/26, every status,
host organisations and student counts, written with COPY in chunks (the search vector is filled
by the database trigger; the audit trail of pghistory is skipped for this bulk load). Everything is
marked demo=True; the same seed gives the same data, and a second run adds only what is missing.
"""

from __future__ import annotations

import datetime
import io
import random
from typing import Any

import pgtrigger
from django.db import connection, models
from django.utils import timezone

from alternanza.progetti.models import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    ModelloIntervento,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
    TransizioneProgetto,
)
from distretti.models import AmbitoTematico, Distretto, Scuola
from partnership.models import AreaS3, Organizzazione

QUANTI = {"base": 40, "grande": 100_000}
AZIONI = {"base": 8, "grande": 40}
BLOCCO = 5000
ANNI = ("2024/25", "2025/26")
S = StatoProgetto
STATI = [
    (S.PUBBLICATO, 55),
    (S.VALIDATO, 10),
    (S.INVIATO, 10),
    (S.RIMANDATO, 5),
    (S.BOZZA, 12),
    (S.ARCHIVIATO, 8),
]

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
    scuole = list(
        Scuola.objects.filter(attiva=True)
        .order_by("pk")
        .values_list("pk", "comune_id", "comune__distretto_id")
    )
    if not scuole:
        return
    organizzazioni = list(Organizzazione.objects.order_by("pk").values_list("pk", flat=True)[:20_000])
    ambiti = list(AmbitoTematico.objects.values_list("pk", flat=True))
    aree = list(AreaS3.objects.values_list("pk", flat=True))
    with _senza_storia():
        _blocchi(gia, quanti, rng, scuole, organizzazioni, ambiti, aree)


def _blocchi(gia, quanti, rng, scuole, organizzazioni, ambiti, aree) -> None:
    stati, pesi = zip(*STATI, strict=True)
    adesso = timezone.now()
    for inizio in range(gia, quanti, BLOCCO):
        fine = min(inizio + BLOCCO, quanti)
        ids = _nuovi_id("alternanza_progetto", fine - inizio)
        righe, comuni_scuola = [], []
        for i, pid in zip(range(inizio, fine), ids, strict=True):
            scuola_id, comune_id, distretto_id = rng.choice(scuole)
            settore, luogo = rng.choice(SETTORI)
            anno = rng.choice(ANNI)
            stato = rng.choices(stati, pesi)[0]
            data_inizio = datetime.date(int(anno[:4]) + 1, rng.randint(1, 5), rng.randint(1, 28))
            totale = rng.randint(5, 60)
            ore_previste = rng.choice((20, 30, 40, 60, 80, 90))
            concluso = stato in (S.PUBBLICATO, S.ARCHIVIATO, S.VALIDATO)
            pubblicato = stato in (S.PUBBLICATO, S.ARCHIVIATO)
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
                    ore_previste if concluso else rng.randint(0, ore_previste),
                    data_inizio,
                    data_inizio + datetime.timedelta(days=rng.randint(7, 60)),
                    rng.choice((4, 8, 12)),
                    rng.choice(("Scuola", "Impresa ospitante", "Ente di formazione")),
                    concluso or rng.random() < 0.5,
                    totale,
                    rng.randint(0, totale),
                    rng.randint(0, totale // 3),
                    rng.randint(0, min(3, totale)),
                    totale if concluso else rng.randint(0, totale),
                    rng.choice(RISULTATI) if concluso else "",
                    "",
                    rng.random() < 0.9,
                    stato,
                    "Referente dimostrativo",
                    adesso,
                    adesso,
                    adesso - datetime.timedelta(days=rng.randint(1, 600), minutes=rng.randint(0, 1440))
                    if pubblicato
                    else None,
                    True,
                )
            )
            comuni_scuola.append(comune_id)
        _copia("alternanza_progetto", COLONNE_PROGETTO, righe)
        stati_blocco = [r[COLONNE_PROGETTO.index("stato")] for r in righe]
        _collegamenti(ids, stati_blocco, comuni_scuola, rng, organizzazioni, ambiti, aree)


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
                partecipazioni.append((pid, org_id, ruolo))
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
        (ProgettoOrganizzazione, ("progetto_id", "organizzazione_id", "ruolo"), partecipazioni),
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
