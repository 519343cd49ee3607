"""Who is acting: the name kept beside a user reference, and the role gate of the views.

Records keep a snapshot of the user's name next to the foreign key so that they stay readable after
the account is erased (GDPR). Views gate on a predicate of the user (the predicates live in
distretti.permissions, the one place that says who acts where): anonymous visitors go to the login
page, signed-in users without the role get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext

Vista = TypeVar("Vista", bound=Callable[..., HttpResponseBase])


def nome_leggibile(user: Any, max_length: int | None) -> str:
    """Full name, else e-mail, else username ("" for nobody), cut to `max_length` (None: uncut)."""
    if user is None or not user.is_authenticated:
        return ""
    return (user.get_full_name() or user.email or user.get_username() or "")[:max_length]


def riservata_a(descrizione: Any) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    """Decorator of a role predicate: whom it admits, in words with the preposition ("allo staff della
    Città metropolitana"),
    so that the 403 page of `richiede` says why the page was refused."""

    def decoratore(predicato: Callable[[Any], bool]) -> Callable[[Any], bool]:
        predicato.riservata_a = descrizione  # type: ignore[attr-defined]
        return predicato

    return decoratore


def richiede(predicato: Callable[[Any], bool], messaggio: str = "") -> Callable[[Vista], Vista]:
    """Decorator: login required, then `predicato(request.user)`, otherwise PermissionDenied (403).

    The 403 says why: `messaggio`, else whom the predicate admits (see `riservata_a`); the 403 page
    adds the user's pending role requests and what to do (templates/403.html)."""

    def decoratore(vista: Vista) -> Vista:
        @login_required
        @wraps(vista)
        def controllata(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not predicato(request.user):
                motivo = messaggio
                chi = getattr(predicato, "riservata_a", "")
                if not motivo and chi:
                    motivo = gettext("Questa pagina è riservata %(chi)s.") % {"chi": chi}
                raise PermissionDenied(motivo) if motivo else PermissionDenied
            return vista(request, *args, **kwargs)

        return controllata  # type: ignore[return-value]

    return decoratore


def nome_da_mostrare(user: Any) -> str:
    """How the portal names a person (ACCOUNT_USER_DISPLAY): full name, else e-mail; never the
    username, which allauth generates from the e-mail and nobody chose."""
    return nome_leggibile(user, None) if getattr(user, "is_authenticated", False) else ""
