"""A person's preferred language: recorded at signup, on the profile page and when they switch
language while logged in; read by every sender of e-mails (alternanza.core.email.LINGUA_UTENTE)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alternanza.utenti.models import Preferenze

LINGUE = dict(settings.LANGUAGES)


def imposta_lingua(utente: Any, lingua: str | None) -> None:
    """Store `lingua` for `utente` (ignored when it is not one of the portal's languages)."""
    if lingua in LINGUE and getattr(utente, "pk", None):
        Preferenze.objects.update_or_create(utente_id=utente.pk, defaults={"lingua": lingua})


def lingua_di(utente: Any) -> str:
    """The person's language for e-mails (the portal's default when none is stored)."""
    if getattr(utente, "pk", None):
        trovata = Preferenze.objects.filter(utente_id=utente.pk).values_list("lingua", flat=True).first()
        if trovata:
            return trovata
    return settings.LANGUAGE_CODE


class LinguaForm(forms.Form):
    lingua = forms.ChoiceField(
        label=_("Lingua delle e-mail che ricevi dal portale"), choices=settings.LANGUAGES
    )


class LinguaPreferitaMiddleware:
    """When a logged-in person switches the portal's language (Django's set_language view), their
    e-mails follow: the choice is stored as their preference. Runs only on that POST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "POST"
            and match is not None
            and match.url_name == "set_language"
            and response.status_code in (302, 303)
            and request.user.is_authenticated
        ):
            imposta_lingua(request.user, request.POST.get("language"))
        return response
