"""Celery tasks of the newsletter: leaves that take ids and call one service (invio, iscrizioni).

Services import this module at the top and enqueue; the tasks import the services inside their body,
so neither module imports the other at load time. All tasks are acks_late (global setting) and
idempotent: the delivery rows decide what is still to send. They run on the default queue.
"""

from __future__ import annotations

from celery import shared_task

MAX_RIPROVE = 8
# Seconds a batch task keeps sending before it hands its remaining deliveries to a new task, well inside
# the task's time limits below.
DURATA_MASSIMA_LOTTO = 240


@shared_task(name="newsletter.avvia_invio", soft_time_limit=540, time_limit=600)
def avvia_invio(numero_id: int) -> int:
    """Dispatcher: delivery rows for the segment, then one task per batch."""
    from . import invio

    return invio.avvia(numero_id)


@shared_task(
    bind=True,
    name="newsletter.invia_lotto",
    max_retries=MAX_RIPROVE,
    soft_time_limit=DURATA_MASSIMA_LOTTO + 120,
    time_limit=DURATA_MASSIMA_LOTTO + 180,
)
def invia_lotto(self, numero_id: int, consegna_ids: list[int]) -> dict:
    """Send one batch; temporary failures retry it with a growing countdown (30 s, 60 s, ... 30 min)."""
    from . import invio

    countdown = min(30 * 2**self.request.retries, 1800)
    try:
        esito = invio.invia_lotto(numero_id, consegna_ids)
    except invio.ErroreTemporaneo as exc:
        raise self.retry(exc=exc, countdown=countdown) from exc
    if esito.da_riprovare and self.request.retries < MAX_RIPROVE:
        raise self.retry(countdown=countdown)
    return {"inviate": esito.inviate, "fallite": esito.fallite, "saltate": esito.saltate}


@shared_task(name="newsletter.avvia_programmati", soft_time_limit=50, time_limit=60)
def avvia_programmati() -> list[int]:
    """Beat, every minute: start the scheduled issues whose time has come."""
    from . import invio

    return invio.avvia_programmati()


@shared_task(name="newsletter.riprendi_invii", soft_time_limit=110, time_limit=120)
def riprendi_invii(dopo_secondi: int | None = None) -> list[int]:
    """Beat: re-enqueue the sends with pending deliveries and no progress (a worker died mid-batch)."""
    from . import invio

    return invio.riprendi_fermi(dopo_secondi)


@shared_task(name="newsletter.leggi_rimbalzi", soft_time_limit=240, time_limit=300)
def leggi_rimbalzi() -> dict:
    """Beat: read the bounce mailbox (NEWSLETTER_BOUNCE_MAILBOX, POP3 or IMAP) and record the DSNs."""
    from . import rimbalzi

    return rimbalzi.leggi_casella()


@shared_task(name="newsletter.invia_prova", soft_time_limit=50, time_limit=60)
def invia_prova(numero_id: int, email: str | list[str], lingua: str = "it") -> int:
    """Test messages of the issue to the reviewers' addresses (one address: the staff member's own)."""
    from . import invio
    from .rendering import Profilo

    return invio.invia_prova(numero_id, email, Profilo(lingua=lingua))


@shared_task(name="newsletter.invia_conferma", soft_time_limit=50, time_limit=60)
def invia_conferma(iscritto_id: int, gia_confermato: bool = False) -> None:
    """The double opt-in e-mail (or, for an address already confirmed, a note with its personal links)."""
    from . import iscrizioni

    iscrizioni.invia_email_conferma(iscritto_id, gia_confermato)
