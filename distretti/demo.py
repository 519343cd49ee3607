"""Demo data of the territory: the district offices' contacts and generated schools (demo=True).

Called by `manage.py carica_demo` as `carica(scala, rng)`. At scale "base" a few dozen readable schools;
at scale "grande" enough schools for about 2,000 in all with the real registry extract, as the benchmarks
need. Codes start with "ZZ", a province code that does not exist, so they can never clash with the
Ministry's; the same seed gives the same schools, and a second run adds only what is missing.
"""

from __future__ import annotations

import random

from django.db import transaction
from django.db.models import Q

from alternanza.core.cache import invalida_scuole
from distretti.models import Comune, Distretto, Livello, Scuola

QUANTE = {"base": 36, "grande": 1800}
PREFISSO_CODICE = "ZZDM"  # ZZ: no such province; DM: demo

PERSONE = [
    "Giovanni Pascoli",
    "Edmondo De Amicis",
    "Giosuè Carducci",
    "Guglielmo Marconi",
    "Aldo Moro",
    "Anna Frank",
    "Rita Levi-Montalcini",
    "Lorenzo Milani",
    "Giuseppe Garibaldi",
    "Alessandro Manzoni",
    "Dante Alighieri",
    "Grazia Deledda",
    "Maria Montessori",
    "Enrico Fermi",
    "Galileo Galilei",
    "Leonardo da Vinci",
    "Margherita Hack",
    "Nilde Iotti",
    "Sandro Pertini",
    "Giorgio Morandi",
    "Lucio Dalla",
    "Alda Merini",
    "Natalia Ginzburg",
    "Gianni Rodari",
    "Italo Calvino",
    "Primo Levi",
    "Luigi Galvani",
    "Laura Bassi",
    "Irnerio",
    "Giovanni Aldini",
    "Ettore Majorana",
    "Tina Anselmi",
    "Piero Calamandrei",
    "Bruno Munari",
    "Elsa Morante",
    "Ilaria Alpi",
]
NOMI_INFANZIA = ["Arcobaleno", "Girotondo", "Il Melograno", "Il Girasole", "Peter Pan", "Il Piccolo Principe"]

# (level, registry tipologia, (min, max) students, name pattern)
TIPI = [
    (Livello.INFANZIA, "SCUOLA INFANZIA", (40, 150), "Scuola dell'infanzia {nome}"),
    (Livello.PRIMARIA, "SCUOLA PRIMARIA", (100, 500), "Scuola primaria {nome}"),
    (Livello.PRIMO_GRADO, "SCUOLA PRIMO GRADO", (150, 700), "Scuola secondaria di primo grado {nome}"),
    (Livello.COMPRENSIVO, "ISTITUTO COMPRENSIVO", (600, 1400), "Istituto comprensivo {nome}"),
    (
        Livello.SECONDO_GRADO,
        "ISTITUTO TECNICO INDUSTRIALE",
        (400, 1500),
        "Istituto tecnico industriale {nome}",
    ),
    (
        Livello.SECONDO_GRADO,
        "ISTITUTO TECNICO COMMERCIALE",
        (300, 1100),
        "Istituto tecnico economico {nome}",
    ),
    (
        Livello.SECONDO_GRADO,
        "IST PROF INDUSTRIA E ARTIGIANATO",
        (250, 900),
        "Istituto professionale {nome}",
    ),
    (Livello.SECONDO_GRADO, "LICEO SCIENTIFICO", (500, 1500), "Liceo scientifico {nome}"),
    (Livello.SECONDO_GRADO, "LICEO CLASSICO", (300, 900), "Liceo classico {nome}"),
    (
        Livello.SECONDO_GRADO,
        "ISTITUTO SUPERIORE",
        (500, 1400),
        "Istituto di istruzione superiore {nome}",
    ),
]
PESI_TIPI = [24, 26, 14, 8, 6, 5, 5, 5, 2, 4]

# Rough weight of each comune (by population): the capital and the larger towns get more schools.
PESI_COMUNI = {
    "Bologna": 30,
    "Imola": 6,
    "Casalecchio di Reno": 3,
    "San Lazzaro di Savena": 3,
    "Valsamoggia": 3,
    "San Giovanni in Persiceto": 3,
    "Castel San Pietro Terme": 2,
    "Budrio": 2,
    "Pianoro": 2,
    "Zola Predosa": 2,
    "Castenaso": 2,
}

