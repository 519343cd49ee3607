"""Receivers of the accounts area (connected in UtentiConfig.ready)."""

from __future__ import annotations

from allauth.account.internal.flows.login import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_changed, password_reset, user_signed_up
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from alternanza.utenti import sessioni
from alternanza.utenti.models import EventoSicurezza
from alternanza.utenti.sicurezza import registra


@receiver(email_confirmed)
def _notifica_approvatori(sender, request, email_address, **kwargs):
    """Role requests made at signup reach the approvers, and a new organisation named at signup is created,
    only once the requester proved their e-mail."""
    from alternanza.utenti import ruoli

    utente = email_address.user
    altre_verificate = EmailAddress.objects.filter(user=utente, verified=True).exclude(pk=email_address.pk)
    ruoli.conferma_email(utente, primo_indirizzo=not altre_verificate.exists())


@receiver(user_logged_in)
def _accesso(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessioni.registra(request, user)
    registra(EventoSicurezza.Tipo.ACCESSO, request, user, identificativo=user.email)
    _password_appena_data_vale_come_conferma(request, user)


def _password_appena_data_vale_come_conferma(request, user) -> None:
    """The password typed to log in counts as the confirmation allauth asks before a security change.

    allauth (65.x) accepts only an explicit re-authentication within ACCOUNT_REAUTHENTICATION_TIMEOUT,
    so staff and district offices, sent to set up MFA right after their first login, were asked for the
    password a second time. A password login is as fresh as a re-authentication: mark its record so, and
    the usual timeout still applies (a session left open asks again)."""
    record = get_authentication_records(request, user)
    if record and record[-1].get("method") == "password":
        record[-1]["reauthenticated"] = True
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = record


@receiver(user_login_failed)
def _accesso_fallito(sender, credentials, request=None, **kwargs):
    # Django passes the credentials with the password already masked; keep only the identifier.
    identificativo = str(credentials.get("email") or credentials.get("username") or "")
    registra(EventoSicurezza.Tipo.ACCESSO_FALLITO, request, None, identificativo=identificativo)


@receiver(user_logged_out)
def _uscita(sender, request, user, **kwargs):
    if user is not None:
        registra(EventoSicurezza.Tipo.USCITA, request, user, identificativo=user.email)


def _chiudi_le_altre(request, user, motivo: str) -> None:
    corrente = request.session.session_key if request is not None else None
    chiuse = sessioni.chiudi_sessioni(user, tranne=corrente)
    if request is not None and hasattr(request, "session") and getattr(request.user, "pk", None) == user.pk:
        # update_session_auth_hash() gave the current session a new key: keep it on record.
        sessioni.ricorda(request, user)
    if chiuse:
        registra(
            EventoSicurezza.Tipo.SESSIONI_CHIUSE, request, user, identificativo=user.email, dettaglio=motivo
        )


@receiver(password_changed)
@receiver(password_reset)
def _password_cambiata(sender, request, user, **kwargs):
    _chiudi_le_altre(request, user, "password")


@receiver(authenticator_added)
@receiver(authenticator_removed)
@receiver(authenticator_reset)
def _mfa_cambiata(sender, request, user, **kwargs):
    from alternanza.utenti.middleware import CHIAVE_MFA_OK

    if request is not None and hasattr(request, "session"):
        request.session.pop(CHIAVE_MFA_OK, None)
    _chiudi_le_altre(request, user, "mfa")


@receiver(pre_delete, sender=get_user_model())
def _nomi_prima_di_eliminare(sender, instance, **kwargs):
    """Whoever deletes a user (the owner, staff in the admin): authorship stays as a name snapshot."""
    from alternanza.utenti.gdpr import conserva_nomi

    conserva_nomi(instance)


@receiver(authentication_failed)
def _secondo_fattore_fallito(sender, request, user, **kwargs):
    registra(EventoSicurezza.Tipo.ACCESSO_FALLITO, request, user, identificativo=user.email, dettaglio="mfa")


@receiver(post_save, sender="distretti.Incarico")
def _incarico_salvato(sender, instance, **kwargs):
    """A staff role approved or revoked anywhere (also in the admin) gives or takes Django admin access."""
    from alternanza.utenti.ruoli import _applica

    if instance.ruolo == instance.Ruolo.STAFF:
        _applica(instance)


@receiver(user_signed_up)
def _lingua_alla_registrazione(sender, request, user, **kwargs):
    """The language of the signup page becomes the language of the person's e-mails."""
    from alternanza.utenti.preferenze import imposta_lingua

    imposta_lingua(user, getattr(request, "LANGUAGE_CODE", None))
