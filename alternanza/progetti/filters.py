"""django-filter set of the public showcase (and of the open-data export of projects).

Many-to-many filters use `pk__in` subqueries, never joins, so rows are not duplicated and the page keeps
one COUNT and one SELECT whatever the filters. Schools and organisations are filtered by code / name
typed by the visitor: thousands of options would not fit in a drop-down.
"""

from __future__ import annotations

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import anno_scolastico_di, anno_successivo
from alternanza.progetti.models import (
    Progetto,
    ProgettoOrganizzazione,
)
from alternanza.progetti.ricerca import cerca
from distretti.models import AmbitoTematico, Comune, Distretto
from partnership.models import AreaS3

PRIMO_ANNO = "2022/23"


def anni_scolastici() -> list[tuple[str, str]]:
    """School years offered by the filter, newest first (no query)."""
    anni, anno = [], PRIMO_ANNO
    ultimo = anno_successivo(anno_scolastico_di())
    while anno <= ultimo:
        anni.append((anno, anno))
        anno = anno_successivo(anno)
    return list(reversed(anni))


def scelte_dei_filtri() -> dict[str, list[tuple[str, str]]]:
    """Choices of the drop-downs, from the cache (they change only with the territory data): rendering a
    ModelChoiceField would cost one query per drop-down on every showcase page."""
    from django.core.cache import cache

    scelte = cache.get("progetti:filtri:scelte")
    if scelte is None:
        scelte = {
            "distretto": list(Distretto.objects.values_list("slug", "nome")),
            "comune": [(str(pk), nome) for pk, nome in Comune.objects.values_list("pk", "nome")],
            "ambito": list(AmbitoTematico.objects.values_list("slug", "nome")),
            "area_s3": list(AreaS3.objects.values_list("slug", "nome")),
        }
        cache.set("progetti:filtri:scelte", scelte, 10 * 60)
    # Data-migration names, translated in the project catalog (vocabolari.py).
    scelte["ambito"] = [(slug, gettext(nome)) for slug, nome in scelte["ambito"]]
    return scelte


class ProgettoFilter(df.FilterSet):
    q = df.CharFilter(label=_("Cerca nei progetti"), method="filtra_testo")
    distretto = df.ChoiceFilter(
        empty_label=_("Tutti i distretti"),
        label=_("Distretto"),
        field_name="distretto__slug",
    )
    comune = df.ChoiceFilter(empty_label=_("Tutti i comuni"), label=_("Comune"), method="filtra_comune")
    scuola = df.CharFilter(label=_("Scuola (codice meccanografico o nome)"), method="filtra_scuola")
    ambito = df.ChoiceFilter(
        empty_label=_("Tutti gli ambiti"),
        label=_("Ambito tematico"),
        method="filtra_ambito",
    )
    area_s3 = df.ChoiceFilter(
        empty_label=_("Tutte le aree S3"),
        label=_("Area S3"),
        method="filtra_area",
    )
    anno = df.ChoiceFilter(
        empty_label=_("Tutti gli anni"),
        label=_("Anno scolastico"),
        field_name="anno_scolastico",
        choices=anni_scolastici,
    )
    ospitante = df.CharFilter(label=_("Organizzazione ospitante"), method="filtra_ospitante")

    class Meta:
        model = Progetto
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices are read once per page. Given as a callable, a choice field calls it again each time
        # they are iterated (validation, then each widget's rendering): four cache reads, every one
        # unpickling all the lists, for each drop-down of every showcase page.
        scelte = scelte_dei_filtri()
        for nome in ("distretto", "comune", "ambito", "area_s3"):
            self.filters[nome].extra["choices"] = scelte[nome]

    def filtra_testo(self, queryset, name, value):
        return cerca(queryset, value)

    def filtra_comune(self, queryset, name, value):
        # A project is "in" a comune if it takes place there or its school is there.
        luoghi = Progetto.comuni.through.objects.filter(comune_id=value).values("progetto_id")
        return queryset.filter(Q(pk__in=luoghi) | Q(scuola__comune_id=value))

    def filtra_scuola(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(scuola__codice_meccanografico__iexact=value) | Q(scuola__denominazione__icontains=value)
        )

    def filtra_ambito(self, queryset, name, value):
        return queryset.filter(
            pk__in=Progetto.ambiti.through.objects.filter(ambitotematico__slug=value).values("progetto_id")
        )

    def filtra_area(self, queryset, name, value):
        return queryset.filter(
            pk__in=Progetto.aree_s3.through.objects.filter(areas3__slug=value).values("progetto_id")
        )

    def filtra_ospitante(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        ospitanti = ProgettoOrganizzazione.objects.filter(
            ruolo=ProgettoOrganizzazione.Ruolo.OSPITANTE
        ).filter(Q(organizzazione__slug=value) | Q(organizzazione__nome__icontains=value))
        return queryset.filter(pk__in=ospitanti.values("progetto_id"))
