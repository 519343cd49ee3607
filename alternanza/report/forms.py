"""Forms of the reports: the request (scoped to what the user may report on) and the send to bodies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import anno_precedente, anno_scolastico_di
from alternanza.core.tipi import Utente, campo_di
from alternanza.report.models import OrganoGovernance, ReportJob, TipoReport
from distretti.models import AmbitoTematico, Distretto
from distretti.permissions import ambito_di


def anni_disponibili(quanti: int = 5) -> list[str]:
    anni = [anno_scolastico_di()]
    while len(anni) < quanti:
        anni.append(anno_precedente(anni[-1]))
    return anni


class RichiestaReportForm(forms.Form):
    """Staff may ask for any kind of report; a district office only for the report of its district."""

    tipo = forms.ChoiceField(label=_("Tipo di report"), choices=TipoReport.choices)
    anno_scolastico = forms.ChoiceField(label=_("Anno scolastico"))
    distretto = forms.ModelChoiceField(
        label=_("Distretto"),
        queryset=Distretto.objects.none(),
        required=False,
        help_text=_("Obbligatorio per il report di distretto."),
    )
    ambito = forms.ModelChoiceField(
        label=_("Ambito tematico"),
        queryset=AmbitoTematico.objects.order_by("ordine", "nome"),
        required=False,
        help_text=_("Obbligatorio per il report tematico."),
    )

    def __init__(self, *args: Any, user: Utente, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ambito_utente = ambito_di(user)
        campo_di(self, "anno_scolastico", forms.ChoiceField).choices = [(a, a) for a in anni_disponibili()]
        distretto = campo_di(self, "distretto", forms.ModelChoiceField)
        if self.ambito_utente.staff:
            distretto.queryset = Distretto.objects.order_by("nome")
        else:
            campo_di(self, "tipo", forms.ChoiceField).choices = [
                (TipoReport.DISTRETTO, TipoReport.DISTRETTO.label)
            ]
            distretto.queryset = Distretto.objects.filter(
                pk__in=self.ambito_utente.distretti_ufficio
            ).order_by("nome")
            distretto.required = True
            del self.fields["ambito"]

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        tipo = dati.get("tipo")
        if tipo == TipoReport.DISTRETTO and not dati.get("distretto"):
            self.add_error("distretto", _("Scegli il distretto del report."))
        if tipo == TipoReport.TEMATICO and not dati.get("ambito"):
            self.add_error("ambito", _("Scegli l'ambito tematico del report."))
        if tipo in (TipoReport.METROPOLITANO, TipoReport.TEMATICO):
            dati["distretto"] = None
        if tipo != TipoReport.TEMATICO:
            dati["ambito"] = None
        return dati


class InvioOrganiForm(forms.Form):
    organi = forms.ModelMultipleChoiceField(
        label=_("Organi di governance"),
        queryset=OrganoGovernance.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Scegli almeno un organo a cui inviare il report.")},
    )

    def __init__(self, *args: Any, job: ReportJob, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organi = OrganoGovernance.objects.filter(attivo=True).select_related("distretto")
        if job.distretto_id:
            organi = organi.filter(Q(distretto__isnull=True) | Q(distretto_id=job.distretto_id))
        campo_di(self, "organi", forms.ModelMultipleChoiceField).queryset = organi.order_by(
            "distretto__nome", "nome"
        )


class CruscottoForm(forms.Form):
    anno = forms.ChoiceField(label=_("Anno scolastico"), required=False)
    distretto = forms.ModelChoiceField(
        label=_("Distretto"),
        queryset=Distretto.objects.none(),
        required=False,
        empty_label=_("Tutti i distretti"),
    )

    def __init__(self, *args: Any, user: Utente, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ambito = ambito_di(user)
        campo_di(self, "anno", forms.ChoiceField).choices = [(a, a) for a in anni_disponibili()]
        distretto = campo_di(self, "distretto", forms.ModelChoiceField)
        if ambito.staff:
            distretto.queryset = Distretto.objects.order_by("nome")
        else:
            distretto.queryset = Distretto.objects.filter(pk__in=ambito.distretti_ufficio)
            distretto.required = True
            distretto.empty_label = None
