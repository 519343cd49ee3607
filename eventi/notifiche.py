"""E-mails of the event proposals: the reviewers hear of a new proposal, the proposer gets a receipt and
a mail at each decision (eventi.workflow). Sent by tasks (eventi.tasks), enqueued on commit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from alternanza.core.email import destinatari_utenti, invia_modello
from distretti.models import Incarico, StatoIncarico
from eventi.models import Evento, TransizioneEvento

R = Incarico.Ruolo


def _attivi():
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def revisori(evento: Evento) -> list[tuple[str, str | None]]:
    """Staff and the technical office of the event's district (approved roles)."""
    approvato = Q(incarichi__stato=StatoIncarico.APPROVATO)
    q = approvato & Q(incarichi__ruolo=R.STAFF)
    if evento.distretto_id:
        q |= approvato & Q(incarichi__ruolo=R.UFFICIO_DISTRETTO, incarichi__distretto_id=evento.distretto_id)
    return sorted(set(destinatari_utenti(_attivi().filter(q))))


def proponenti(evento: Evento, escludi_utente_id: int | None = None) -> list[tuple[str, str | None]]:
    """Who proposed: the user, and the coordinators of the proposing school."""
    q = Q(pk=evento.proposto_da_id) if evento.proposto_da_id else Q(pk__in=[])
    if evento.scuola_proponente_id:
        q |= Q(
            incarichi__ruolo=R.REFERENTE_SCUOLA,
            incarichi__scuola_id=evento.scuola_proponente_id,
            incarichi__stato=StatoIncarico.APPROVATO,
        )
    utenti = _attivi().filter(q)
    if escludi_utente_id:
        utenti = utenti.exclude(pk=escludi_utente_id)
    return sorted(set(destinatari_utenti(utenti)))


def _url(evento: Evento) -> str:
    return settings.SITE_URL + evento.get_absolute_url()


def invia_proposta(evento_id: int) -> int:
    """A new proposal: a mail to the reviewers, a receipt to the proposer."""
    evento = Evento.objects.select_related("distretto", "scuola_proponente", "organizzazione_proponente").get(
        pk=evento_id
    )
    contesto = {"evento": evento, "url": _url(evento)}
    inviati = invia_modello("eventi/email/proposta_nuova", revisori(evento), contesto, settings.LANGUAGE_CODE)
    inviati += invia_modello(
        "eventi/email/proposta_ricevuta", proponenti(evento), contesto, settings.LANGUAGE_CODE
    )
    return inviati


def invia_decisione(transizione_id: int) -> int:
    """A decision on a proposal, to the proposer (not to whoever took it)."""
    transizione = TransizioneEvento.objects.select_related("evento").filter(pk=transizione_id).first()
    if transizione is None:
        return 0
    evento = transizione.evento
    contesto = {"evento": evento, "transizione": transizione, "url": _url(evento)}
    destinatari = proponenti(evento, escludi_utente_id=transizione.utente_id)
    return invia_modello("eventi/email/decisione", destinatari, contesto, settings.LANGUAGE_CODE)
