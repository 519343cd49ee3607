"""Forms of the territory app."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# A whole national state-school file is about 20 MB uncompressed; leave room, refuse anything absurd.
DIMENSIONE_MASSIMA = 40 * 1024 * 1024
MAX_FILE = 6
ESTENSIONI = (".csv", ".csv.gz", ".gz")


class InputFileMultipli(forms.ClearableFileInput):
    allow_multiple_selected = True


class CampoFileMultipli(forms.FileField):
    """Several files in one field (the pattern of Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", InputFileMultipli(attrs={"accept": ".csv,.gz,text/csv,application/gzip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not isinstance(data, list | tuple):
            data = [data] if data else []
        if not data:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(CampoFileMultipli, self).clean(d, initial) for d in data]


class ImportaScuoleForm(forms.Form):
    """Upload of Ministry registry files (the same service as `manage.py importa_scuole`)."""

    file = CampoFileMultipli(
        label=_("File dell'anagrafe scuole"),
    )
    strict = forms.BooleanField(
        label=_("Modalità rigorosa: non importare nulla se anche una sola riga non è valida"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "I file CSV pubblicati dal Ministero (SCUANAGRAFESTAT…, SCUANAGRAFEPAR…, e quelli degli "
            "studenti per scuola, ALUNNI…), anche compressi (.csv.gz); al massimo %(n)s file di "
            "%(dimensione)s ciascuno."
        ) % {"n": MAX_FILE, "dimensione": filesizeformat(DIMENSIONE_MASSIMA)}

    def clean_file(self):
        files = self.cleaned_data["file"]
        if len(files) > MAX_FILE:
            raise forms.ValidationError(_("Carica al massimo %(n)s file per volta.") % {"n": MAX_FILE})
        for f in files:
            if not f.name.lower().endswith(ESTENSIONI):
                raise forms.ValidationError(
                    _("%(nome)s: sono accettati solo file .csv o .csv.gz.") % {"nome": f.name}
                )
            if f.size > DIMENSIONE_MASSIMA:
                raise forms.ValidationError(
                    _("%(nome)s supera la dimensione massima di %(max)s.")
                    % {"nome": f.name, "max": filesizeformat(DIMENSIONE_MASSIMA)}
                )
        if sum(f.size for f in files) > 2 * DIMENSIONE_MASSIMA:
            raise forms.ValidationError(
                _("I file insieme superano %(max)s: caricali in più volte.")
                % {"max": filesizeformat(2 * DIMENSIONE_MASSIMA)}
            )
        return files
