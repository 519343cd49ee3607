"""`python manage.py carica_demo [--scala base|grande] [--seed N]`: the demo data set of the portal.

Loads the real school-registry extract and the real 2024/25 student numbers shipped with the app, then
runs the demo loaders the apps registered (alternanza.core.demo), lowest layer first. An error in one
stops the command. Each loader runs in its own transaction and gets its own generator, seeded from
--seed and its module's name, so its records do not depend on which other loaders exist.
Running the command twice must not fail: each module adds only what is missing.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from alternanza.core.demo import caricatori
from distretti.importazione import importa_percorsi
from distretti.importazione_studenti import importa_file

DATI = Path(__file__).resolve().parents[2] / "data"
ESTRATTO_ANAGRAFE = DATI / "SCUANAGRAFEPAR-BOLOGNA-202324.csv"
# The Ministry's 2024/25 student numbers per school code (real): the real paritarie get their real count.
STUDENTI = DATI / "ALUNNI-BOLOGNA-202425.csv"


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
        _, (studenti,) = importa_file([(STUDENTI.name, STUDENTI.read_bytes())])
        self.stdout.write(
            f"studenti: {STUDENTI.name}: aggiornate {studenti.aggiornate}, invariate {studenti.invariate}, "
            f"codici non nell'anagrafe {len(studenti.sconosciute)}"
        )
        for percorso, carica in caricatori():
            nome = percorso.rpartition(".")[0]  # the module: the generator's seed of the first release
            t0 = time.perf_counter()
            with transaction.atomic():
                carica(scala, random.Random(f"{seed}:{nome}"))
            self.stdout.write(f"{percorso}: caricato in {time.perf_counter() - t0:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Dati dimostrativi ({scala}) caricati in {time.perf_counter() - inizio:.1f} s."
            )
        )
