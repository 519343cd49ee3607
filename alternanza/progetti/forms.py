"""Forms of the projects area. No field asks for students' names; free-text fields warn against them."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alternanza.core.immagini import ricodifica
from alternanza.core.moduli import ConservaFile
from alternanza.core.scelta import SceltaField
from alternanza.core.tipi import Utente, campo_di
from alternanza.progetti.file import REGOLE_FOTO, controlla_documento
from alternanza.progetti.models import (
    AdozioneModello,
    AssistenzaTecnica,
    AzioneDiRete,
    DocumentoProgetto,
    FotoProgetto,
    ModelloIntervento,
    Progetto,
    ProgettoOrganizzazione,
    ValutazioneOspitante,
)
from distretti.models import Comune, Distretto, Scuola
from distretti.permissions import ambito_di
from distretti.scelta import COMUNI
from partnership.forms import aiuto_proponi
from partnership.models import Organizzazione, Partnership
from partnership.scelta import ORGANIZZAZIONI

AVVISO_MINORI = _(
    "Non scrivere nomi, cognomi o altri dati che permettano di riconoscere studenti e studentesse: "
    "sono spesso minorenni. Indica solo numeri complessivi."
)
AVVISO_RIVALIDA = _("Se lo cambi, il progetto torna all'ufficio distrettuale per una nuova validazione.")
_CAMPI_TESTO_LIBERO = ("descrizione", "obiettivi", "risultati", "valutazione", "classi", "indirizzo")


class ProgettoForm(forms.ModelForm):
    class Meta:
        model = Progetto
        fields = [
            "scuola",
            "indirizzo",
            "anno_scolastico",
            "titolo",
            "descrizione",
            "obiettivi",
            "partnership",
            "ambiti",
            "aree_s3",
            "classi",
            "ore_previste",
            "ore_svolte",
            "data_inizio",
            "data_fine",
            "comuni",
            "sicurezza_ore",
            "sicurezza_ente",
            "sicurezza_svolta",
            "studenti_totale",
            "studenti_ragazze",
            "studenti_origine_straniera",
            "studenti_con_sostegno",
            "studenti_con_formazione_sicurezza",
            "risultati",
            "valutazione",
            "tutor_scuola_nome",
            "tutor_scuola_ruolo",
            "tutor_scuola_email",
            "consenso_vetrina",
        ]
        widgets = {
            "descrizione": forms.Textarea(attrs={"rows": 5}),
            "obiettivi": forms.Textarea(attrs={"rows": 3}),
            "risultati": forms.Textarea(attrs={"rows": 3}),
            "valutazione": forms.Textarea(attrs={"rows": 3}),
            "data_inizio": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "data_fine": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ambiti": forms.CheckboxSelectMultiple,
            "aree_s3": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self,
        *args: Any,
        user: Utente | None = None,
        modificabili: Collection[str] | None = None,
        rivalidano: Collection[str] = (),
        **kwargs: Any,
    ) -> None:
        """`modificabili`: the fields the user may change in the project's state (None: all, a new
        project); the others are shown but disabled, so a posted value is ignored. `rivalidano`: those
        whose change sends the project back to the office (their help text says so). Both from
        alternanza.progetti.workflow.CAMPI_PER_STATO."""
        super().__init__(*args, **kwargs)
        ambito = ambito_di(user)
        scuole = Scuola.objects.select_related(None).only("id", "denominazione", "codice_meccanografico")
        if not ambito.staff:
            scuole = scuole.filter(pk__in=ambito.scuole)
        elif self.instance.pk:
            scuole = scuole.filter(pk=self.instance.scuola_id)
        campo_scuola = campo_di(self, "scuola", forms.ModelChoiceField)
        campo_scuola.queryset = scuole
        if len(ambito.scuole) == 1 and not self.instance.pk:
            campo_scuola.initial = next(iter(ambito.scuole))
        partnership = Partnership.objects.only("id", "titolo")
        if not ambito.staff:
            partnership = partnership.filter(
                Q(scuole__in=ambito.scuole) | Q(pk=self.instance.partnership_id or 0)
            ).distinct()
        campo_di(self, "partnership", forms.ModelChoiceField).queryset = partnership
        campo_comuni = self.fields["comuni"]
        self.fields["comuni"] = SceltaField(
            label=campo_comuni.label,
            help_text=campo_comuni.help_text,
            required=campo_comuni.required,
            sorgente=COMUNI,
            queryset=Comune.objects.all(),
            multipla=True,
        )
        for nome in _CAMPI_TESTO_LIBERO:
            campo = self.fields[nome]
            campo.help_text = f"{campo.help_text} {AVVISO_MINORI}".strip()
        for nome, campo in self.fields.items():
            if modificabili is not None and nome not in modificabili:
                campo.disabled = True
            elif nome in rivalidano:
                campo.help_text = f"{campo.help_text} {AVVISO_RIVALIDA}".strip()


# The host tutor's fields of a partner row: changing only these is not a change of the partners.
CAMPI_TUTOR = ("tutor_nome", "tutor_ruolo", "tutor_email")


def cambiamenti_partecipazioni(formset) -> set[str]:
    """What a saved partners' formset changed, by workflow.CAMPI_PER_STATO's names: "organizzazioni"
    (a partner added, removed or its role changed) and/or "tutor" (only a host tutor's details)."""
    cambiati: set[str] = set()
    for form in formset.forms:
        if not form.has_changed():
            continue
        if (
            form.instance.pk
            and set(form.changed_data) <= set(CAMPI_TUTOR)
            and form not in formset.deleted_forms
        ):
            cambiati.add("tutor")
        else:
            cambiati.add("organizzazioni")
    return cambiati


class PartecipazioneForm(forms.ModelForm):
    """An organisation of the project, chosen by search (name or tax code: 20,000 would not fit in a
    drop-down) among the organisations visible to the user."""

    organizzazione = SceltaField(
        label=_("Organizzazione"),
        sorgente=ORGANIZZAZIONI,
        queryset=Organizzazione.objects.none(),
        help_text=_(
            "Scrivi parte del nome o il codice fiscale e scegli tra i risultati. Se non la trovi, "
            "chiedi alla Città metropolitana di aggiungerla all'elenco dei partner."
        ),
    )

    class Meta:
        model = ProgettoOrganizzazione
        fields = ["organizzazione", "ruolo", *CAMPI_TUTOR]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        campo = campo_di(self, "organizzazione", SceltaField)
        campo.queryset = Organizzazione.objects.sceglibili_da(user)
        campo.aggiungi_attuali(self.instance.organizzazione_id)
        # A host prefilled by the view (partnership.services.iniziali_progetto checked it).
        campo.aggiungi_attuali(self.initial.get("organizzazione"))
        if ambito_di(user).referente_scuola:
            campo.help_text = aiuto_proponi()
        # A prefilled new row counts even if left as it is (a formset skips unchanged extra rows).
        self._prefissata = bool(self.initial.get("organizzazione")) and not self.instance.pk

    def has_changed(self) -> bool:
        return self._prefissata or super().has_changed()


PartecipazioniFormSet = forms.inlineformset_factory(
    Progetto, ProgettoOrganizzazione, form=PartecipazioneForm, extra=2, can_delete=True, max_num=30
)
# Built with form_kwargs={"user": request.user}: each row offers the organisations visible to the user.


class ValutazioneOspitanteForm(forms.ModelForm):
    """The host's evaluation (alternanza.progetti.views.valutazioni.compila): all three fields needed."""

    class Meta:
        model = ValutazioneOspitante
        fields = ["compilata_da", "giudizio", "testo"]
        widgets = {"giudizio": forms.RadioSelect, "testo": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            campo.required = True
        giudizio = campo_di(self, "giudizio", forms.TypedChoiceField)
        giudizio.choices = [c for c in giudizio.choices if c[0] != ""]  # type: ignore[index,misc,union-attr]
        giudizio.error_messages["required"] = _("Scegli un giudizio complessivo.")
        self.fields["testo"].error_messages["required"] = _("Scrivi qualche riga sulla vostra esperienza.")
        self.fields["compilata_da"].error_messages["required"] = _("Scrivi chi compila la valutazione.")


class TransizioneForm(forms.Form):
    nota = forms.CharField(
        label=_("Nota / osservazioni"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=AVVISO_MINORI,
    )


class DocumentoForm(ConservaFile, forms.ModelForm):
    class Meta:
        model = DocumentoProgetto
        fields = ["titolo", "file", "pubblico"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        self.instance.tipo_mime = controlla_documento(file)
        self.instance.dimensione = file.size
        return file


class FotoForm(ConservaFile, forms.ModelForm):
    class Meta:
        model = FotoProgetto
        fields = ["immagine", "testo_alternativo", "didascalia"]
        widgets = {"immagine": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})}

    def clean_immagine(self):
        return ricodifica(self.cleaned_data["immagine"], REGOLE_FOTO)


class AzioneForm(forms.ModelForm):
    class Meta:
        model = AzioneDiRete
        fields = [
            "titolo",
            "descrizione",
            "livello",
            "distretti",
            "promotore",
            "promotore_distretto",
            "promotore_organizzazione",
            "ambiti",
            "data_inizio",
            "data_fine",
            "stato",
            "pubblica",
        ]
        widgets = {
            "distretti": forms.CheckboxSelectMultiple,
            "ambiti": forms.CheckboxSelectMultiple,
            "data_inizio": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "data_fine": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, user: Utente | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ambito = ambito_di(user)
        campo_di(
            self, "promotore_organizzazione", forms.ModelChoiceField
        ).queryset = Organizzazione.objects.filter(partner_istituzionale=True).only("id", "nome")
        if not ambito.staff:
            # A district office promotes actions of its own district(s) only.
            campo_di(self, "promotore", forms.ChoiceField).choices = [
                (AzioneDiRete.Promotore.DISTRETTO, AzioneDiRete.Promotore.DISTRETTO.label)
            ]
            campo_di(self, "promotore_distretto", forms.ModelChoiceField).queryset = Distretto.objects.filter(
                pk__in=ambito.distretti_ufficio
            )
            self.fields["promotore_distretto"].required = True
            del self.fields["promotore_organizzazione"]


class AssistenzaForm(forms.ModelForm):
    """Technical assistance recorded on an action: only for the districts the action involves (its
    districts and its promoting district; any district for an action that names none)."""

    class Meta:
        model = AssistenzaTecnica
        fields = ["data", "distretto", "tema", "ore", "esito"]
        widgets = {"data": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, azione: AzioneDiRete, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coinvolti = set(azione.distretti.values_list("pk", flat=True))
        if azione.promotore_distretto_id:
            coinvolti.add(azione.promotore_distretto_id)
        if coinvolti:
            campo = campo_di(self, "distretto", forms.ModelChoiceField)
            campo.queryset = Distretto.objects.filter(pk__in=coinvolti)
            campo.error_messages["invalid_choice"] = _("Scegli uno dei distretti coinvolti nell'azione.")


class ModelloForm(forms.ModelForm):
    class Meta:
        model = ModelloIntervento
        fields = [
            "titolo",
            "ambiti",
            "contesto",
            "fasi",
            "partner_necessari",
            "costi",
            "risultati",
            "materiali",
            "pubblicato",
        ]
        widgets = {"ambiti": forms.CheckboxSelectMultiple}


class AdozioneForm(forms.ModelForm):
    class Meta:
        model = AdozioneModello
        fields = ["distretto", "data", "note"]
        widgets = {"data": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(
        self, *args: Any, user: Utente | None = None, modello: ModelloIntervento | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        ambito = ambito_di(user)
        distretti = Distretto.objects.all()
        if not ambito.staff:
            distretti = distretti.filter(pk__in=ambito.distretti_ufficio)
        if modello is not None:
            distretti = distretti.exclude(adozioni_modelli__modello=modello)
        campo_di(self, "distretto", forms.ModelChoiceField).queryset = distretti
