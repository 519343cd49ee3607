"""The host organisations' evaluation of a project: the request mailed to the host's tutor (or contact),
the signed link, and the answer recorded in the project's history.

The link carries TimestampSigner(salt=SALE).sign(chiave): valid VALIDITA seconds, for one row only
(its random `chiave`, never an id); asking again draws a new `chiave`, so only the latest link works.
The answer may be changed through the same link while the project may still be evaluated
(workflow.STATI_VALUTAZIONE: running or concluded); once archived, the form is closed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.compiti import accoda
from alternanza.core.email import invia_modello
from alternanza.progetti.models import ProgettoOrganizzazione, TransizioneProgetto, ValutazioneOspitante
from alternanza.progetti.tasks import invia_richiesta_valutazione

SALE = "progetti.valutazione_ospitante"
VALIDITA = 60 * 24 * 60 * 60  # sixty days: the end of a placement, the summer, a reminder


class LinkNonValido(Exception):
    """The link was tampered with, or was replaced by a newer one."""


class LinkScaduto(LinkNonValido):
    """The link is older than VALIDITA."""


class SenzaIndirizzo(Exception):
    """Neither the host's tutor nor the organisation has an e-mail address."""


def indirizzo_per(partecipazione: ProgettoOrganizzazione) -> str:
    """Where the request goes: the host's tutor, else the organisation's contact address."""
    return partecipazione.tutor_email or partecipazione.organizzazione.contatto_email


def token(valutazione: ValutazioneOspitante) -> str:
    return signing.TimestampSigner(salt=SALE).sign(valutazione.chiave.hex)


def da_token(valore: str) -> ValutazioneOspitante:
    """The evaluation row of a link; raises LinkScaduto or LinkNonValido (never a server error)."""
    try:
        chiave_hex = signing.TimestampSigner(salt=SALE).unsign(valore, max_age=VALIDITA)
        chiave = uuid.UUID(hex=chiave_hex)
    except signing.SignatureExpired as exc:
        raise LinkScaduto from exc
    except (signing.BadSignature, ValueError) as exc:
        raise LinkNonValido from exc
    valutazione = (
        ValutazioneOspitante.objects.select_related(
            "partecipazione__organizzazione", "partecipazione__progetto__scuola"
        )
        .filter(chiave=chiave)
        .first()
    )
    if valutazione is None:
        raise LinkNonValido
    return valutazione


def richiedi(partecipazione: ProgettoOrganizzazione) -> ValutazioneOspitante:
    """Ask the host for its evaluation: (re)draw the link and mail it on commit. The caller checked the
    permission (workflow.puo_chiedere_valutazione). Raises SenzaIndirizzo when there is nowhere to send it."""
    indirizzo = indirizzo_per(partecipazione)
    if not indirizzo:
        raise SenzaIndirizzo
    with transaction.atomic():
        valutazione, _creata = ValutazioneOspitante.objects.update_or_create(
            partecipazione=partecipazione,
            defaults={"chiave": uuid.uuid4(), "richiesta_a": indirizzo, "richiesta_il": timezone.now()},
        )
        accoda(invia_richiesta_valutazione, valutazione.pk)
    return valutazione


def invia_richiesta(valutazione_id: int) -> int:
    """Mail the link to the address the request was made to (the task's body)."""
    valutazione = (
        ValutazioneOspitante.objects.select_related(
            "partecipazione__organizzazione", "partecipazione__progetto__scuola"
        )
        .filter(pk=valutazione_id)
        .first()
    )
    if valutazione is None:
        return 0
    partecipazione = valutazione.partecipazione
    contesto = {
        "progetto": partecipazione.progetto,
        "organizzazione": partecipazione.organizzazione,
        "tutor": partecipazione.tutor_nome,
        "url": settings.SITE_URL + reverse("progetti:valutazione_ospitante", args=[token(valutazione)]),
        "giorni": VALIDITA // (24 * 60 * 60),
    }
    return invia_modello(
        "progetti/email/valutazione", [(valutazione.richiesta_a, None)], contesto, settings.LANGUAGE_CODE
    )


def registra(valutazione: ValutazioneOspitante, prima_volta: bool) -> TransizioneProgetto:
    """Save the host's answer and record it in the project's history (not a workflow step: the state
    stays as it is)."""
    progetto = valutazione.partecipazione.progetto
    with transaction.atomic():
        valutazione.compilata_il = timezone.now()
        valutazione.save(update_fields=["giudizio", "testo", "compilata_da", "compilata_il"])
        nota = (
            _("Valutazione di «%(org)s» ricevuta.")
            if prima_volta
            else _("Valutazione di «%(org)s» aggiornata.")
        ) % {"org": valutazione.partecipazione.organizzazione.nome}
        return TransizioneProgetto.objects.create(
            progetto=progetto,
            utente=None,
            utente_nome=valutazione.compilata_da[
                : TransizioneProgetto._meta.get_field("utente_nome").max_length
            ],
            da_stato=progetto.stato,
            a_stato=progetto.stato,
            nota=nota,
        )
