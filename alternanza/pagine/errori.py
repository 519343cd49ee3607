"""The error pages of the whole portal. 403 always says why the page was refused and what to do next;
500 tells an unreachable database (503 with Retry-After: retry shortly) from a bug.

Why comes from the PermissionDenied message (the role gates of alternanza.core.utenti.richiede say whom a
page is reserved to); what to do depends on the user: their pending role requests with who decides them
(alternanza.utenti.ruoli.in_attesa), a link to ask for a role, their workspace, or the login.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from alternanza.utenti import ruoli
from distretti.permissions import ambito_di
from partnership.querysets import organizzazioni_di


@requires_csrf_token
def accesso_negato(request, exception=None):
    user = request.user
    motivo = ""
    if exception is not None and exception.args:
        motivo = str(exception.args[0])
    autenticato = user.is_authenticated
    contesto = {
        "motivo": motivo,
        "in_attesa": ruoli.in_attesa(user) if autenticato else [],
        "ha_ruolo": autenticato and (ambito_di(user).ha_ruolo or bool(organizzazioni_di(user))),
        "senza_valutazione": True,
    }
    return render(request, "403.html", contesto, status=403)


RIPROVA_DOPO = 30  # seconds: Retry-After of the "temporarily unavailable" page


def _database_irraggiungibile(errore: BaseException | None) -> bool:
    """Whether the error being handled comes from a database connection that failed (not a bad query)."""
    while errore is not None:
        if isinstance(errore, (OperationalError, InterfaceError)):
            return True
        errore = errore.__cause__ or errore.__context__
    return False


def errore_server(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: 503 with Retry-After when the database cannot be reached, Django's 500 otherwise.

    Called inside the `except` of Django's exception handling, so sys.exc_info() is the error. Both pages
    are rendered without a request context (no context processors, no session, no database).
    """
    if _database_irraggiungibile(sys.exc_info()[1]):
        risposta = HttpResponse(loader.get_template("503.html").render(), status=503)
        risposta["Retry-After"] = str(RIPROVA_DOPO)
        return risposta
    return defaults.server_error(request, template_name)


@requires_csrf_token
def csrf_fallito(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the refused form explained in the portal's layout (Django's page is bare
    English); the technical reason goes to the log only."""
    return render(request, "403_csrf.html", {"senza_valutazione": True}, status=403)
