"""Access helpers of the accounts views: decorators that answer 403 for a visible but forbidden page."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from distretti.permissions import ambito_di, puo_decidere_richieste


def solo_staff(view):
    """Staff of the Città metropolitana (or superuser) only; others 403, anonymous to the login."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not ambito_di(request.user).staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def solo_approvatori(view):
    """Staff and district offices only (those who decide role requests)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not puo_decidere_richieste(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
