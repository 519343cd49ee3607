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
from distretti.models import Comune, Livello, Scuola
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
from partnership.validatori import normalizza_codice_fiscale, sezioni_ateco

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
                campo.queryset = Organizzazione.objects.sceglibili_da(user)  # type: ignore[arg-type]
            else:
                campo.queryset = Scuola.objects.sceglibili_da(user)  # type: ignore[arg-type]
            campo.aggiungi_attuali(self.initial.get(nome))


def aiuto_proponi() -> str:
    """The help of a host field for school coordinators: search, or propose the host not found in the
    fieldset of the same form (ProponiInlineForm, anchor #nuova-ospitante), so nothing typed is lost."""
    return format_html(
        '{} <a href="#nuova-ospitante">{}</a>',
        _("Scrivi parte del nome, la partita IVA o il codice fiscale e scegli tra i risultati."),
        _("Non la trovi? Proponila qui sotto."),
    )


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
        if scuole_ammesse:
            self.fields["organizzazione"].help_text = aiuto_proponi()

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
            "livelli",
            "indirizzi",
            "classi",
            "ore_settimanali",
            "modalita",
            "scadenza_candidature",
            "tutor_nome",
            "tutor_email",
            "sezione_ateco",
            "attiva",
        ]
        widgets = {"data_inizio": DATA, "data_fine": DATA, "scadenza_candidature": DATA}

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
            campo = campo_di(self, "organizzazione", forms.ModelChoiceField)
            campo.queryset = organizzazioni if organizzazioni is not None else Organizzazione.objects.none()
            if organizzazioni is not None and not self.instance.pk:
                proprie = list(organizzazioni.values_list("pk", flat=True)[:2])
                if len(proprie) == 1:  # a contact of one organisation publishes for it
                    campo.initial = proprie[0]
        if self.instance.pk:
            # The organisation of an existing offer does not change.
            self.fields["organizzazione"].disabled = True
        # The browser's bound matches the constraint offerta_posti_positivi (at least one place).
        self.fields["posti"].widget.attrs["min"] = 1
        self.fields["livelli"] = forms.MultipleChoiceField(
            label=_("Livelli scolastici"),
            choices=Livello.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Vuoto: adatta a ogni livello."),
        )
        self.fields["modalita"].required = False  # in person unless said otherwise
        self.fields["sezione_ateco"] = forms.ChoiceField(
            label=_("Settore ATECO"),
            choices=[("", _("Quello dell'organizzazione")), *sezioni_ateco()],
            required=False,
        )

    def clean_modalita(self):
        return self.cleaned_data.get("modalita") or OffertaOspitalita.Modalita.PRESENZA

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        scadenza, fine = dati.get("scadenza_candidature"), dati.get("data_fine")
        if scadenza and fine and scadenza > fine:
            self.add_error(
                "scadenza_candidature", _("La scadenza per l'interesse non può seguire la fine dell'offerta.")
            )
        return dati


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
        label=_("File CSV o XLSX"),
        help_text=_(
            "Colonne: nome, tipo, codice_fiscale, codice_ateco, … Un CSV si può caricare anche compresso "
            "(.csv.gz, fino a 50 MB una volta decompresso)."
        ),
    )
    rigoroso = forms.BooleanField(
        label=_("Rigoroso"), required=False, help_text=_("Se una riga ha errori non importare nulla.")
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        nome = f.name.lower()
        if not nome.endswith((".csv", ".csv.gz", ".xlsx")):
            raise ValidationError(_("Carica un file .csv, .csv.gz o .xlsx."))
        if f.size > 20 * 1024 * 1024:
            raise ValidationError(_("Il file supera il limite di 20 MB."))
        return f


class ProponiOrganizzazioneForm(forms.ModelForm):
    """A host a school coordinator did not find: the few fields the office needs to check it."""

    comune = SceltaField(
        label=_("comune"),
        sorgente=COMUNI,
        queryset=Comune.objects.all(),
        required=False,
        help_text=_("Il comune della sede. Vuoto se è fuori dalla Città metropolitana."),
    )
    scuola = forms.ModelChoiceField(label=_("Scuola che la propone"), queryset=Scuola.objects.none())

    class Meta:
        model = Organizzazione
        fields = ["nome", "tipo", "codice_fiscale", "comune", "comune_esterno", "codice_ateco", "sito_web"]

    def __init__(
        self, *args: Any, scuole: QuerySet[Scuola] | None = None, user: Utente | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        campo = campo_di(self, "scuola", forms.ModelChoiceField)
        campo.queryset = scuole if scuole is not None else Scuola.objects.none()
        if scuole is not None and len(scuole) == 1:
            campo.initial = scuole[0].pk
        self.fields["codice_fiscale"].required = True
        self.fields["codice_fiscale"].help_text = _(
            "Partita IVA (11 cifre) o codice fiscale (16 caratteri): serve a non registrare due volte la "
            "stessa organizzazione."
        )

    def clean_codice_fiscale(self):
        codice = normalizza_codice_fiscale(self.cleaned_data.get("codice_fiscale", ""))
        esistente = Organizzazione.objects.filter(codice_fiscale=codice).first() if codice else None
        if esistente is not None:
            # organizzazione_cf_unico, said at the field; the name only if the user may see it.
            visibile = (
                self.user is not None
                and Organizzazione.objects.sceglibili_da(self.user).filter(pk=esistente.pk).exists()
            )
            if visibile:
                raise forms.ValidationError(
                    _(
                        "Esiste già un'organizzazione con questo codice fiscale o partita IVA: «%(nome)s». "
                        "Cercala per nome o codice nel modulo."
                    ),
                    code="organizzazione_cf_unico",
                    params={"nome": esistente.nome},
                )
            raise forms.ValidationError(
                _(
                    "Esiste già un'organizzazione con questo codice fiscale o partita IVA, non ancora "
                    "visibile alla tua scuola: scrivi all'ufficio tecnico del distretto."
                ),
                code="organizzazione_cf_unico",
            )
        return codice

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        if dati.get("comune") and dati.get("comune_esterno"):
            self.add_error(
                "comune_esterno", _("Indica il comune fuori Città metropolitana solo se il comune è vuoto.")
            )
        elif not dati.get("comune") and not dati.get("comune_esterno") and "comune" not in self.errors:
            self.add_error("comune", _("Indica il comune della sede (o quello fuori Città metropolitana)."))
        return dati


class ProponiInlineForm(ProponiOrganizzazioneForm):
    """The same proposal as a fieldset inside another form (project, convenzione), so a coordinator who
    does not find the host proposes it without leaving the form and without losing what was typed.

    Used only when filled in (any of its fields): otherwise it is valid and does nothing. The school is
    the one of the project or convenzione being saved, not a field of its own."""

    prefix = "nuova_ospitante"

    class Meta(ProponiOrganizzazioneForm.Meta):
        fields = ["nome", "codice_fiscale", "comune", "comune_esterno", "codice_ateco"]

    def __init__(self, *args: Any, user: Utente | None = None, **kwargs: Any) -> None:
        # Its fields are required only once the fieldset is used: no `required` attribute in the page.
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, user=user, **kwargs)
        del self.fields["scuola"]
        self.fields["nome"].label = _("Nome dell'organizzazione")
        self.fields["comune"].label = _("Comune")

    @property
    def compilata(self) -> bool:
        return self.is_bound and any(
            str(self.data.get(self.add_prefix(nome), "")).strip() for nome in self.Meta.fields
        )

    def full_clean(self) -> None:
        if not self.compilata:
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()


class CorreggiOrganizzazioneForm(ProponiOrganizzazioneForm):
    """The district office corrects a proposed organisation before confirming it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["scuola"]
        self.fields["codice_fiscale"].required = False  # the office may confirm one it cannot find

    def clean_codice_fiscale(self):
        codice = normalizza_codice_fiscale(self.cleaned_data.get("codice_fiscale", ""))
        esistente = (
            Organizzazione.objects.filter(codice_fiscale=codice).exclude(pk=self.instance.pk).first()
            if codice
            else None
        )
        if esistente is not None:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>. {}',
                    _("Esiste già un'organizzazione con questo codice fiscale o partita IVA:"),
                    esistente.get_absolute_url(),
                    esistente.nome,
                    _("Unisci la proposta a quella."),
                ),
                code="organizzazione_cf_unico",
            )
        return codice


class UnisciForm(forms.Form):
    """The organisation a proposed one duplicates (it is kept; the proposal merges into it)."""

    tenuta = SceltaField(
        label=_("Unisci a"),
        sorgente=ORGANIZZAZIONI,
        queryset=Organizzazione.objects.none(),
        help_text=_(
            "L'organizzazione già registrata che la proposta ripete: progetti, convenzioni e altri "
            "collegamenti passano a quella."
        ),
    )

    def __init__(self, *args: Any, proposta: Organizzazione, user: Utente | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        campo_di(self, "tenuta", SceltaField).queryset = (
            Organizzazione.objects.visibili_a(user).verificate().exclude(pk=proposta.pk)  # type: ignore[arg-type]
        )


class DecisioneInteresseForm(forms.Form):
    nota = forms.CharField(
        label=_("Nota per la scuola"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
