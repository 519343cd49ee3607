"""Filters of the school lists (django-filter): bookmarkable GET parameters."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alternanza.core import ricerca
from distretti.models import Livello, Scuola


class ScuoleDelDistrettoFilter(django_filters.FilterSet):
    """Schools of one district by level, comune, kind and name.

    The comune choices come from the district's comuni already loaded by the view (no extra query);
    `riservato` adds the filter on the active flag, for staff and the district's office.
    """

    q = django_filters.CharFilter(method="cerca", label=_("Nome"))
    livello = django_filters.ChoiceFilter(choices=Livello.choices, label=_("Grado"), empty_label=_("Tutti"))
    comune = django_filters.ChoiceFilter(field_name="comune_id", label=_("Comune"), empty_label=_("Tutti"))
    statale = django_filters.ChoiceFilter(
        choices=[("1", _("Statale")), ("0", _("Paritaria"))],
        method="filtra_si_no",
        label=_("Tipo"),
        empty_label=_("Tutte"),
    )
    attiva = django_filters.ChoiceFilter(
        choices=[("1", _("Attive")), ("0", _("Non più attive"))],
        method="filtra_si_no",
        label=_("Stato nell'anagrafe"),
        empty_label=_("Tutte"),
    )

    class Meta:
        model = Scuola
        fields = ["q", "livello", "comune", "statale", "attiva"]

    def cerca(self, queryset, name, value):
        # Words in any order, word forms, typos ("liceo righi"), or the code (alternanza.core.ricerca).
        codice = value.strip().upper()
        return ricerca.cerca(
            queryset,
            value,
            testi=("denominazione",),
            nome="denominazione",
            altri=Q(codice_meccanografico=codice),
        )

    def __init__(self, *args, comuni=(), riservato: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["comune"].extra["choices"] = [(c.pk, c.nome) for c in comuni]
        if not riservato:
            del self.filters["attiva"]

    def filtra_si_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "1"})
