"""`manage.py genera_report`: render a report synchronously to a file (scripts, benchmarks)."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from statistics import median

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from alternanza.core.anno_scolastico import valida_anno_scolastico
from alternanza.report import rendering
from alternanza.report.models import TipoReport
from distretti.models import AmbitoTematico, Distretto


class Command(BaseCommand):
    help = "Genera un report PDF in modo sincrono (lo stesso del portale) e lo scrive in un file."

    def add_arguments(self, parser):
        parser.add_argument("--tipo", required=True, choices=[t.value for t in TipoReport])
        parser.add_argument("--anno", required=True, help="Anno scolastico, es. 2025/26.")
        parser.add_argument("--distretto", help="Slug del distretto (report di distretto).")
        parser.add_argument("--ambito", help="Slug dell'ambito tematico (report tematico).")
        parser.add_argument("--output", required=True, help="File PDF da scrivere.")
        parser.add_argument(
            "--allegato", help="Scrive anche l'allegato con gli elenchi completi (XLSX) in questo file."
        )
        parser.add_argument(
            "--ripetizioni",
            type=int,
            default=1,
            help="Con --misura: quante volte ripetere report e WeasyPrint da solo "
            "(si confrontano le mediane).",
        )
        parser.add_argument(
            "--misura",
            action="store_true",
            help="Stampa una riga JSON con tempi per fase, pagine, picco di memoria e il tempo di WeasyPrint "
            "da solo sullo stesso HTML (per il benchmark).",
        )

    def handle(
        self,
        *args,
        tipo,
        anno,
        distretto=None,
        ambito=None,
        output,
        allegato=None,
        misura=False,
        ripetizioni=1,
        **options,
    ):
        try:
            valida_anno_scolastico(anno)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        d = a = None
        if distretto:
            d = Distretto.objects.filter(slug=distretto).first()
            if d is None:
                raise CommandError(f"Distretto sconosciuto: {distretto}")
        if ambito:
            a = AmbitoTematico.objects.filter(slug=ambito).first()
            if a is None:
                raise CommandError(f"Ambito tematico sconosciuto: {ambito}")
        if tipo == TipoReport.DISTRETTO and d is None:
            raise CommandError("Il report di distretto richiede --distretto.")
        if tipo == TipoReport.TEMATICO and a is None:
            raise CommandError("Il report tematico richiede --ambito.")
        if misura:
            if ripetizioni < 1:
                raise CommandError("--ripetizioni deve essere almeno 1.")
            self._misura(tipo, anno, d, a, output, allegato, ripetizioni)
            return
        inizio = time.perf_counter()
        risultato = rendering.genera_documento(tipo, anno, d, a, con_allegato=bool(allegato))
        Path(output).write_bytes(risultato.pdf)
        if allegato:
            Path(allegato).write_bytes(risultato.allegato)
        durata = time.perf_counter() - inizio
        self.stdout.write(f"{output}: {risultato.pagine} pagine, {len(risultato.pdf):,} byte, {durata:.2f} s")

    def _misura(self, tipo, anno, d, a, output, allegato, ripetizioni: int = 1) -> None:
        """The same steps as genera_documento, timed one by one, then WeasyPrint alone on the same HTML.

        WeasyPrint is imported first, apart: the processes of the PDF worker import it when they start
        (report.tasks.precarica_weasyprint), so a report never waits for it; its time is printed alone.
        With `ripetizioni` > 1 the report and WeasyPrint alone are each run that many times and the
        medians are compared (one render of the same HTML varies by about ±0.1 s from run to run);
        every run's figures are printed too."""
        t0 = time.perf_counter()
        import weasyprint  # noqa: F401

        t_import = time.perf_counter() - t0
        giri = []
        for _ in range(ripetizioni):
            inizio = time.perf_counter()
            contesto = rendering.dati(tipo, anno, d, a)
            t_dati = time.perf_counter()
            html = rendering.html_report(contesto)
            t_html = time.perf_counter()
            pdf, pagine = rendering.html_a_pdf(html)
            t_pdf = time.perf_counter()
            giri.append({"dati": t_dati - inizio, "html": t_html - t_dati, "pdf": t_pdf - t_html})
        Path(output).write_bytes(pdf)
        picco_report = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t_allegato = None
        if allegato:
            t0 = time.perf_counter()
            Path(allegato).write_bytes(rendering.allegato_xlsx(contesto))
            t_allegato = round(time.perf_counter() - t0, 2)
        # WeasyPrint alone on the very same HTML (fonts and charts included): the floor of the PDF step.
        soli = []
        for _ in range(ripetizioni):
            t0 = time.perf_counter()
            rendering.html_a_pdf(html)
            soli.append(time.perf_counter() - t0)
        totali = [g["dati"] + g["html"] + g["pdf"] for g in giri]
        totale, solo = median(totali), median(soli)
        self.stdout.write(
            json.dumps(
                {
                    "tipo": tipo,
                    "anno": anno,
                    "pagine": pagine,
                    "byte": len(pdf),
                    "ripetizioni": ripetizioni,
                    "secondi_import_weasyprint": round(t_import, 2),
                    "secondi_totale": round(totale, 2),
                    "secondi_dati": round(median(g["dati"] for g in giri), 2),
                    "secondi_html_grafici": round(median(g["html"] for g in giri), 2),
                    "secondi_pdf": round(median(g["pdf"] for g in giri), 2),
                    "secondi_weasyprint_solo": round(solo, 2),
                    "rapporto_su_weasyprint": round(totale / solo, 2) if solo else None,
                    "secondi_totale_per_giro": [round(t, 2) for t in totali],
                    "secondi_weasyprint_solo_per_giro": [round(t, 2) for t in soli],
                    "secondi_allegato": t_allegato,
                    "picco_rss_mb": round(picco_report),
                }
            )
        )
