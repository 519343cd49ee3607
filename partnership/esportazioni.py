"""CSV and XLSX exports of the filtered lists, streamed so a 20,000-row export does not sit in memory.

Each export is a list of (heading, function(obj) -> value) columns applied to a queryset iterated in
chunks (prefetches included, Django ≥ 4.1 supports prefetch_related with iterator(chunk_size)).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from alternanza.core.esportazioni import neutralizza_formula

Colonna = tuple[str, Callable[[Any], Any]]
CHUNK = 2000


class _Eco:
    """A file-like object whose write() returns the line, for csv.writer inside a generator."""

    def write(self, value):
        return value


def _valore(valore):
    if valore is None:
        return ""
    if isinstance(valore, bool):
        return _("sì") if valore else _("no")
    return valore


# Neutralise spreadsheet formulas injected through user text (one helper for every export of the portal).
_cella_sicura = neutralizza_formula


def righe(queryset, colonne: list[Colonna]) -> Iterable[list]:
    for obj in queryset.iterator(chunk_size=CHUNK):
        yield [_cella_sicura(_valore(funzione(obj))) for _titolo, funzione in colonne]


def nome_file(base: str, estensione: str) -> str:
    return f"{base}-{timezone.localdate():%Y%m%d}.{estensione}"


def csv_response(queryset, colonne: list[Colonna], base: str) -> StreamingHttpResponse:
    scrittore = csv.writer(_Eco(), delimiter=";")

    def genera():
        yield "\ufeff"  # BOM: spreadsheet programs then read UTF-8 correctly
        yield scrittore.writerow([str(titolo) for titolo, _f in colonne])
        for riga in righe(queryset, colonne):
            yield scrittore.writerow(riga)

    risposta = StreamingHttpResponse(genera(), content_type="text/csv; charset=utf-8")
    risposta["Content-Disposition"] = f'attachment; filename="{nome_file(base, "csv")}"'
    return risposta


def xlsx_response(queryset, colonne: list[Colonna], base: str, titolo_foglio: str) -> FileResponse:
    """Write-only workbook (rows flushed to a temporary file as they come), then streamed from disk."""
    libro = Workbook(write_only=True)
    foglio = libro.create_sheet(title=titolo_foglio[:31])
    foglio.append([str(titolo) for titolo, _f in colonne])
    for riga in righe(queryset, colonne):
        foglio.append(
            [str(v) if not isinstance(v, int | float) and not hasattr(v, "isoformat") else v for v in riga]
        )
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    libro.save(tmp)
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=nome_file(base, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
