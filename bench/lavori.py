"""Background jobs `make bench` measures (school import, PDF report, newsletter send...). ADD YOURS HERE:

    def _report_pdf() -> dict:
        ...                      # runs in the bench process, Django set up on the bench database,
        return {"secondi": 16.2, "pagine": 86, "MB picco": 420}

    LAVORI.append(("report PDF di un distretto", _report_pdf))

Each function returns a dict of figures (name -> number or short text) that run.py prints as is. Run the
real code path (the task function itself, called directly or with Celery eager) on the large demo data;
measure time with time.perf_counter() and memory with resource.getrusage or tracemalloc as fits. A job
that raises is reported as failed and does not stop the others. Keep each under a minute or two.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def _dimensioni_dati() -> dict:
    """How big the bench data set is (so the other figures can be read against it)."""
    from django.apps import apps

    inizio = time.perf_counter()
    figure = {}
    for etichetta in [
        "distretti.Scuola",
        "partnership.Organizzazione",
        "alternanza.Progetto",
        "eventi.Evento",
        "newsletter.Iscritto",
    ]:
        try:
            modello = apps.get_model(etichetta)
        except LookupError:
            continue
        figure[etichetta] = modello._base_manager.count()
    figure["secondi"] = round(time.perf_counter() - inizio, 3)
    return figure


LAVORI: list[tuple[str, Callable[[], dict]]] = [
    ("dimensioni del data set", _dimensioni_dati),
]
