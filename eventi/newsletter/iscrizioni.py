"""Subscription services: request (double opt-in), confirmation, preferences, unsubscribe, erasure.

Every change of consent writes a ConsensoRegistro row with time, IP and the consent text's version.
The request answers the same way whatever the address's state, so the form never reveals who is
subscribed; e-mails to one address are limited to one per 10 minutes (limiti.consenti_email).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from alternanza.core.compiti import accoda

from . import consenso, limiti, rendering, tasks
from .models import AzioneConsenso, ConsensoRegistro, FonteConsenso, Iscritto, StatoIscritto
from .tokens import token_conferma, token_personale

logger = logging.getLogger(__name__)


def _imposta_interessi(iscritto: Iscritto, dati: dict) -> None:
    iscritto.distretti.set(dati.get("distretti") or [])
    iscritto.ambiti.set(dati.get("ambiti") or [])
    iscritto.pubblici.set(dati.get("pubblici") or [])


def richiedi_iscrizione(dati: dict, ip: str | None, lingua: str = "it") -> None:
    """Handle a subscribe request (cleaned IscrizioneForm data). Same outcome for every address state:
    - new, pending or unsubscribed address: (again) pending, interests saved, confirmation link sent;
    - confirmed address: nothing changes (no one can alter a subscription without its links); the
      owner gets a note with the personal links.
    """
    email = dati["email"]
    adesso = timezone.now()
    with transaction.atomic():
        iscritto = Iscritto.objects.select_for_update().per_email(email).first()
        if iscritto is None:
            try:
                with transaction.atomic():
                    iscritto = Iscritto.objects.create(email=email, lingua=lingua)
            except IntegrityError:  # created concurrently by a twin request
                iscritto = Iscritto.objects.select_for_update().per_email(email).get()
        gia_confermato = iscritto.stato == StatoIscritto.CONFERMATO
        if not gia_confermato:
            iscritto.stato = StatoIscritto.IN_ATTESA
            iscritto.lingua = lingua
            iscritto.fonte = FonteConsenso.MODULO
            iscritto.save(update_fields=["stato", "lingua", "fonte"])
            _imposta_interessi(iscritto, dati)
            ConsensoRegistro.objects.create(
                iscritto=iscritto,
                azione=AzioneConsenso.RICHIESTA,
                il=adesso,
                ip=ip,
                versione_testo=dati.get("versione_consenso") or consenso.VERSIONE,
                fonte=FonteConsenso.MODULO,
            )
        if limiti.consenti_email(email):
            iscritto_id = iscritto.pk
            accoda(tasks.invia_conferma, iscritto_id, gia_confermato)


def invia_email_conferma(iscritto_id: int, gia_confermato: bool = False) -> None:
    """The double opt-in e-mail (or, for an address already confirmed, a note with its personal links)."""
    iscritto = Iscritto.objects.filter(pk=iscritto_id).first()
    if iscritto is None:
        return
    with translation.override(iscritto.lingua):
        if gia_confermato:
            token = token_personale(iscritto)
            prefisso = "gia_iscritto"
            contesto: dict[str, Any] = {
                "url_preferenze": rendering.url_assoluto(reverse("newsletter:preferenze", args=[token])),
                "url_disiscrizione": rendering.url_assoluto(
                    reverse("newsletter:disiscrizione", args=[token])
                ),
            }
        else:
            prefisso = "conferma"
            url = rendering.url_assoluto(reverse("newsletter:conferma", args=[token_conferma(iscritto)]))
            contesto = {"url_conferma": url, "giorni": 3}
        rendering.invia_email_modello(prefisso, contesto, iscritto.email, iscritto.lingua)


def conferma(iscritto: Iscritto, ip: str | None) -> bool:
    """Double opt-in: the owner of the address clicked the link. Returns False if already confirmed."""
    with transaction.atomic():
        iscritto = Iscritto.objects.select_for_update().get(pk=iscritto.pk)
        if iscritto.stato == StatoIscritto.CONFERMATO:
            return False
        richiesta = iscritto.consensi.filter(azione=AzioneConsenso.RICHIESTA).order_by("-il").first()
        versione = richiesta.versione_testo if richiesta else consenso.VERSIONE
        adesso = timezone.now()
        iscritto.stato = StatoIscritto.CONFERMATO
        iscritto.confermato_il = adesso
        iscritto.disiscritto_il = None
        iscritto.consenso_il = adesso
        iscritto.consenso_ip = ip
        iscritto.consenso_versione = versione
        iscritto.save()
        ConsensoRegistro.objects.create(
            iscritto=iscritto,
            azione=AzioneConsenso.CONFERMA,
            il=adesso,
            ip=ip,
            versione_testo=versione,
            fonte=FonteConsenso.MODULO,
        )
    return True


def aggiorna_preferenze(iscritto: Iscritto, dati: dict, ip: str | None) -> None:
    with transaction.atomic():
        _imposta_interessi(iscritto, dati)
        ConsensoRegistro.objects.create(
            iscritto=iscritto,
            azione=AzioneConsenso.PREFERENZE,
            ip=ip,
            versione_testo=iscritto.consenso_versione,
            fonte="preferenze",
        )


def disiscrivi(iscritto: Iscritto, ip: str | None, fonte: str) -> bool:
    """Withdraw consent. Idempotent: False (and nothing written) if already unsubscribed."""
    with transaction.atomic():
        aggiornati = (
            Iscritto.objects.filter(pk=iscritto.pk)
            .exclude(stato=StatoIscritto.DISISCRITTO)
            .update(stato=StatoIscritto.DISISCRITTO, disiscritto_il=timezone.now())
        )
        if aggiornati:
            ConsensoRegistro.objects.create(
                iscritto_id=iscritto.pk,
                azione=AzioneConsenso.REVOCA,
                ip=ip,
                versione_testo=iscritto.consenso_versione,
                fonte=fonte,
            )
    return bool(aggiornati)


def elimina(iscritto: Iscritto, da_utente) -> None:
    """GDPR erasure on request: the subscriber, its consent log and its deliveries are deleted."""
    logger.info("newsletter: iscritto %s cancellato su richiesta da utente %s", iscritto.pk, da_utente.pk)
    iscritto.delete()
