"""Forms of the newsletter: subscribe, preferences, issue composition, scheduling, CSV import."""

from __future__ import annotations

from typing import Any

from disposable_email_domains import blocklist
from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.immagini import Regole, ricodifica
from alternanza.core.moduli import ConservaFile
from distretti.models import AmbitoTematico, Distretto

from . import consenso as testo_consenso
from .models import GruppoRevisori, Numero, Pubblico, StatoIscritto


def dominio_usa_e_getta(email: str) -> bool:
    """True if the address's domain (or a parent domain) is in the maintained list of disposable ones."""
    dominio = email.rpartition("@")[2].lower().strip(".")
    parti = dominio.split(".")
    return any(".".join(parti[i:]) in blocklist for i in range(len(parti) - 1))


def normalizza_email(email: str) -> str:
    locale, _chiocciola, dominio = (email or "").strip().rpartition("@")
    return f"{locale}@{dominio.lower()}" if locale else (email or "").strip()


class _Interessi(forms.Form):
    distretti = forms.ModelMultipleChoiceField(
        queryset=Distretto.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Distretti"),
        help_text=_("Nessuna scelta: tutti i distretti."),
    )
    ambiti = forms.ModelMultipleChoiceField(
        queryset=AmbitoTematico.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Ambiti tematici"),
        help_text=_("Nessuna scelta: tutti gli ambiti."),
    )
    pubblici = forms.ModelMultipleChoiceField(
        queryset=Pubblico.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Mi interessa come"),
        help_text=_("Nessuna scelta: tutti i contenuti."),
    )


class IscrizioneForm(_Interessi):
    email = forms.EmailField(label=_("Indirizzo e-mail"), max_length=254)
    consenso = forms.BooleanField(label=testo_consenso.TESTO, required=True)
    versione_consenso = forms.CharField(widget=forms.HiddenInput, initial=testo_consenso.VERSIONE)

    field_order = ["email", "distretti", "ambiti", "pubblici", "consenso", "versione_consenso"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consenso"].error_messages["required"] = _(
            "Per iscriverti devi acconsentire al trattamento dei dati."
        )

    def clean_email(self):
        email = normalizza_email(self.cleaned_data["email"])
        if dominio_usa_e_getta(email):
            raise forms.ValidationError(
                _("Gli indirizzi e-mail temporanei (usa e getta) non sono accettati: usane uno stabile."),
                code="usa_e_getta",
            )
        return email

    def clean_versione_consenso(self):
        versione = self.cleaned_data["versione_consenso"]
        if versione != testo_consenso.VERSIONE:
            raise forms.ValidationError(
                _("Il testo del consenso è cambiato: rileggilo e conferma di nuovo."), code="versione"
            )
        return versione


class PreferenzeForm(_Interessi):
    pass


class NumeroForm(forms.ModelForm):
    class Meta:
        model = Numero
        fields = [
            "oggetto",
            "preheader",
            "corpo",
            "periodo_dal",
            "periodo_al",
            "blocco_eventi",
            "blocco_progetti",
            "blocco_notizie",
            "distretti",
            "ambiti",
            "pubblici",
            "modello",
        ]
        widgets = {
            "corpo": forms.Textarea(attrs={"rows": 16, "class": "editor-markdown", "spellcheck": "true"}),
            "periodo_dal": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "periodo_al": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "distretti": forms.CheckboxSelectMultiple,
            "ambiti": forms.CheckboxSelectMultiple,
            "pubblici": forms.CheckboxSelectMultiple,
        }

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        dal, al = dati.get("periodo_dal"), dati.get("periodo_al")
        if dal and al and al < dal:
            self.add_error("periodo_al", _("La fine del periodo non può precedere l'inizio."))
        return dati


MAX_PROVE = 10


def indirizzi_validi(testo: str) -> list[str]:
    """The addresses of a text (one per line or comma-separated), normalised, without repeats; a
    ValidationError naming the first wrong ones."""
    grezzi = [v.strip() for v in (testo or "").replace(",", "\n").splitlines()]
    validi, errati = [], []
    for valore in filter(None, grezzi):
        try:
            validate_email(valore)
        except forms.ValidationError:
            errati.append(valore)
        else:
            validi.append(normalizza_email(valore))
    if errati:
        raise forms.ValidationError(
            _("Indirizzi non validi: %(elenco)s.") % {"elenco": ", ".join(errati[:5])}, code="email"
        )
    # An address typed twice (whatever the case) counts once, as first typed.
    unici: dict[str, str] = {}
    for valore in validi:
        unici.setdefault(valore.lower(), valore)
    return list(unici.values())


