"""`python manage.py carica_demo [--scala base|grande] [--seed N]`: the demo data set of the portal.

Loads the real school-registry extract shipped with the app, then calls `carica(scala, rng)` of each
app's demo module, lowest layer first. A module that does not exist (yet) is skipped with a note; an
error in one stops the command. Each module runs in its own transaction and gets its own generator,
seeded from --seed and its name, so its records do not depend on which other modules exist.
Running the command twice must not fail: each module adds only what is missing.
"""

from __future__ import annotations

import importlib
import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from distretti.importazione import importa_percorsi

ESTRATTO_ANAGRAFE = Path(__file__).resolve().parents[2] / "data" / "SCUANAGRAFEPAR-BOLOGNA-202324.csv"

# In layer order. alternanza.utenti.demo is the hook for the accounts area's demo users.
MODULI_DEMO = [
    "distretti.demo",
    "partnership.demo",
    "alternanza.utenti.demo",
    "alternanza.progetti.demo",
    "alternanza.report.demo",
    "eventi.demo",
    "eventi.newsletter.demo",
]


def _importa_modulo(nome: str):
    """The module, or None if it (or its package) does not exist; an import error inside it propagates."""
    try:
        return importlib.import_module(nome)
    except ModuleNotFoundError as exc:
        if exc.name and (nome == exc.name or nome.startswith(exc.name + ".")):
            return None
        raise


class Command(BaseCommand):
    help = "Carica i dati dimostrativi: l'estratto reale dell'anagrafe scuole e i dati generati di ogni app."

    def add_arguments(self, parser):
        parser.add_argument("--scala", choices=["base", "grande"], default="base")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, scala, seed, **options):
        inizio = time.perf_counter()
        esito = importa_percorsi([ESTRATTO_ANAGRAFE])
        conteggi = esito.totali
        self.stdout.write(
            f"anagrafe: {ESTRATTO_ANAGRAFE.name}: create {conteggi['create']}, aggiornate "
            f"{conteggi['aggiornate']}, invariate {conteggi['invariate']}"
        )
        for nome in MODULI_DEMO:
            modulo = _importa_modulo(nome)
            if modulo is None:
                self.stdout.write(f"{nome}: modulo assente, saltato")
                continue
            t0 = time.perf_counter()
            with transaction.atomic():
                modulo.carica(scala, random.Random(f"{seed}:{nome}"))
            self.stdout.write(f"{nome}: caricato in {time.perf_counter() - t0:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Dati dimostrativi ({scala}) caricati in {time.perf_counter() - inizio:.1f} s."
            )
        )
