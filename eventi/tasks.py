"""Celery tasks of the Festival bookings: leaves that take ids and call one service.

eventi.prenotazioni.services imports this module at the top and enqueues; the tasks import the services
inside their body, so neither imports the other at load time.
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

_RIPROVE = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "max_retries": 8,
    "soft_time_limit": 120,
    "time_limit": 180,
}


@shared_task(name="eventi.invia_mail_prenotazione", **_RIPROVE)
def invia_mail_prenotazione(prenotazione_id: int, tipo: str) -> int:
    """One mail of a booking (confirmation link, confirmed, waiting list, offer, cancelled, reminder)."""
    from eventi.prenotazioni import posta

    return posta.invia(prenotazione_id, tipo)


@shared_task(name="eventi.invia_messaggio_prenotati", **_RIPROVE)
def invia_messaggio_prenotati(messaggio_id: int) -> int:
    """The organisers' message to all booked people (idempotent: the message row records the send)."""
    from eventi.prenotazioni import posta

    return posta.invia_messaggio(messaggio_id)


@shared_task(name="eventi.scadi_prenotazioni", soft_time_limit=240, time_limit=300)
def scadi_prenotazioni() -> int:
    """Beat: expired waiting-list offers pass to the next in line; unconfirmed bookings expire."""
    from eventi.prenotazioni import services

    return services.scadi_offerte()


@shared_task(name="eventi.promemoria_prenotazioni", soft_time_limit=240, time_limit=300)
def promemoria_prenotazioni() -> int:
    """Beat, daily: a reminder to every confirmed booking of the events that start tomorrow."""
    from eventi.prenotazioni import services

    return services.accoda_promemoria()


@shared_task(name="eventi.notifica_proposta", **_RIPROVE)
def notifica_proposta(evento_id: int) -> int:
    """A new event proposal: reviewers (staff, district office) and a receipt to the proposer."""
    from eventi import notifiche

    return notifiche.invia_proposta(evento_id)


@shared_task(name="eventi.notifica_decisione", **_RIPROVE)
def notifica_decisione(transizione_id: int) -> int:
    """A decision on an event, to its proposer."""
    from eventi import notifiche

    return notifiche.invia_decisione(transizione_id)
