"""Demo data of the newsletter (`carica(scala, rng)`): subscribers with interests and consent records,
sent issues for the archive with their deliveries, a draft.

Scale "base": 32 confirmed subscribers (plus 8 pending or unsubscribed), three sent issues and a draft.
Scale "grande": 50,000 confirmed subscribers (plus 2,000 pending or unsubscribed), twelve sent issues;
the latest one has a delivery row per recipient. Bulk inserts; records marked demo=True; running twice
adds only what is missing (subscribers are keyed by e-mail, issues by subject).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from distretti.models import AmbitoTematico, Distretto

from . import consenso
from .models import (
    AzioneConsenso,
    Consegna,
    ConsensoRegistro,
    FonteConsenso,
    Iscritto,
    Numero,
    Pubblico,
    StatoConsegna,
    StatoIscritto,
    StatoNumero,
)

QUANTI = {"base": 32, "grande": 50_000}  # confirmed subscribers
ALTRI = {"base": 8, "grande": 2_000}  # pending confirmation or unsubscribed
NUMERI_INVIATI = {"base": 3, "grande": 12}
BLOCCO = 5000

MESI = [
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
    "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
]  # fmt: skip

CORPI = [
    "<p>Il Festival della Cultura tecnica entra nel vivo: laboratori, visite in azienda e incontri in "
    "tutti e sette i distretti. Qui sotto trovate gli appuntamenti scelti in base ai vostri interessi.</p>",
    "<p>Nuove esperienze di alternanza pubblicate dalle scuole della rete: dalla meccatronica "
    "all'agroalimentare, percorsi costruiti insieme alle imprese del territorio.</p>",
    "<h2>Dalla rete</h2><p>Gli uffici tecnici distrettuali hanno condiviso i modelli di intervento "
    "sull'orientamento e sulla sicurezza nei luoghi di lavoro. "
    "<strong>Scriveteci</strong> per adottarli.</p>",
]


def _email(n: int) -> str:
    return f"iscritto.demo{n:05d}@example.org"


def _iscritti(scala: str, rng: random.Random) -> list[int]:
    quanti = QUANTI[scala]
    totale = quanti + ALTRI[scala]
    esistenti = set(Iscritto.objects.filter(demo=True).values_list("email", flat=True))
    distretti = list(Distretto.objects.values_list("pk", flat=True))
    ambiti = list(AmbitoTematico.objects.values_list("pk", flat=True))
    pubblici = list(Pubblico.objects.values_list("pk", flat=True))
    adesso = timezone.now()
    nuovi, interessi = [], []
    for n in range(totale):
        email = _email(n)
        if email in esistenti:
            continue
        stato = (
            StatoIscritto.CONFERMATO
            if n < quanti
            else rng.choice([StatoIscritto.IN_ATTESA, StatoIscritto.DISISCRITTO])
        )
        quando = adesso - dt.timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1440))
        confermato = stato != StatoIscritto.IN_ATTESA
        nuovi.append(
            Iscritto(
                email=email,
                stato=stato,
                lingua="en" if rng.random() < 0.05 else "it",
                consenso_versione=consenso.VERSIONE if confermato else "",
                consenso_il=quando if confermato else None,
                consenso_ip=f"192.0.2.{rng.randint(1, 254)}" if confermato else None,
                fonte=FonteConsenso.DEMO,
                creato_il=quando - dt.timedelta(minutes=5),
                confermato_il=quando if confermato else None,
                disiscritto_il=quando + dt.timedelta(days=30) if stato == StatoIscritto.DISISCRITTO else None,
                demo=True,
            )
        )
        interessi.append(
            (
                rng.sample(distretti, rng.randint(1, 2)) if rng.random() < 0.6 else [],
                rng.sample(ambiti, rng.randint(1, 3)) if ambiti and rng.random() < 0.5 else [],
                rng.sample(pubblici, 1) if pubblici and rng.random() < 0.4 else [],
            )
        )
    through_d, through_a, through_p = (
        Iscritto.distretti.through,
        Iscritto.ambiti.through,
        Iscritto.pubblici.through,
    )
    for inizio in range(0, len(nuovi), BLOCCO):
        creati = Iscritto.objects.bulk_create(nuovi[inizio : inizio + BLOCCO])
        righe_d, righe_a, righe_p, registro = [], [], [], []
        for iscritto, (ds, as_, ps) in zip(creati, interessi[inizio : inizio + BLOCCO], strict=True):
            righe_d += [through_d(iscritto_id=iscritto.pk, distretto_id=d) for d in ds]
            righe_a += [through_a(iscritto_id=iscritto.pk, ambitotematico_id=a) for a in as_]
            righe_p += [through_p(iscritto_id=iscritto.pk, pubblico_id=p) for p in ps]
            registro.append(
                ConsensoRegistro(
                    iscritto_id=iscritto.pk,
                    azione=AzioneConsenso.RICHIESTA,
                    il=iscritto.creato_il,
                    ip=iscritto.consenso_ip,
                    versione_testo=consenso.VERSIONE,
                    fonte=FonteConsenso.DEMO,
                )
            )
            if iscritto.confermato_il:
                registro.append(
                    ConsensoRegistro(
                        iscritto_id=iscritto.pk,
                        azione=AzioneConsenso.CONFERMA,
                        il=iscritto.confermato_il,
                        ip=iscritto.consenso_ip,
                        versione_testo=consenso.VERSIONE,
                        fonte=FonteConsenso.DEMO,
                    )
                )
        through_d.objects.bulk_create(righe_d, batch_size=BLOCCO)
        through_a.objects.bulk_create(righe_a, batch_size=BLOCCO)
        through_p.objects.bulk_create(righe_p, batch_size=BLOCCO)
        ConsensoRegistro.objects.bulk_create(registro, batch_size=BLOCCO)
    return list(
        Iscritto.objects.filter(demo=True, stato=StatoIscritto.CONFERMATO).values_list("pk", flat=True)
    )


def _numeri(scala: str, rng: random.Random, confermati: list[int]) -> None:
    oggi = timezone.localdate()
    esistenti = set(Numero.objects.filter(demo=True).values_list("oggetto", flat=True))
    inviati = NUMERI_INVIATI[scala]
    for i in range(inviati, 0, -1):
        giorno = oggi.replace(day=1) - dt.timedelta(days=30 * (i - 1))
        oggetto = f"La rete per l'alternanza – {MESI[giorno.month - 1]} {giorno.year}"
        if oggetto in esistenti:
            continue
        inviato_il = timezone.make_aware(dt.datetime.combine(giorno, dt.time(9, 30)))
        numero = Numero.objects.create(
            oggetto=oggetto,
            preheader="Eventi, esperienze delle scuole e notizie dai sette distretti",
            corpo=rng.choice(CORPI),
            periodo_dal=giorno,
            periodo_al=giorno + dt.timedelta(days=30),
            stato=StatoNumero.INVIATO,
            avviato_il=inviato_il,
            inviato_il=inviato_il + dt.timedelta(minutes=40),
            totale_destinatari=len(confermati),
            demo=True,
        )
        if i == 1:  # the latest issue keeps its delivery rows: the staff page shows real figures
            consegne = [
                Consegna(
                    numero=numero,
                    iscritto_id=pk,
                    stato=StatoConsegna.INVIATA if rng.random() > 0.004 else StatoConsegna.ERRORE_PERMANENTE,
                    tentativi=1,
                    inviata_il=inviato_il,
                    message_id=f"<newsletter.{numero.pk}.demo{pk}@example.org>",
                )
                for pk in confermati
            ]
            Consegna.objects.bulk_create(consegne, batch_size=BLOCCO)
    if "Bozza: il prossimo numero" not in esistenti:
        Numero.objects.create(
            oggetto="Bozza: il prossimo numero",
            preheader="Da completare",
            corpo="<p>Testo in preparazione.</p>",
            periodo_dal=oggi,
            periodo_al=oggi + dt.timedelta(days=30),
            demo=True,
        )


def carica(scala: str, rng: random.Random) -> None:
    """Load the newsletter demo data at the given scale ("base" or "grande")."""
    confermati = _iscritti(scala, rng)
    _numeri(scala, rng, confermati)
