"""`python manage.py importa_scuole FILE [FILE ...] [--strict]`: import the Ministry's school registry and
its open data of student numbers per school (ALUNNI…, recognised by the NUMEROSTUDENTI column)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from distretti.importazione import FileNonValido, Sorgente
from distretti.importazione_studenti import importa_file

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
        ".csv.gz): tiene le scuole dei comuni della Città metropolitana. Accetta anche i dati aperti del "
        "numero di studenti per scuola (ALUNNI…-202425.csv, colonna NUMEROSTUDENTI)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="+", help="file CSV o CSV.GZ dell'anagrafe scuole o degli studenti")
        parser.add_argument(
            "--strict", action="store_true", help="non scrive nulla se anche una sola riga non è valida"
        )

    def handle(self, *args, **options):
        inizio = time.perf_counter()
        try:
            # The same service as the staff page's job, in this process; the files streamed from disk.
            files = [Sorgente.da_percorso(p) for p in options["file"]]
            esito, studenti = importa_file(files, strict=options["strict"])
        except FileNonValido as exc:
            raise CommandError(_("File rifiutato, nessuna modifica: %(motivo)s") % {"motivo": exc}) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        for s in studenti:
            self.stdout.write(
                _(
                    "%(nome)s — studenti a.s. %(anno)s: lette %(lette)s, aggiornate %(aggiornate)s, "
                    "invariate %(invariate)s, oscurate (<=3) %(mascherate)s, già più recenti %(recenti)s, "
                    "codici non nell'anagrafe %(sconosciute)s, non valide %(non_valide)s"
                )
                % {
                    "nome": s.nome,
                    "anno": s.anno_scolastico,
                    "lette": s.lette,
                    "aggiornate": s.aggiornate,
                    "invariate": s.invariate,
                    "mascherate": s.mascherate,
                    "recenti": s.piu_recenti,
                    "sconosciute": len(s.sconosciute),
                    "non_valide": s.n_non_valide,
                }
            )
            for riga in s.non_valide:
                self.stderr.write(f"  {riga}")
            if s.sconosciute and options["verbosity"] > 1:
                self.stderr.write("  " + _("Codici non nell'anagrafe: ") + ", ".join(s.sconosciute))
        if any(not s.scritto for s in studenti):
            raise CommandError(
                _("Righe non valide nei file degli studenti: nessuna modifica scritta (righe sopra).")
            )
        rapporti = esito.rapporti if esito else []
        for rapporto in rapporti:
            self.stdout.write(
                f"{rapporto.nome} — {rapporto.tipo} {rapporto.anno}, {rapporto.codifica}: "
                + ", ".join(f"{ETICHETTE[k]} {v}" for k, v in rapporto.conteggi().items())
            )
            for riga in rapporto.non_valide:
                self.stderr.write(f"  {riga}")
        if esito and len(rapporti) > 1:
            self.stdout.write(
                _("Totale: ") + ", ".join(f"{ETICHETTE[k]} {v}" for k, v in esito.totali.items())
            )
        if esito and not esito.scritto:
            raise CommandError(
                _("--strict: %(n)s righe non valide, nessuna modifica scritta.") % {"n": esito.non_valide}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Importazione completata in %(s).1f s.") % {"s": time.perf_counter() - inizio}
            )
        )
