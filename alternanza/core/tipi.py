"""Type names shared by every app: who a request's user may be, and typed access to form fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeVar

from django import forms

if TYPE_CHECKING:
    # Not imported at run time: this module may load before the app registry is ready.
    from django.contrib.auth.models import AnonymousUser, User

# `request.user`: a signed-in account or the anonymous visitor. The account is the configured user model
# (django-stubs checks lookups such as `filter(utente=user)` against it, which AbstractBaseUser fails).
Utente: TypeAlias = "User | AnonymousUser"

_Campo = TypeVar("_Campo", bound=forms.Field)


def campo_di(form: forms.BaseForm, nome: str, tipo: type[_Campo]) -> _Campo:
    """The form's field `nome` as the class it is declared with.

    `form.fields` is typed as plain `Field`; forms that narrow a queryset or the choices at run time
    ask for the field through here so the attribute they set is checked.
    """
    trovato = form.fields[nome]
    if not isinstance(trovato, tipo):
        raise TypeError(f"{type(form).__name__}.{nome} is a {type(trovato).__name__}, not a {tipo.__name__}")
    return trovato
