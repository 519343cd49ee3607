"""Loading of the districts and comuni from the CSV shipped with the app (used by a data migration)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.text import slugify

CSV_COMUNI = Path(__file__).resolve().parent / "data" / "comuni-distretti.csv"

# The technical office and governance bodies of each district, as the seed document names them.
GOVERNANCE = (
    "Conferenza territoriale sociale e sanitaria; tecnostruttura della Conferenza territoriale per "
    "istruzione, formazione e lavoro; Ufficio di Piano del distretto socio-sanitario."
)


def righe_comuni(path: Path = CSV_COMUNI) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def carica_territorio(Distretto, Comune) -> None:  # noqa: N803 - historical models passed by the migration
    """Create or update the districts and comuni from the CSV (idempotent)."""
    distretti = {}
    for riga in righe_comuni():
        nome = riga["distretto"].strip()
        if nome not in distretti:
            distretti[nome], _ = Distretto.objects.update_or_create(
                slug=slugify(nome),
                defaults={
                    "nome": nome,
                    "ufficio_nome": f"Ufficio tecnico del distretto {nome}",
                    "organi_governance": GOVERNANCE,
                },
            )
        Comune.objects.update_or_create(
            codice_istat=riga["codice_istat"].strip(),
            defaults={
                "nome": riga["comune"].strip(),
                "codice_catastale": riga["codice_catastale"].strip().upper(),
                "distretto": distretti[nome],
            },
        )


# The thematic areas of the network, in the seed document's order: (slug, Italian name).
AMBITI_TEMATICI = [
    (
        "cultura-tecnica-primaria-secondaria",
        "Cultura tecnica nei curricula della primaria e della secondaria di primo grado",
    ),
    ("alternanza-scuola-lavoro", "Alternanza scuola-lavoro"),
    ("sviluppo-comunita-giovani", "Sviluppo di comunità tramite le competenze dei giovani"),
    ("sicurezza-lavoro", "Educazione alla sicurezza sul lavoro"),
    (
        "allineamento-s3",
        "Allineamento dei curricula alla Smart Specialisation Strategy (S3) della Regione Emilia-Romagna",
    ),
    (
        "trend-sviluppo-territori",
        "Allineamento dell'offerta di istruzione ai trend dello sviluppo economico e sociale dei territori",
    ),
    ("studenti-stranieri", "Valorizzazione delle competenze degli allievi stranieri o di origine straniera"),
    ("gap-di-genere", "Superamento del gap di genere in ambito tecnico e scientifico"),
    ("orientamento", "Orientamento"),
    ("percorsi-occupazionali", "Percorsi occupazionali"),
    ("festival-promozione", "Festival della Cultura tecnica e altre iniziative di promozione"),
    ("informazione-comunicazione", "Informazione e comunicazione (newsletter)"),
    ("altro", "Altri ambiti"),
]


def carica_ambiti(AmbitoTematico) -> None:  # noqa: N803 - historical model passed by the migration
    for ordine, (slug, nome) in enumerate(AMBITI_TEMATICI, start=1):
        AmbitoTematico.objects.update_or_create(slug=slug, defaults={"nome": nome, "ordine": ordine})
