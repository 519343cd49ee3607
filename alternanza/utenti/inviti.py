"""Invitations by e-mail with a pre-approved role (allauth has none: built on its adapter hooks).

The link carries the invitation id signed with a TimestampSigner: a tampered link fails the signature,
an old one fails max_age (settings.INVITO_VALIDITA seconds), a used one is refused by its row.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.email import invia_modello, nella_lingua
from alternanza.core.utenti import nome_leggibile
from alternanza.utenti import ruoli
from alternanza.utenti.models import Invito, TipoRuolo
from distretti.models import StatoIncarico

SALT = "alternanza.utenti.invito"


def validita() -> int:
    return settings.INVITO_VALIDITA


class InvitoNonValido(Exception):
    """The link cannot be used; `stato` is the HTTP status to answer, the message is user-facing."""

    def __init__(self, messaggio, stato: int):
        super().__init__(messaggio)
        self.stato = stato


def token_di(invito: Invito) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(invito.pk))


def invito_da_token(token: str) -> Invito:
    """The unused invitation named by the token, or InvitoNonValido (tampered, expired, used)."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=validita())
    except signing.SignatureExpired as exc:
        raise InvitoNonValido(
            _("Il link di invito è scaduto. Chiedi allo staff della Città metropolitana un nuovo invito."),
            410,
        ) from exc
    except signing.BadSignature as exc:
        raise InvitoNonValido(
            _("Il link di invito non è valido: controlla di averlo copiato per intero dall'e-mail."), 400
        ) from exc
    invito = Invito.objects.select_related("scuola", "distretto", "organizzazione").filter(pk=pk).first()
    if invito is None:
        raise InvitoNonValido(_("Questo invito è stato annullato."), 410)
    if invito.usato_il:
        raise InvitoNonValido(_("Questo invito è già stato usato: accedi con il tuo account."), 410)
    return invito


def crea_e_invia(da, email: str, ruolo: str, scuola=None, distretto=None, organizzazione=None) -> Invito:
    invito = Invito.objects.create(
        email=email.lower(),
        ruolo=ruolo,
        scuola=scuola if ruolo == TipoRuolo.REFERENTE_SCUOLA else None,
        distretto=distretto if ruolo == TipoRuolo.UFFICIO_DISTRETTO else None,
        organizzazione=organizzazione if ruolo == TipoRuolo.REFERENTE_ORGANIZZAZIONE else None,
        creato_da=da,
        creato_da_nome=nome_leggibile(da, Invito._meta.get_field("creato_da_nome").max_length),
    )
    invia_modello(
        "utenti/email/invito",
        [invito.email],
        {
            "invito": invito,
            "descrizione": nella_lingua(descrivi, invito),
            "url": reverse("utenti:accetta_invito", kwargs={"token": token_di(invito)}),
            "giorni": validita() // 86400,
        },
        prefisso_oggetto=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
    )
    return invito


def descrivi(invito: Invito) -> str:
    oggetto = invito.scuola or invito.distretto or invito.organizzazione
    return f"{invito.get_ruolo_display()} – {oggetto}" if oggetto else str(invito.get_ruolo_display())


def utente_esistente(invito: Invito):
    """The account the invitation's address belongs to: only a *verified* address counts (anyone can add
    an unverified one to their account), or an account without any allauth address row (made by staff)."""
    indirizzo = (
        EmailAddress.objects.filter(email__iexact=invito.email, verified=True).select_related("user").first()
    )
    if indirizzo:
        return indirizzo.user
    return get_user_model().objects.filter(email__iexact=invito.email, emailaddress__isnull=True).first()


def accetta(invito: Invito, utente) -> None:
    """Give `utente` the invited role, already approved (by whoever sent the invitation)."""
    with transaction.atomic():
        riga = Invito.objects.select_for_update().get(pk=invito.pk)
        if riga.usato_il:
            raise InvitoNonValido(_("Questo invito è già stato usato: accedi con il tuo account."), 410)
        ruoli.richiedi(
            utente,
            riga.ruolo,
            scuola=riga.scuola,
            distretto=riga.distretto,
            organizzazione=riga.organizzazione,
            stato=StatoIncarico.APPROVATO,
            deciso_da=riga.creato_da,
        )
        riga.usato_il = timezone.now()
        riga.utente = utente
        riga.save(update_fields=["usato_il", "utente"])


def crea_account(request, invito: Invito, form):
    """Create the invited person's account through allauth's adapter, e-mail already verified (the link
    arrived at that address), with the role approved."""
    adapter = get_adapter(request)
    utente = adapter.save_user(request, adapter.new_user(request), form)
    EmailAddress.objects.create(user=utente, email=invito.email, verified=True, primary=True)
    accetta(invito, utente)
    return utente
