"""Forms of the network: staff management, organisation profiles, offers and interests, import upload.

Organisations and schools are chosen by search (alternanza.core.scelta: name, P.IVA / codice fiscale,
codice meccanografico): with 20,000 organisations a <select> would be unusable and slow to render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from alternanza.core.immagini import Regole, ricodifica
from alternanza.core.moduli import ConservaFile
from alternanza.core.scelta import SceltaField
from alternanza.core.tipi import Utente, campo_di
from distretti.models import Comune, Scuola
from distretti.scelta import COMUNI, SCUOLE
from partnership.models import (
    Accordo,
    Convenzione,
    DocumentoAccordo,
    InteresseOfferta,
    OffertaOspitalita,
    Organizzazione,
    Partnership,
)
from partnership.scelta import ORGANIZZAZIONI
from partnership.validatori import normalizza_codice_fiscale

LOGO_MAX_BYTES = 2 * 1024 * 1024
# Logos are public media: re-encoded like every other image (EXIF and appended payloads gone).
REGOLE_LOGO = Regole(
    max_byte=LOGO_MAX_BYTES,
    lato_massimo=800,
    formati=frozenset({"JPEG", "PNG", "WEBP", "GIF"}),
    messaggio_formato=_("Formato non ammesso: usa JPEG, PNG, WebP o GIF."),
    nome_predefinito="logo",
)
DATA = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _organizzazioni(label: Any, **kwargs: Any) -> SceltaField:
    # The queryset is set per user by _ConScelte.
    return SceltaField(label=label, sorgente=ORGANIZZAZIONI, queryset=Organizzazione.objects.none(), **kwargs)


def _scuole(label: Any, **kwargs: Any) -> SceltaField:
    return SceltaField(label=label, sorgente=SCUOLE, queryset=Scuola.objects.none(), **kwargs)


class _ConScelte:
    """Forms whose parties are chosen by search: each SceltaField offers what the user may choose
    (the same querysets as the search endpoints), plus what the edited object already holds."""

    def _scelte_per(self, user: Utente | None) -> None:
        assert isinstance(self, forms.BaseForm)
        for nome, campo in self.fields.items():
            if not isinstance(campo, SceltaField):
                continue
            if campo.sorgente is ORGANIZZAZIONI:
                campo.queryset = Organizzazione.objects.visibili_a(user)  # type: ignore[arg-type]
            else:
                campo.queryset = Scuola.objects.sceglibili_da(user)  # type: ignore[arg-type]
            campo.aggiungi_attuali(self.initial.get(nome))


def _controlla_logo(logo):
    if logo and hasattr(logo, "size") and logo.size > LOGO_MAX_BYTES:
        raise ValidationError(_("Il logo supera il limite di 2 MB."))
    if logo and hasattr(logo, "content_type"):  # a new upload (not the stored file)
        return ricodifica(logo, REGOLE_LOGO)
    return logo


class OrganizzazioneForm(ConservaFile, forms.ModelForm):
    """Staff: every field of an organisation."""

    sito_web = forms.URLField(label=_("sito web"), required=False, assume_scheme="https")
    comune = SceltaField(
        label=_("comune"),
        sorgente=COMUNI,
        queryset=Comune.objects.all(),
        required=False,
        help_text=_("Vuoto se la sede è fuori dalla Città metropolitana."),
    )

    class Meta:
        model = Organizzazione
        fields = [
            "nome",
            "tipo",
            "codice_fiscale",
            "codice_ateco",
            "aree_s3",
            "comune",
            "comune_esterno",
            "indirizzo",
            "sito_web",
            "contatto_nome",
            "contatto_email",
            "contatto_telefono",
            "profilo",
            "logo",
            "pubblica",
            "partner_istituzionale",
            "ruolo_rete",
        ]
        widgets = {"aree_s3": forms.CheckboxSelectMultiple}

    def clean_codice_fiscale(self):
        codice = normalizza_codice_fiscale(self.cleaned_data.get("codice_fiscale", ""))
        if codice:
            # The constraint organizzazione_cf_unico, said at the field with the organisation that has it
            # (this form is staff's: they may open it).
            esistente = (
                Organizzazione.objects.filter(codice_fiscale=codice).exclude(pk=self.instance.pk).first()
            )
            if esistente is not None:
                raise forms.ValidationError(
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("Esiste già un'organizzazione con questo codice fiscale o partita IVA:"),
                        esistente.get_absolute_url(),
                        esistente.nome,
                    ),
                    code="organizzazione_cf_unico",
                )
        return codice

    def clean_logo(self):
        return _controlla_logo(self.cleaned_data.get("logo"))

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        if dati.get("comune") and dati.get("comune_esterno"):
            self.add_error(
                "comune_esterno", _("Indica il comune fuori Città metropolitana solo se il comune è vuoto.")
            )
        return dati


class ProfiloOrganizzazioneForm(OrganizzazioneForm):
    """The organisation contact edits the public profile, never the tax identity nor the partner role."""

    class Meta(OrganizzazioneForm.Meta):
        fields = [
            "aree_s3",
            "indirizzo",
            "sito_web",
            "contatto_nome",
            "contatto_email",
            "contatto_telefono",
            "profilo",
            "logo",
            "pubblica",
        ]


class AccordoForm(_ConScelte, forms.ModelForm):
    organizzazioni = _organizzazioni(_("Organizzazioni firmatarie"), required=False, multipla=True)
    scuole = _scuole(_("Scuole firmatarie"), required=False, multipla=True)

    class Meta:
        model = Accordo
        fields = [
            "titolo",
            "tipo",
            "stato",
            "organizzazioni",
            "distretti",
            "scuole",
            "data_firma",
            "valido_dal",
            "valido_al",
            "note",
        ]
        widgets = {
            "distretti": forms.CheckboxSelectMultiple,
            "data_firma": DATA,
            "valido_dal": DATA,
            "valido_al": DATA,
        }

    def __init__(self, *args: Any, user: Utente | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scelte_per(user)


class DocumentoAccordoForm(ConservaFile, forms.ModelForm):
    class Meta:
        model = DocumentoAccordo
        fields = ["titolo", "file"]


DocumentiFormSet: type[BaseInlineFormSet] = inlineformset_factory(
    Accordo, DocumentoAccordo, form=DocumentoAccordoForm, extra=1, can_delete=True, max_num=20
)


class PartnershipForm(_ConScelte, forms.ModelForm):
    organizzazioni = _organizzazioni(_("Organizzazioni"), required=False, multipla=True)
    scuole = _scuole(_("Scuole"), required=False, multipla=True)
    promotore_scuola = _scuole(_("Scuola promotrice"), required=False)
    promotore_organizzazione = _organizzazioni(_("Partner promotore"), required=False)

    class Meta:
        model = Partnership
        fields = [
            "titolo",
            "descrizione",
            "livello",
            "distretti",
            "scuole",
            "organizzazioni",
            "ambiti",
            "data_inizio",
            "data_fine",
            "stato",
            "promossa_da",
            "promotore_scuola",
            "promotore_distretto",
            "promotore_organizzazione",
            "pubblicata",
        ]
        widgets = {
            "distretti": forms.CheckboxSelectMultiple,
            "ambiti": forms.CheckboxSelectMultiple,
            "data_inizio": DATA,
            "data_fine": DATA,
        }

    def __init__(self, *args: Any, user: Utente | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scelte_per(user)

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        distretti = dati.get("distretti") or []
        livello = dati.get("livello")
        n = len(distretti)
        if livello == Partnership.Livello.DISTRETTUALE and n != 1:
            self.add_error("distretti", _("Una partnership distrettuale coinvolge un solo distretto."))
        elif livello == Partnership.Livello.INTERDISTRETTUALE and n < 2:
            self.add_error(
                "distretti", _("Una partnership interdistrettuale coinvolge almeno due distretti.")
            )
        promotore = {
            Partnership.Promotore.SCUOLA: "promotore_scuola",
            Partnership.Promotore.DISTRETTO: "promotore_distretto",
            Partnership.Promotore.PARTNER: "promotore_organizzazione",
        }.get(dati.get("promossa_da", ""))
        if promotore and not dati.get(promotore):
            self.add_error(promotore, _("Indica chi ha promosso la partnership."))
        return dati


class ConvenzioneForm(ConservaFile, _ConScelte, forms.ModelForm):
    scuola = _scuole(_("Scuola"))
    organizzazione = _organizzazioni(_("Organizzazione ospitante"))

    class Meta:
        model = Convenzione
        fields = [
            "scuola",
            "organizzazione",
            "numero",
            "data_firma",
            "scadenza",
            "pdf_firmato",
            "sezione_dvr",
            "dvr_allegato",
            "patto_formativo",
            "note",
        ]
        widgets = {"data_firma": DATA, "scadenza": DATA}

    def __init__(self, *args, scuole_ammesse=None, user: Utente | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # None = any school (staff); otherwise the coordinator's own schools.
        self.scuole_ammesse = scuole_ammesse
        self._scelte_per(user)

    def clean_scuola(self):
        scuola = self.cleaned_data.get("scuola")
        if scuola and self.scuole_ammesse is not None and scuola.pk not in self.scuole_ammesse:
            raise ValidationError(_("Puoi registrare convenzioni solo per la tua scuola."))
        return scuola

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        if not dati.get("sezione_dvr") and not dati.get("dvr_allegato") and not self.instance.dvr_allegato:
            self.add_error(
                "sezione_dvr",
                _(
                    "Dal 2023 la convenzione riporta la valutazione dei rischi (DVR): "
                    "compilala o allega l'estratto."
                ),
            )
        return dati


class OffertaForm(forms.ModelForm):
    comune = SceltaField(label=_("comune"), sorgente=COMUNI, queryset=Comune.objects.all(), required=False)

    class Meta:
        model = OffertaOspitalita
        fields = [
            "organizzazione",
            "titolo",
            "descrizione",
            "posti",
            "data_inizio",
            "data_fine",
            "area_s3",
            "comune",
            "requisiti",
            "attiva",
        ]
        widgets = {"data_inizio": DATA, "data_fine": DATA}

    def __init__(
        self,
        *args: Any,
        organizzazioni: QuerySet[Organizzazione] | None = None,
        tutte: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if tutte:
            # Staff may pick any of 20,000 organisations: by search, not from a <select>.
            self.fields["organizzazione"] = SceltaField(
                label=_("Organizzazione"), sorgente=ORGANIZZAZIONI, queryset=Organizzazione.objects.all()
            )
        else:
            campo_di(self, "organizzazione", forms.ModelChoiceField).queryset = (
                organizzazioni if organizzazioni is not None else Organizzazione.objects.none()
            )
        if self.instance.pk:
            # The organisation of an existing offer does not change.
            self.fields["organizzazione"].disabled = True
        # The browser's bound matches the constraint offerta_posti_positivi (at least one place).
        self.fields["posti"].widget.attrs["min"] = 1


class InteresseForm(forms.ModelForm):
    class Meta:
        model = InteresseOfferta
        fields = ["scuola", "studenti", "messaggio"]

    def __init__(self, *args: Any, scuole: QuerySet[Scuola] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campo_di(self, "scuola", forms.ModelChoiceField).queryset = (
            scuole if scuole is not None else Scuola.objects.none()
        )
        if scuole is not None and len(scuole) == 1:
            self.fields["scuola"].initial = scuole[0].pk


class ImportaOrganizzazioniForm(ConservaFile, forms.Form):
    file = forms.FileField(
        label=_("File CSV o XLSX"), help_text=_("Colonne: nome, tipo, codice_fiscale, codice_ateco, …")
    )
    rigoroso = forms.BooleanField(
        label=_("Rigoroso"), required=False, help_text=_("Se una riga ha errori non importare nulla.")
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        nome = f.name.lower()
        if not nome.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Carica un file .csv o .xlsx."))
        if f.size > 20 * 1024 * 1024:
            raise ValidationError(_("Il file supera il limite di 20 MB."))
        return f
