"""Addresses the portal mints: unique slugs for records that appear in public URLs."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Field, Model, QuerySet
from django.utils.text import slugify

# Room left at the end of the field for the "-2", "-3"… suffix of a clash.
_SPAZIO_SUFFISSO = 10


def slug_unico(
    queryset: QuerySet[Model],
    testo: str,
    *,
    predefinito: str,
    riservati: Collection[str] = (),
    campo: str = "slug",
) -> str:
    """A slug for `testo` not yet used in `queryset` (suffix -2, -3… on clashes).

    The slug fits the model's `campo` field; `predefinito` stands in for a text with no usable
    characters, and is appended to a slug in `riservati` (a path the app's URLs already use).
    """
    campo_modello = queryset.model._meta.get_field(campo)
    if not isinstance(campo_modello, Field) or campo_modello.max_length is None:
        raise TypeError(f"{queryset.model.__name__}.{campo} is not a field with a max_length")
    limite = campo_modello.max_length - _SPAZIO_SUFFISSO
    base = slugify(testo)[:limite] or predefinito
    if base in riservati:
        base = f"{base}-{predefinito}"[:limite]
    slug, n = base, 2
    while queryset.filter(**{campo: slug}).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
