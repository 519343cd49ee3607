"""Celery tasks of the projects area. Tasks take ids and load inside (see STYLE.md)."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    name="alternanza.progetti.notifica_transizione",
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
    name="alternanza.progetti.genera_dati_aperti",
    queue="pesanti",
    time_limit=20 * 60,
    soft_time_limit=19 * 60,
)
def genera_dati_aperti() -> list[str]:
    """Write the open-data exports (CSV and JSON of every dataset) to the default storage."""
    from django.core.cache import cache

    from alternanza.progetti import opendata

    cache.delete(opendata._CHIAVE_IN_CODA)  # changes from now on queue a new export
    return opendata.genera_tutti()
