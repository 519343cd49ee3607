"""Celery tasks of the projects area: leaves that take ids and call one service (notifiche, opendata).

Services import this module at the top and enqueue; the tasks import the services inside their body,
so neither module imports the other at load time.
"""

from __future__ import annotations

from celery import shared_task

from alternanza.core.compiti import CODA_PESANTE, vecchio_nome


@shared_task(
    name="progetti.notifica_transizione",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    time_limit=120,
    soft_time_limit=90,
)
def notifica_transizione(transizione_id: int) -> int:
    """E-mail a project's transition to the people concerned; returns how many were written to."""
    from alternanza.progetti.notifiche import invia_notifica_transizione

    return invia_notifica_transizione(transizione_id)


@shared_task(
    name="progetti.invia_richiesta_valutazione",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
    time_limit=120,
    soft_time_limit=90,
)
def invia_richiesta_valutazione(valutazione_id: int) -> int:
    """Mail a host organisation the link to evaluate a project; returns how many messages went out."""
    from alternanza.progetti.valutazioni import invia_richiesta

    return invia_richiesta(valutazione_id)


@shared_task(
    name="progetti.genera_dati_aperti",
    coda=CODA_PESANTE,
    time_limit=20 * 60,
    soft_time_limit=19 * 60,
)
def genera_dati_aperti() -> list[str]:
    """Write the open-data exports (CSV and JSON of every dataset) to the default storage."""
    from alternanza.progetti import opendata

    return opendata.genera_tutti()


# Old names, carried by messages queued before the rename: remove in the next release.
vecchio_nome("alternanza.progetti.notifica_transizione", "progetti.notifica_transizione")
vecchio_nome("alternanza.progetti.genera_dati_aperti", "progetti.genera_dati_aperti")
