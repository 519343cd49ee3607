"""Bench measure of the PDF report: the report's steps timed one by one against WeasyPrint alone.

`python -m bench.report --tipo metropolitano --anno 2025/26 --output r.pdf [--allegato a.xlsx]
[--ripetizioni 3]` prints one JSON line (bench/lavori.py runs it in its own process, so the peak memory
is the report's alone). The report and WeasyPrint alone on the same HTML each run `ripetizioni` times and
their medians are compared, because one render of the same HTML varies from run to run. The import of
WeasyPrint is timed apart: only the first report of a worker process pays it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path
from statistics import median


def misura(
    tipo: str,
    anno: str,
    output: Path,
    distretto: str | None = None,
    ambito: str | None = None,
    allegato: Path | None = None,
    ripetizioni: int = 1,
) -> dict:
    """Build the report `ripetizioni` times (data, HTML and charts, PDF timed apart), then render the last
    HTML with WeasyPrint alone as many times; returns the medians, every run and the peak memory."""
    from alternanza.report import rendering
    from alternanza.report.management.commands.genera_report import selezione

    if ripetizioni < 1:
        raise ValueError("ripetizioni deve essere almeno 1")
    d, a = selezione(tipo, anno, distretto, ambito)
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
        giri.append({"dati": t_dati - inizio, "html": t_html - t_dati, "pdf": time.perf_counter() - t_html})
    output.write_bytes(pdf)
    picco = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_allegato = None
    if allegato is not None:
        t0 = time.perf_counter()
        allegato.write_bytes(rendering.allegato_xlsx(contesto))
        t_allegato = round(time.perf_counter() - t0, 2)
    # WeasyPrint alone on the very same HTML (fonts and charts included): the floor of the PDF step.
    soli = []
    for _ in range(ripetizioni):
        t0 = time.perf_counter()
        rendering.html_a_pdf(html)
        soli.append(time.perf_counter() - t0)
    totali = [g["dati"] + g["html"] + g["pdf"] for g in giri]
    totale, solo = median(totali), median(soli)
    return {
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
        "picco_rss_mb": round(picco),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tipo", required=True)
    parser.add_argument("--anno", required=True)
    parser.add_argument("--distretto")
    parser.add_argument("--ambito")
    parser.add_argument("--output", required=True, type=Path)
    parser.add_argument("--allegato", type=Path)
    parser.add_argument("--ripetizioni", type=int, default=1)
    argomenti = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alternanza.settings")
    import django

    django.setup()
    print(json.dumps(misura(**vars(argomenti))))  # the one line bench/lavori.py reads


if __name__ == "__main__":
    main()
