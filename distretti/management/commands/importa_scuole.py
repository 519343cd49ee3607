"""`python manage.py importa_scuole FILE [FILE ...] [--strict]`: import the Ministry's school registry."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from distretti.importazione import FileNonValido, importa_percorsi

ETICHETTE = {
    "lette": gettext_lazy("lette"),
    "fuori_citta": gettext_lazy("fuori dalla Città metropolitana"),
    "create": gettext_lazy("create"),
    "aggiornate": gettext_lazy("aggiornate"),
    "invariate": gettext_lazy("invariate"),
    "disattivate": gettext_lazy("disattivate"),
    "non_valide": gettext_lazy("non valide"),
}


class Command(BaseCommand):
    help = (
        "Importa i file CSV dell'anagrafe scuole del Ministero (SCUANAGRAFESTAT…, SCUANAGRAFEPAR…, anche "
        ".csv.gz): tiene le scuole dei comuni della Città metropolitana."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="+", help="file CSV o CSV.GZ dell'anagrafe scuole")
        parser.add_argument(
            "--strict", action="store_true", help="non scrive nulla se anche una sola riga non è valida"
        )

    def handle(self, *args, **options):
        inizio = time.perf_counter()
        try:
            esito = importa_percorsi(options["file"], strict=options["strict"])
        except FileNonValido as exc:
            raise CommandError(_("File rifiutato, nessuna modifica: %(motivo)s") % {"motivo": exc}) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        for rapporto in esito.rapporti:
            self.stdout.write(
                f"{rapporto.nome} — {rapporto.tipo} {rapporto.anno}, {rapporto.codifica}: "
                + ", ".join(f"{ETICHETTE[k]} {v}" for k, v in rapporto.conteggi().items())
            )
            for riga in rapporto.non_valide:
                self.stderr.write(f"  {riga}")
        if len(esito.rapporti) > 1:
            self.stdout.write(
                _("Totale: ") + ", ".join(f"{ETICHETTE[k]} {v}" for k, v in esito.totali.items())
            )
        if not esito.scritto:
            raise CommandError(
                _("--strict: %(n)s righe non valide, nessuna modifica scritta.") % {"n": esito.non_valide}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Importazione completata in %(s).1f s.") % {"s": time.perf_counter() - inizio}
            )
        )
