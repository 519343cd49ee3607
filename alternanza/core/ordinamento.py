"""The sort control of the portal's filter forms, translated per request.

django-filter's OrderingFilter builds its choices when the FilterSet class is defined, at import, and
formats the descending labels there ("%s (descending)" % label): the labels are then frozen in the
language active at import, and English pages show "Nome (decrescente)". Here every label stays lazy, so
each request reads them in its own language.
"""

from __future__ import annotations

from typing import Any

import django_filters as df
from django.forms.utils import pretty_name
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Ordinamento(df.OrderingFilter):
    def build_choices(self, fields: Any, labels: Any) -> list[tuple[str, Any]]:
        crescenti = [(param, labels.get(field, _(pretty_name(param)))) for field, param in fields.items()]
        decrescenti = [
            (f"-{param}", labels.get(f"-{param}", format_lazy(_("{campo} (decrescente)"), campo=etichetta)))
            for param, etichetta in crescenti
        ]
        return [voce for coppia in zip(crescenti, decrescenti, strict=True) for voce in coppia]
