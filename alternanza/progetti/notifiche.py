"""E-mails about projects: who is concerned by a transition, and the subject/text/HTML triplet."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from alternanza.core.email import destinatari_utenti, invia_modello
from alternanza.progetti.models import StatoProgetto, TransizioneProgetto
from distretti.models import Incarico, StatoIncarico


def _utenti(progetto, escludi_utente_id: int | None = None):
    """The school's coordinators and the district office users (active, with an address)."""
    utenti = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(
                incarichi__ruolo=Incarico.Ruolo.REFERENTE_SCUOLA,
                incarichi__scuola_id=progetto.scuola_id,
                incarichi__stato=StatoIncarico.APPROVATO,
            )
            | Q(
                incarichi__ruolo=Incarico.Ruolo.UFFICIO_DISTRETTO,
                incarichi__distretto_id=progetto.distretto_id,
                incarichi__stato=StatoIncarico.APPROVATO,
            )
        )
        .exclude(email="")
    )
    if escludi_utente_id:
        utenti = utenti.exclude(pk=escludi_utente_id)
    return utenti


def destinatari(progetto, escludi_utente_id: int | None = None) -> list[tuple[str, str | None]]:
    """(address, preferred language) of the school's coordinators and of the district office users."""
    return sorted(set(destinatari_utenti(_utenti(progetto, escludi_utente_id))))


def invia_notifica_transizione(transizione_id: int) -> int:
    transizione = (
        TransizioneProgetto.objects.select_related("progetto__scuola", "progetto__distretto")
        .filter(pk=transizione_id)
        .first()
    )
    if transizione is None:
        return 0
    progetto = transizione.progetto
    indirizzi = destinatari(progetto, escludi_utente_id=transizione.utente_id)
    if not indirizzi:
        return 0
    contesto = {
        "transizione": transizione,
        "progetto": progetto,
        # Sent back: straight to the office's remarks in the project's history.
        "url": settings.SITE_URL
        + progetto.get_absolute_url()
        + ("#storia" if transizione.a_stato == StatoProgetto.RIMANDATO else ""),
    }
    return invia_modello("progetti/email/transizione", indirizzi, contesto, settings.LANGUAGE_CODE)
