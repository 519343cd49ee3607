"""Forms of the reports: the request (scoped to what the user may report on) and the send to bodies."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import anno_precedente, anno_scolastico_di
from alternanza.report.models import OrganoGovernance, TipoReport
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.ambito_utente = ambito_di(user)
        self.fields["anno_scolastico"].choices = [(a, a) for a in anni_disponibili()]
        if self.ambito_utente.staff:
            self.fields["distretto"].queryset = Distretto.objects.order_by("nome")
        else:
            self.fields["tipo"].choices = [(TipoReport.DISTRETTO, TipoReport.DISTRETTO.label)]
            self.fields["distretto"].queryset = Distretto.objects.filter(
                pk__in=self.ambito_utente.distretti_ufficio
            ).order_by("nome")
            self.fields["distretto"].required = True
            del self.fields["ambito"]

    def clean(self):
        dati = super().clean()
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

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        organi = OrganoGovernance.objects.filter(attivo=True).select_related("distretto")
        if job.distretto_id:
            from django.db.models import Q

            organi = organi.filter(Q(distretto__isnull=True) | Q(distretto_id=job.distretto_id))
        self.fields["organi"].queryset = organi.order_by("distretto__nome", "nome")


class CruscottoForm(forms.Form):
    anno = forms.ChoiceField(label=_("Anno scolastico"), required=False)
    distretto = forms.ModelChoiceField(
        label=_("Distretto"),
        queryset=Distretto.objects.none(),
        required=False,
        empty_label=_("Tutti i distretti"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ambito = ambito_di(user)
        self.fields["anno"].choices = [(a, a) for a in anni_disponibili()]
        if ambito.staff:
            self.fields["distretto"].queryset = Distretto.objects.order_by("nome")
        else:
            self.fields["distretto"].queryset = Distretto.objects.filter(pk__in=ambito.distretti_ufficio)
            self.fields["distretto"].required = True
            self.fields["distretto"].empty_label = None
