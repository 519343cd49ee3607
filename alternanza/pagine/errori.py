"""The 403 page of the whole portal: it always says why the page was refused and what to do next.

Why comes from the PermissionDenied message (the role gates of alternanza.core.utenti.richiede say whom a
page is reserved to); what to do depends on the user: their pending role requests with who decides them
(alternanza.utenti.ruoli.in_attesa), a link to ask for a role, their workspace, or the login.
"""

from __future__ import annotations

from django.shortcuts import render
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