class GruppoRevisoriForm(forms.ModelForm):
    """A saved group of reviewers: a name and up to MAX_PROVE addresses (one test send reaches them all)."""

    class Meta:
        model = GruppoRevisori
        fields = ["nome", "indirizzi"]
        widgets = {"indirizzi": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"nome": {"unique": _("C'è già un gruppo con questo nome.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indirizzi"].help_text = _("Uno per riga o separati da virgole, al massimo %(n)s.") % {
            "n": MAX_PROVE
        }
        for campo in self.fields.values():
            campo.widget.attrs.setdefault("class", "form-control")

    def clean_nome(self) -> str:
        return " ".join(self.cleaned_data["nome"].split())

    def clean_indirizzi(self) -> str:
        elenco = indirizzi_validi(self.cleaned_data["indirizzi"])
        if not elenco:
            raise forms.ValidationError(_("Scrivi almeno un indirizzo."), code="required")
        if len(elenco) > MAX_PROVE:
            raise forms.ValidationError(
                _("Al massimo %(n)s indirizzi per gruppo (ne hai scritti %(scritti)s).")
                % {"n": MAX_PROVE, "scritti": len(elenco)},
                code="max",
            )
        return "\n".join(elenco)


class ProvaForm(forms.Form):
    """Test sends: typed addresses and/or a saved group of reviewers, in one language."""

    indirizzi = forms.CharField(
        label=_("Indirizzi di prova"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Uno per riga o separati da virgole, al massimo %(n)s.") % {"n": MAX_PROVE},
    )
    gruppo = forms.ModelChoiceField(
        label=_("oppure un gruppo di revisori"),
        queryset=GruppoRevisori.objects.all(),
        required=False,
        empty_label=_("Nessun gruppo"),
    )
    lingua = forms.ChoiceField(label=_("Lingua"), choices=settings.LANGUAGES, initial="it")

    def clean_indirizzi(self) -> list[str]:
        return indirizzi_validi(self.cleaned_data["indirizzi"])

    def clean(self):
        dati = super().clean() or {}
        elenco = list(dati.get("indirizzi") or [])
        if dati.get("gruppo"):
            elenco += [normalizza_email(e) for e in dati["gruppo"].elenco]
        elenco = list(dict.fromkeys(e.lower() for e in elenco))
        if not self.errors:
            if not elenco:
                self.add_error("indirizzi", _("Scrivi almeno un indirizzo o scegli un gruppo di revisori."))
            elif len(elenco) > MAX_PROVE:
                self.add_error("indirizzi", _("Al massimo %(n)s indirizzi per prova.") % {"n": MAX_PROVE})
        dati["elenco"] = elenco
        return dati


# Images of an issue's body: 600 px is the width of the e-mail, twice that for sharp screens.
REGOLE_IMMAGINE = Regole(
    max_byte=5 * 1024 * 1024,
    lato_massimo=1200,
    formati=frozenset({"JPEG", "PNG", "WEBP", "GIF"}),
    messaggio_formato=_("Formato non ammesso: usa JPEG, PNG, WebP o GIF."),
    nome_predefinito="immagine",
)


class ImmagineForm(ConservaFile, forms.Form):
    immagine = forms.ImageField(label=_("Immagine"), help_text=_("JPEG, PNG, WebP o GIF, al massimo 5 MB."))
    testo_alternativo = forms.CharField(
        label=_("Testo alternativo"),
        max_length=200,
        help_text=_("Descrivi l'immagine per chi non la vede (obbligatorio)."),
    )

    def clean_immagine(self):
        return ricodifica(self.cleaned_data["immagine"], REGOLE_IMMAGINE)


class ProgrammaForm(forms.Form):
    programmato_per = forms.DateTimeField(
        label=_("Data e ora di invio"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_programmato_per(self):
        quando = self.cleaned_data["programmato_per"]  # within 2000–2100 (alternanza.core.moduli)
        if quando <= timezone.now():
            raise forms.ValidationError(_("Scegli un momento futuro, oppure usa «Invia ora»."))
        return quando


class ImportaForm(ConservaFile, forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("File CSV"),
        help_text=_(
            "Colonne: email (obbligatoria), distretti, ambiti, pubblici (slug o codici separati da «;»). "
            "Massimo 5 MB, codifica UTF-8."
        ),
    )
    nota_consenso = forms.CharField(
        label=_("Documentazione del consenso"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dove e come è stato raccolto il consenso di questi indirizzi (es. protocollo, data)."),
    )
    consenso_documentato = forms.BooleanField(
        label=_(
            "Confermo che ogni indirizzo del file ha dato un consenso documentato a ricevere la newsletter."
        ),
        required=True,
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Il file supera i 5 MB."))
        if not f.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Carica un file .csv."))
        return f


class CercaIscrittiForm(forms.Form):
    q = forms.CharField(label=_("Cerca per e-mail"), required=False, max_length=254)
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[
            ("", _("Tutti")),
            *StatoIscritto.choices,
            ("non_recapitabile", _("in pausa (non recapitabile)")),
        ],
    )
