"""Filters of the public event list and calendar (django-filter): every filter is a GET parameter."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.moduli import FiltroConIntervallo
from distretti.models import AmbitoTematico, Comune, Distretto
from eventi.models import Edizione, Evento, Pubblico


def inizio_giorno(giorno) -> datetime:
    return timezone.make_aware(datetime.combine(giorno, time.min))


class FiltroEventi(FiltroConIntervallo, df.FilterSet):
    intervallo = ("da", "a")

    q = df.CharFilter(label=_("Cerca nel titolo e nella descrizione"), method="filtra_testo")
    da = df.DateFilter(label=_("Dal giorno"), method="filtra_da")
    a = df.DateFilter(label=_("Al giorno"), method="filtra_a")
    distretto = df.ModelChoiceFilter(
        label=_("Distretto"),
        queryset=Distretto.objects.all(),
        to_field_name="slug",
        empty_label=_("Tutti i distretti"),
    )
    comune = df.ModelChoiceFilter(
        label=_("Comune"), queryset=Comune.objects.all(), to_field_name="codice_istat", empty_label=_("Tutti")
    )
    pubblico = df.ModelChoiceFilter(
        label=_("Pubblico"),
        field_name="pubblici",
        queryset=Pubblico.objects.all(),
        to_field_name="codice",
        empty_label=_("Tutti"),
    )
    tipo = df.ChoiceFilter(label=_("Tipo di evento"), choices=Evento.Tipo.choices, empty_label=_("Tutti"))
    ambito = df.ModelChoiceFilter(
        label=_("Ambito tematico"),
        field_name="ambiti",
        queryset=AmbitoTematico.objects.all(),
        to_field_name="slug",
        empty_label=_("Tutti"),
    )
    edizione = df.ModelChoiceFilter(
        label=_("Edizione del Festival"),
        queryset=Edizione.objects.filter(stato=Edizione.Stato.PUBBLICATA),
        to_field_name="anno",
        empty_label=_("Tutte"),
    )
    organizzatore = df.CharFilter(
        label=_("Organizzatore (scuola o organizzazione)"), method="filtra_organizzatore"
    )
    # Exact organiser links (from an event page): not shown in the form, honoured in the URL.
    organizzazione = df.CharFilter(field_name="organizzazioni__slug", widget=forms.HiddenInput)
    scuola = df.CharFilter(field_name="scuole__codice_meccanografico", widget=forms.HiddenInput)

    class Meta:
        model = Evento
        fields: list[str] = []

    def filtra_testo(self, queryset, name, value):
        parole = value.split()[:6]
        for parola in parole:
            queryset = queryset.filter(Q(titolo__icontains=parola) | Q(descrizione__icontains=parola))
        return queryset

    def filtra_da(self, queryset, name, value):
        return queryset.filter(fine__gte=inizio_giorno(value))

    def filtra_a(self, queryset, name, value):
        return queryset.filter(inizio__lt=inizio_giorno(value + timedelta(days=1)))

    def filtra_organizzatore(self, queryset, name, value):
        value = value.strip()[:100]
        from django.db.models import Exists, OuterRef

        scuole = Evento.scuole.through.objects.filter(
            evento=OuterRef("pk"), scuola__denominazione__icontains=value
        )
        organizzazioni = Evento.organizzazioni.through.objects.filter(
            evento=OuterRef("pk"), organizzazione__nome__icontains=value
        )
        return queryset.filter(Exists(scuole) | Exists(organizzazioni))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # M2M filters (audience, area, organiser links) may repeat a row: keep events unique.
        dati = self.form.cleaned_data
        if any(dati.get(k) for k in ("pubblico", "ambito", "organizzazione", "scuola")):
            queryset = queryset.distinct()
        return queryset

    # Shown first; the others sit in a <details> that opens when one of them is in use.
    PRINCIPALI = ("q", "da", "a", "distretto", "pubblico", "tipo")

    @property
    def altri_attivi(self) -> bool:
        dati = self.form.cleaned_data if self.form.is_valid() else {}
        return any(v not in (None, "") for k, v in dati.items() if k not in self.PRINCIPALI)
