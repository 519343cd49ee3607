"""`manage.py genera_report`: build a report synchronously (the same as the portal's) and write it to files.

Timing the report against WeasyPrint alone is the bench's business (bench/report.py).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from alternanza.core.anno_scolastico import valida_anno_scolastico
from alternanza.report import rendering
from alternanza.report.models import TipoReport
from distretti.models import AmbitoTematico, Distretto


def selezione(
    tipo: str, anno: str, distretto: str | None, ambito: str | None
) -> tuple[Distretto | None, AmbitoTematico | None]:
    """The district and thematic area named by their slugs, checked against the type of report."""
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
    return d, a


class Command(BaseCommand):
    help = "Genera un report PDF in modo sincrono (lo stesso del portale) e lo scrive in un file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tipo", required=True, choices=[t.value for t in TipoReport])
        parser.add_argument("--anno", required=True, help="Anno scolastico, es. 2025/26.")
        parser.add_argument("--distretto", help="Slug del distretto (report di distretto).")
        parser.add_argument("--ambito", help="Slug dell'ambito tematico (report tematico).")
        parser.add_argument("--output", required=True, help="File PDF da scrivere.")
        parser.add_argument(
            "--allegato", help="Scrive anche l'allegato con gli elenchi completi (XLSX) in questo file."
        )

    def handle(
        self,
        *args: str,
        tipo: str,
        anno: str,
        output: str,
        distretto: str | None = None,
        ambito: str | None = None,
        allegato: str | None = None,
        **options: object,
    ) -> None:
        d, a = selezione(tipo, anno, distretto, ambito)
        risultato = rendering.genera_documento(tipo, anno, d, a, con_allegato=bool(allegato))
        Path(output).write_bytes(risultato.pdf)
        if allegato:
            if risultato.allegato is None:
                raise CommandError(f"Il report {tipo} non ha un allegato.")
            Path(allegato).write_bytes(risultato.allegato)
        self.stdout.write(f"{output}: {risultato.pagine} pagine, {len(risultato.pdf):,} byte")
