"""`python manage.py importa_organizzazioni FILE [--strict]`: import organisations from CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partnership.importazione import importa_organizzazioni


class Command(BaseCommand):
    help = (
        "Importa organizzazioni da un file CSV o XLSX (es. estratto della Camera di Commercio): "
        "aggiorna per codice fiscale / partita IVA, segnala le righe non valide con il numero di riga."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="file .csv o .xlsx")
        parser.add_argument(
            "--strict", action="store_true", help="non scrive nulla se anche una sola riga non è valida"
        )

    def handle(self, *args, **options):
        percorso = Path(options["file"])
        try:
            dati = percorso.read_bytes()
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        esito = importa_organizzazioni(percorso.name, dati, rigoroso=options["strict"])
        if esito.errore_file:
            raise CommandError(
                _("File rifiutato, nessuna modifica: %(motivo)s") % {"motivo": esito.errore_file}
            )
        for riga, errore in esito.errori:
            self.stderr.write(_("riga %(riga)d: %(errore)s") % {"riga": riga, "errore": errore})
        if not esito.scritto:
            raise CommandError(
                _("--strict: %(n)d righe non valide, nessuna modifica scritta.") % {"n": len(esito.errori)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Righe lette %(r)d: nuove %(c)d, aggiornate %(a)d, invariate %(i)d, non valide %(e)d.")
                % {
                    "r": esito.righe,
                    "c": esito.create,
                    "a": esito.aggiornate,
                    "i": esito.invariate,
                    "e": len(esito.errori),
                }
            )
        )
