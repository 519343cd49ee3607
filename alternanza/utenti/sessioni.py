"""Sessions per user: recorded at login, so that they can be ended on demand.

Django alone cannot list a user's sessions (the session table is keyed by session key only): the
user_logged_in receiver records each new session in SessioneUtente. Ending them deletes the session from
the configured session engine, which logs the user out on their next request.
"""

from __future__ import annotations

import logging
import time
from importlib import import_module

from django.conf import settings

from alternanza.core.rete import ip_cliente
from alternanza.utenti.models import SessioneUtente

logger = logging.getLogger("alternanza.security")

CHIAVE_INIZIO = "portale_inizio_sessione"


def _store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def registra(request, utente) -> None:
    """Record the session just opened by `utente` (called at login) and stamp its start time."""
    request.session[CHIAVE_INIZIO] = int(time.time())
    ricorda(request, utente)


def ricorda(request, utente) -> None:
    """Record the current session key of `utente` (it changes at login and at a password change)."""
    if not request.session.session_key:
        request.session.save()
    SessioneUtente.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "utente": utente,
            "ip": ip_cliente(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def chiudi_sessioni(utente, tranne: str | None = None) -> int:
    """End every recorded session of `utente` except the session key `tranne`; return how many."""
    righe = SessioneUtente.objects.filter(utente=utente)
    if tranne:
        righe = righe.exclude(session_key=tranne)
    chiavi = list(righe.values_list("session_key", flat=True))
    for chiave in chiavi:
        _store(chiave).delete()
    SessioneUtente.objects.filter(session_key__in=chiavi).delete()
    if chiavi:
        logger.info("ended %d session(s) of user %s", len(chiavi), utente.pk)
    return len(chiavi)


def attive(utente) -> int:
    """How many recorded sessions of the user still exist in the session store."""
    return sum(
        1
        for k in SessioneUtente.objects.filter(utente=utente).values_list("session_key", flat=True)
        if _store(k).exists(k)
    )


def scaduta(request) -> bool:
    """Whether the session passed the absolute timeout (SESSION_ABSOLUTE_TIMEOUT seconds since login)."""
    inizio = request.session.get(CHIAVE_INIZIO)
    if inizio is None:
        # A session opened before this rule existed: start counting now.
        request.session[CHIAVE_INIZIO] = int(time.time())
        return False
    return time.time() - inizio > settings.SESSION_ABSOLUTE_TIMEOUT
