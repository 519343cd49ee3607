"""Forms of the reports: the request (scoped to what the user may report on) and the send to bodies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alternanza.core.anno_scolastico import anno_precedente, anno_scolastico_di
from alternanza.core.tipi import Utente, campo_di
from alternanza.report.models import OrganoGovernance, PianificazioneReport, ReportJob, TipoReport
from distretti.models import AmbitoTematico, Distretto, Livello
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


class SceltaOrgani(forms.ModelMultipleChoiceField):
    """Bodies as checkboxes whose label shows the addresses the e-mail will go to."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.nome} – {', '.join(obj.indirizzi)}"


class InvioOrganiForm(forms.Form):
    organi = SceltaOrgani(
        label=_("Organi di governance"),
        queryset=OrganoGovernance.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accanto a ogni organo, gli indirizzi che riceveranno l'e-mail."),
        error_messages={"required": _("Scegli almeno un organo a cui inviare il report.")},
    )
    protocollo = forms.CharField(
        label=_("Numero di protocollo"),
        max_length=100,
        required=False,
        help_text=_("Facoltativo: compare nell'oggetto e nel testo dell'e-mail."),
    )
    messaggio = forms.CharField(
        label=_("Messaggio di accompagnamento"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facoltativo: precede il link al report."),
    )

    def __init__(self, *args: Any, job: ReportJob, tutti_distretti: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organi = OrganoGovernance.objects.filter(attivo=True).select_related("distretto")
        if job.distretto_id:
            organi = organi.filter(Q(distretto__isnull=True) | Q(distretto_id=job.distretto_id))
        campo = campo_di(self, "organi", forms.ModelMultipleChoiceField)
        campo.queryset = organi.order_by("distretto__nome", "nome")
        if tutti_distretti:
            # "All the districts' bodies" in one click: they are ticked, and shown, before sending.
            self.initial["organi"] = [o.pk for o in campo.queryset if o.distretto_id is not None]

    def clean_protocollo(self) -> str:
        return " ".join(self.cleaned_data.get("protocollo", "").split())


class OrganoForm(forms.ModelForm):
    class Meta:
        model = OrganoGovernance
        fields = ["nome", "tipo", "distretto", "destinatari", "attivo"]
        widgets = {"destinatari": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campo_di(self, "distretto", forms.ModelChoiceField).queryset = Distretto.objects.order_by("nome")


class PianificazioneForm(forms.ModelForm):
    class Meta:
        model = PianificazioneReport
        fields = [
            "nome",
            "tipo",
            "distretto",
            "ambito",
            "frequenza",
            "giorno",
            "mese",
            "ora",
            "organi",
            "attiva",
        ]
        widgets = {"organi": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campo_di(self, "distretto", forms.ModelChoiceField).queryset = Distretto.objects.order_by("nome")
        campo_di(self, "ambito", forms.ModelChoiceField).queryset = AmbitoTematico.objects.order_by(
            "ordine", "nome"
        )
        organi = campo_di(self, "organi", forms.ModelMultipleChoiceField)
        organi.queryset = OrganoGovernance.objects.filter(attivo=True).order_by("distretto__nome", "nome")
        organi.label_from_instance = SceltaOrgani.label_from_instance.__get__(organi)  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        if dati.get("tipo") != TipoReport.DISTRETTO:
            dati["distretto"] = None
            self.instance.distretto = None
        if dati.get("tipo") != TipoReport.TEMATICO:
            dati["ambito"] = None
            self.instance.ambito = None
        if dati.get("frequenza") == PianificazioneReport.Frequenza.MENSILE:
            dati["mese"] = None
            self.instance.mese = None
        return dati


class CruscottoForm(forms.Form):
    """The dashboard's selection: school year, district (offices: theirs), thematic area, school level."""

    anno = forms.ChoiceField(label=_("Anno scolastico"), required=False)
    distretto = forms.ModelChoiceField(
        label=_("Distretto"),
        queryset=Distretto.objects.none(),
        required=False,
        empty_label=_("Tutti i distretti"),
    )
    ambito = forms.ModelChoiceField(
        label=_("Ambito tematico"),
        queryset=AmbitoTematico.objects.order_by("ordine", "nome"),
        required=False,
        empty_label=_("Tutti gli ambiti"),
    )
    livello = forms.ChoiceField(
        label=_("Livello scolastico"),
        choices=[("", _("Tutti i livelli")), *Livello.choices],
        required=False,
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
