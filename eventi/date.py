"""The dates of an event: the widget, one date's form and the formset that keeps each date inside the
event's edition. Apart from eventi.forms so that the admin (loaded by django.setup()) imports no tasks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eventi.models import DataEvento, Evento, fuori_edizione


def con_classi_bootstrap(form: forms.BaseForm) -> None:
    """Bootstrap Italia classes on the widgets (checkboxes and radios keep their own markup)."""
    for campo in form.fields.values():
        widget = campo.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.HiddenInput):
            continue
        classe = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", classe)


class DataOraInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DataEventoForm(forms.ModelForm):
    class Meta:
        model = DataEvento
        fields = ["inizio", "fine"]
        widgets = {"inizio": DataOraInput(), "fine": DataOraInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        con_classi_bootstrap(self)

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        if dati.get("inizio") and dati.get("fine") and dati["fine"] < dati["inizio"]:
            self.add_error("fine", _("La fine non può precedere l'inizio."))
        return dati


class BaseFormDate(forms.BaseInlineFormSet):
    """The dates of an event, each inside the event's edition (as chosen in the same submission: the
    event's form has already put it on the instance)."""

    def clean(self) -> None:
        super().clean()
        edizione = self.instance.edizione if self.instance.edizione_id else None
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk and form.instance.prenotazioni.exists():
                    form.add_error(
                        "DELETE",
                        _("Questa data ha delle prenotazioni: non puoi toglierla (puoi annullare l'evento)."),
                    )
                continue
            messaggio = fuori_edizione(
                edizione, form.cleaned_data.get("inizio"), form.cleaned_data.get("fine")
            )
            if messaggio and "inizio" not in form.errors:
                form.add_error("inizio", messaggio)


FormDate = forms.inlineformset_factory(
    Evento,
    DataEvento,
    form=DataEventoForm,
    formset=BaseFormDate,
    extra=1,
    can_delete=True,
    min_num=1,
    validate_min=True,
)
