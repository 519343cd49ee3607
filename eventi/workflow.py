"""The review workflow of a Festival event: proposto → approvato | rifiutato; → pubblicato → annullato.

This module is the ONE place that says who may decide on an event, and which decision starts from which
state. Schools and organisations propose events (eventi.forms); the district office of the event's
district, or the Città metropolitana staff, decide. Views and templates only ask `puo(...)` and
`azioni_possibili(...)`, and decide through `esegui(...)`: it locks the event's row, checks the rule and
records the decision (TransizioneEvento). Each decision is mailed to the proposer on commit
(eventi.notifiche, through the task eventi.notifica_decisione).
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.compiti import accoda
from alternanza.core.workflow import STAFF, Flusso, Regola
from alternanza.core.workflow import TransizioneNonConsentita as TransizioneNonConsentita
from distretti.permissions import ambito_di
from eventi import tasks
from eventi.models import Evento, StatoEvento, TransizioneEvento

S = StatoEvento

UFFICIO = "ufficio"  # the technical office of the event's district


class Azione(models.TextChoices):
    APPROVA = "approva", _("Approva")
    RIFIUTA = "rifiuta", _("Rifiuta")
    PUBBLICA = "pubblica", _("Pubblica")
    ANNULLA = "annulla", _("Annulla l'evento")


REGOLE: dict[str, Regola] = {
    Azione.APPROVA: Regola(da=(S.PROPOSTO,), a=S.APPROVATO, chi=frozenset({UFFICIO})),
    Azione.RIFIUTA: Regola(da=(S.PROPOSTO,), a=S.RIFIUTATO, chi=frozenset({UFFICIO})),
    Azione.PUBBLICA: Regola(da=(S.PROPOSTO, S.APPROVATO), a=S.PUBBLICATO, chi=frozenset({UFFICIO})),
    # The reason of a cancellation is shown to the public on the event's page.
    Azione.ANNULLA: Regola(
        da=(S.APPROVATO, S.PUBBLICATO), a=S.ANNULLATO, chi=frozenset({UFFICIO}), nota_obbligatoria=True
    ),
}


def ruoli_su(user, evento: Evento) -> frozenset[str]:
    """The roles the user holds on this event's district (the same scope as Evento.objects.approvabili_da)."""
    ambito = ambito_di(user)
    ruoli = set()
    if ambito.staff:
        ruoli.add(STAFF)
    if evento.distretto_id in ambito.distretti_ufficio:
        ruoli.add(UFFICIO)
    return frozenset(ruoli)


FLUSSO: Flusso[Evento] = Flusso(REGOLE, Azione, ruoli_su)
ha_ruolo_per = FLUSSO.ha_ruolo_per
puo = FLUSSO.puo
azioni_possibili = FLUSSO.azioni_possibili


def esegui(evento: Evento, azione: str, user, nota: str = "") -> TransizioneEvento:
    """Take a decision: role check, state check on the locked row, update, history row.

    Raises PermissionDenied if the user's role does not allow it, TransizioneNonConsentita if the event
    is not in a state the decision starts from (another decision came first) or a required note is
    missing. `evento` is updated in place.
    """
    nota = (nota or "").strip()
    with transaction.atomic():
        # The lock makes two decisions taken at the same moment run one after the other: the second one
        # sees the state the first left and is refused if it no longer applies.
        bloccato = Evento.objects.select_for_update(of=("self",)).get(pk=evento.pk)
        regola = FLUSSO.verifica(
            user,
            bloccato,
            azione,
            nota,
            negato=_("Non puoi prendere questa decisione su questo evento."),
            stato_errato=_("Questa operazione non è possibile nello stato attuale."),
            nota_mancante=_("Spiega al pubblico perché l'evento è annullato."),
        )
        da = bloccato.stato
        adesso = timezone.now()
        campi = {"stato": regola.a, "deciso_da": user, "deciso_il": adesso}
        if regola.a == S.ANNULLATO:
            campi["motivo_annullamento"] = nota
        elif nota:
            campi["nota_decisione"] = nota
        if regola.a == S.PUBBLICATO and not bloccato.pubblicato_il:
            campi["pubblicato_il"] = adesso
        for campo, valore in campi.items():
            setattr(bloccato, campo, valore)
        # save(), not update(): the post_save receivers invalidate the Festival's cached pages.
        bloccato.save(update_fields=[*campi, "aggiornato_il"])
        for campo in (*campi, "aggiornato_il"):
            setattr(evento, campo, getattr(bloccato, campo))
        transizione = TransizioneEvento.objects.create(
            evento=bloccato, utente=user, da_stato=da, a_stato=regola.a, nota=nota
        )
        accoda(tasks.notifica_decisione, transizione.pk)
        return transizione
