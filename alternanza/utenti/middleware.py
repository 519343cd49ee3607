"""Middleware of the accounts area: absolute session timeout, MFA required for staff and district
offices, and the security log of refused authorisations."""

from __future__ import annotations

import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from alternanza.utenti import sessioni
from distretti.permissions import richiede_mfa

# Pages a user who must set up MFA may still open: the MFA pages themselves, re-authentication
# (allauth asks for it before activating TOTP), logout, e-mail confirmation and the language switch.
PAGINE_SENZA_MFA = {
    "account_logout",
    "account_reauthenticate",
    "account_confirm_email",
    "account_email_verification_sent",
    "set_language",
    "javascript-catalog",
    "healthz",
}
CHIAVE_MFA_OK = "portale_mfa_ok"
CHIAVE_RINNOVO = "portale_rinnovo"


class SessioneAssolutaMiddleware:
    """Log out a session older than SESSION_ABSOLUTE_TIMEOUT, however active it has been, and keep
    the inactivity timeout (SESSION_COOKIE_AGE) sliding.

    The idle expiry is renewed at most once every SESSION_RINNOVO seconds instead of on every request
    (SESSION_SAVE_EVERY_REQUEST would write the session row on every page view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            if sessioni.scaduta(request):
                logout(request)
                messages.info(request, _("La sessione è scaduta: accedi di nuovo."))
                return redirect_to_login(request.get_full_path())
            adesso = int(time.time())
            if adesso - request.session.get(CHIAVE_RINNOVO, 0) >= settings.SESSION_RINNOVO:
                request.session[CHIAVE_RINNOVO] = adesso  # modified: saved with a fresh expiry
        return self.get_response(request)


def _pagina_consentita_senza_mfa(path: str) -> bool:
    try:
        nome = resolve(path).url_name
    except Resolver404:
        return False
    return nome in PAGINE_SENZA_MFA or (nome or "").startswith("mfa_")


class MfaObbligatoriaMiddleware:
    """Staff and district offices without a second factor are sent to set it up before anything else.

    allauth has no per-role switch for MFA; this uses its own check (is_mfa_enabled). A positive answer is
    remembered in the session (cleared by the authenticator_removed receiver) to save a query per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(CHIAVE_MFA_OK)
            and richiede_mfa(user)
            and not _pagina_consentita_senza_mfa(request.path_info)
        ):
            if is_mfa_enabled(user):
                request.session[CHIAVE_MFA_OK] = True
            else:
                messages.warning(
                    request,
                    _(
                        "Il tuo ruolo richiede la verifica in due passaggi: configurala ora con un'app di "
                        "autenticazione (TOTP) per continuare."
                    ),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class AutorizzazioniNegateMiddleware:
    """Record refused authorisations: PermissionDenied (403) and, for logged-in users, Http404 raised
    by the views' permission helpers (an object outside the user's scope)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from alternanza.utenti.sicurezza import registra_negato

        if isinstance(exception, PermissionDenied):
            registra_negato(request, 403)
        elif isinstance(exception, Http404) and request.user.is_authenticated:
            registra_negato(request, 404)
        return None
