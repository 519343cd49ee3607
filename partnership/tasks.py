"""Periodic jobs of the partnership network: leaves that call the reminder service (promemoria).

promemoria imports this module at the top and enqueues; the tasks import it inside their body, so
neither module imports the other at load time.
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

# Days before the expiry a reminder goes out (the window of the daily beat run).
GIORNI_PREAVVISO = 30


@shared_task(name="partnership.promemoria_scadenze", soft_time_limit=240, time_limit=300)
def promemoria_scadenze(giorni: int = GIORNI_PREAVVISO) -> int:
    """Beat, daily: one reminder task per convenzione expiring within `giorni` days and not yet reminded."""
    from partnership import promemoria

    return promemoria.accoda_promemoria(giorni)


@shared_task(
    name="partnership.invia_promemoria_convenzione",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def invia_promemoria_convenzione(convenzione_id: int) -> int:
    """Send the expiry reminder of one convenzione once (idempotent: see promemoria.invia_promemoria)."""
    from partnership import promemoria

    return promemoria.invia_promemoria(convenzione_id)


@shared_task(
    name="partnership.avvisa_interesse",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=90,
    time_limit=120,
)
def avvisa_interesse(interesse_id: int) -> int:
    """Tell the organisation a school is interested in its offer (mail with a link to its area)."""
    from partnership import services

    return services.invia_avviso_interesse(interesse_id)


@shared_task(
    name="partnership.avvisa_decisione",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=5,
    soft_time_limit=90,
    time_limit=120,
)
def avvisa_decisione(interesse_id: int) -> int:
    """Tell the school the organisation accepted or declined its expression of interest."""
    from partnership import services

    return services.invia_avviso_decisione(interesse_id)