UFFICI = {
    "appennino-bolognese": "Piazza della Pace 4, 40038 Vergato",
    "bologna": "Piazza Liber Paradisus 6, 40129 Bologna",
    "imola": "Via Boccaccio 27, 40026 Imola",
    "pianura-est": "Via Marconi 24, 40018 San Pietro in Casale",
    "pianura-ovest": "Corso Italia 74, 40017 San Giovanni in Persiceto",
    "reno-lavino-e-samoggia": "Via dei Mille 9, 40033 Casalecchio di Reno",
    "san-lazzaro-di-savena": "Piazza Bracci 1, 40068 San Lazzaro di Savena",
}


def carica(scala: str, rng: random.Random) -> None:
    """Fill the district offices' contacts (where empty) and add the demo schools of the scale."""
    # One generator per part, drawn up front: what one part consumes never shifts the other.
    rng_uffici, rng_scuole = random.Random(rng.getrandbits(64)), random.Random(rng.getrandbits(64))
    _uffici(rng_uffici)
    _scuole(QUANTE.get(scala, QUANTE["base"]), rng_scuole)
    transaction.on_commit(invalida_scuole)  # bulk writes send no signals: the cached pages are stale


def _uffici(rng: random.Random) -> None:
    distretti = list(Distretto.objects.filter(Q(ufficio_email="") | Q(ufficio_telefono="")))
    for d in distretti:
        d.ufficio_email = d.ufficio_email or f"ufficio.tecnico@{d.slug}.distretti.example.org"
        d.ufficio_telefono = (
            d.ufficio_telefono or f"051 {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}"
        )
        d.ufficio_indirizzo = d.ufficio_indirizzo or UFFICI.get(d.slug, "")
        if not d.descrizione:
            d.descrizione = (
                f"Il distretto {d.nome} riunisce i comuni del suo ambito socio-sanitario: la Conferenza "
                "territoriale e l'ufficio tecnico coordinano i percorsi per le competenze trasversali e "
                "l'orientamento delle sue scuole con imprese, enti e associazioni del territorio. "
                "(Testo dimostrativo.)"
            )
    Distretto.objects.bulk_update(
        distretti, ["ufficio_email", "ufficio_telefono", "ufficio_indirizzo", "descrizione"]
    )


def _cap(comune: Comune, rng: random.Random) -> str:
    return f"401{rng.randrange(21, 42)}" if comune.nome == "Bologna" else f"400{rng.randrange(10, 70)}"


def _scuole(quante: int, rng: random.Random) -> None:
    comuni = list(Comune.objects.order_by("codice_istat"))
    pesi = [PESI_COMUNI.get(c.nome, 1) for c in comuni]
    comprensivi: dict[int, list[str]] = {}
    nuove = []
    for i in range(1, quante + 1):
        codice = f"{PREFISSO_CODICE}{i:06d}"
        livello, tipologia, (minimo, massimo), modello = rng.choices(TIPI, PESI_TIPI)[0]
        comune = rng.choices(comuni, pesi)[0]
        persona = rng.choice(PERSONE)
        if livello == Livello.INFANZIA and rng.random() < 0.5:
            nome = modello.format(nome=f"«{rng.choice(NOMI_INFANZIA)}»")
        elif livello == Livello.COMPRENSIVO:
            nome = modello.format(nome=f"n. {len(comprensivi.get(comune.pk, [])) + 1} di {comune.nome}")
        else:
            nome = modello.format(nome=f"«{persona}»")
        riferimento = ""
        if livello == Livello.COMPRENSIVO:
            comprensivi.setdefault(comune.pk, []).append(codice)
        elif livello in (Livello.INFANZIA, Livello.PRIMARIA, Livello.PRIMO_GRADO):
            riferimento = rng.choice(comprensivi.get(comune.pk, [""]))
        nuove.append(
            Scuola(
                codice_meccanografico=codice,
                denominazione=nome,
                indirizzo=f"Via {rng.choice(PERSONE)} {rng.randrange(1, 120)}",
                cap=_cap(comune, rng),
                comune=comune,
                grado=tipologia,
                livello=livello,
                # Only state schools are made up: the paritarie are the real ones of the registry
                # extract, and no state-school registry file is bundled (README, «Dati dimostrativi»).
                statale=True,
                codice_istituto_riferimento=riferimento,
                email=f"{codice.lower()}@scuole.example.org",
                pec=f"{codice.lower()}@pec.scuole.example.org",
                sito_web=f"www.{codice.lower()}.scuole.example.org" if rng.random() < 0.7 else "",
                attiva=rng.random() > 0.02,
                studenti=rng.randrange(minimo, massimo),
                demo=True,
            )
        )
    # A second run (or "base" then "grande") adds only the codes that are not there yet.
    Scuola.objects.bulk_create(nuove, batch_size=1000, ignore_conflicts=True)
