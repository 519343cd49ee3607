"""Celery tasks of the newsletter: thin wrappers around invio.py (ids in, everything loaded inside).

All tasks are acks_late (global setting) and idempotent: the delivery rows decide what is still to send.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import invio, rendering
from .models import Numero, StatoNumero

MAX_RIPROVE = 8


@shared_task(name="newsletter.avvia_invio", soft_time_limit=540, time_limit=600)
def avvia_invio(numero_id: int) -> int:
    """Dispatcher: delivery rows for the segment, then one task per batch."""
    return invio.avvia(numero_id)


@shared_task(
    bind=True,
    name="newsletter.invia_lotto",
    max_retries=MAX_RIPROVE,
    soft_time_limit=invio.DURATA_MASSIMA_LOTTO + 120,
    time_limit=invio.DURATA_MASSIMA_LOTTO + 180,
)
def invia_lotto(self, numero_id: int, consegna_ids: list[int]) -> dict:
    """Send one batch; temporary failures retry it with a growing countdown (30 s, 60 s, ... 30 min)."""
    countdown = min(30 * 2**self.request.retries, 1800)
    try:
        esito = invio.invia_lotto(numero_id, consegna_ids)
    except invio.ErroreTemporaneo as exc:
        raise self.retry(exc=exc, countdown=countdown) from exc
    if esito.resto:
        invia_lotto.delay(numero_id, esito.resto)
    elif esito.da_riprovare and self.request.retries < MAX_RIPROVE:
        raise self.retry(countdown=countdown)
    return {"inviate": esito.inviate, "fallite": esito.fallite, "saltate": esito.saltate}


@shared_task(name="newsletter.avvia_programmati", soft_time_limit=50, time_limit=60)
def avvia_programmati() -> list[int]:
    """Beat, every minute: start the scheduled issues whose time has come."""
    from django.utils import timezone

    ids = list(
        Numero.objects.filter(stato=StatoNumero.PROGRAMMATO, programmato_per__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )
    for numero_id in ids:
        avvia_invio.delay(numero_id)
    return ids


@shared_task(name="newsletter.riprendi_invii", soft_time_limit=110, time_limit=120)
def riprendi_invii(dopo_secondi: int | None = None) -> list[int]:
    """Beat: re-enqueue the sends with pending deliveries and no progress (a worker died mid-batch)."""
    return invio.riprendi_fermi(settings.NEWSLETTER_RESUME_AFTER if dopo_secondi is None else dopo_secondi)


@shared_task(name="newsletter.invia_prova", soft_time_limit=50, time_limit=60)
def invia_prova(numero_id: int, email: str) -> None:
    """A test message of the issue to the staff member who asked for it."""
    invio.invia_prova(numero_id, email)


@shared_task(name="newsletter.invia_conferma", soft_time_limit=50, time_limit=60)
def invia_conferma(iscritto_id: int, gia_confermato: bool = False) -> None:
    """The double opt-in e-mail (or, for an address already confirmed, a note with its personal links)."""
    from .models import Iscritto
    from .tokens import token_conferma, token_personale

    iscritto = Iscritto.objects.filter(pk=iscritto_id).first()
    if iscritto is None:
        return
    from django.urls import reverse
    from django.utils import translation

    with translation.override(iscritto.lingua):
        if gia_confermato:
            token = token_personale(iscritto)
            contesto = {
                "url_preferenze": rendering.url_assoluto(reverse("newsletter:preferenze", args=[token])),
                "url_disiscrizione": rendering.url_assoluto(
                    reverse("newsletter:disiscrizione", args=[token])
                ),
            }
            rendering.invia_email_modello("gia_iscritto", contesto, iscritto.email, iscritto.lingua)
        else:
            url = rendering.url_assoluto(reverse("newsletter:conferma", args=[token_conferma(iscritto)]))
            contesto = {"url_conferma": url, "giorni": 3}
            rendering.invia_email_modello("conferma", contesto, iscritto.email, iscritto.lingua)
