"""Forms of the proposal and review workflow (rich text sanitised, images validated and re-encoded)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from alternanza.core.compiti import accoda
from alternanza.core.immagini import ricodifica
from alternanza.core.moduli import ConservaFile
from alternanza.core.testo import pulisci_html
from alternanza.core.tipi import Utente, campo_di
from alternanza.core.url import slug_unico
from distretti.models import Scuola
from distretti.permissions import ambito_di
from eventi import tasks
from eventi.date import DataOraInput, con_classi_bootstrap
from eventi.models import REGOLE_IMMAGINE, DataEvento, Edizione, Evento, fuori_edizione
from eventi.workflow import Azione
from partnership.models import Organizzazione
from partnership.permissions import organizzazioni_di

MAX_RIPETIZIONI = 20
SLUG_RISERVATI = {"calendario"}  # /festival/eventi/calendario/ is the month view


def proponenti_di(user: Utente) -> list[tuple[str, str]]:
    """The schools and organisations the user may propose events for, as form choices."""
    ambito = ambito_di(user)
    scelte = [
        (f"scuola:{s.pk}", s.denominazione)
        for s in Scuola.objects.filter(pk__in=ambito.scuole).only("pk", "denominazione")
    ]
    scelte += [
        (f"org:{o.pk}", o.nome)
        for o in Organizzazione.objects.filter(pk__in=organizzazioni_di(user)).only("pk", "nome")
    ]
    return scelte


class EventoForm(ConservaFile, forms.ModelForm):
    per_conto_di = forms.ChoiceField(label=_("Proponi per conto di"), choices=())
    ripetizioni = forms.IntegerField(
        label=_("Ripeti ogni settimana"),
        min_value=0,
        max_value=MAX_RIPETIZIONI,
        initial=0,
        required=False,
        help_text=_("Numero di ripetizioni settimanali dopo la prima data (0 = evento singolo)."),
    )

    class Meta:
        model = Evento
        fields = [
            "titolo",
            "edizione",
            "tipo",
            "pubblici",
            "inizio",
            "fine",
            "luogo",
            "indirizzo",
            "comune",
            "online",
            "link_online",
            "ambiti",
            "descrizione",
            "immagine",
            "immagine_alt",
            "prenotazione",
            "link_prenotazione",
            "posti",
            "tipo_prenotazione",
            "posti_per_prenotazione",
            "prenotazioni_dal",
            "prenotazioni_al",
            "accessibilita",
        ]
        widgets = {
            "inizio": DataOraInput(),
            "fine": DataOraInput(),
            "prenotazioni_dal": DataOraInput(),
            "prenotazioni_al": DataOraInput(),
            "pubblici": forms.CheckboxSelectMultiple,
            "ambiti": forms.CheckboxSelectMultiple,
            "descrizione": forms.Textarea(attrs={"rows": 8}),
            "accessibilita": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "descrizione": _("Puoi usare paragrafi, grassetto, corsivo, elenchi e link."),
            "immagine": _("JPEG, PNG, WebP o GIF, al massimo 5 MB."),
            "immagine_alt": _("Descrivi l'immagine per chi non può vederla."),
        }

    def __init__(self, *args: Any, user: Utente, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        campo_di(self, "edizione", forms.ModelChoiceField).queryset = Edizione.objects.filter(
            stato=Edizione.Stato.PUBBLICATA
        )
        comune = campo_di(self, "comune", forms.ModelChoiceField)
        if comune.queryset is not None:
            comune.queryset = comune.queryset.order_by("nome")
        con_classi_bootstrap(self)
        # Who books matters only for bookings on the portal: the model's default serves the others.
        self.fields["tipo_prenotazione"].required = False
        scelte = proponenti_di(user)
        if self.instance.pk:
            # The proposer of an existing event does not change.
            del self.fields["per_conto_di"]
            del self.fields["ripetizioni"]
            if self.instance.date.count() > 1:
                # Several dates: they are edited one by one (FormDate), the span follows them.
                del self.fields["inizio"]
                del self.fields["fine"]
        elif scelte:
            campo_di(self, "per_conto_di", forms.ChoiceField).choices = scelte
        else:
            self.fields["per_conto_di"].required = False
            self.fields["per_conto_di"].widget = forms.HiddenInput()

    def clean_descrizione(self):
        testo = pulisci_html(self.cleaned_data.get("descrizione"))
        if not testo:
            raise ValidationError(_("Descrivi l'evento."))
        return testo

    def clean_tipo_prenotazione(self):
        return self.cleaned_data.get("tipo_prenotazione") or Evento.TipoPrenotazione.INDIVIDUALE

    def clean_immagine(self):
        immagine = self.cleaned_data.get("immagine")
        if immagine and hasattr(immagine, "content_type"):  # a new upload (not the stored file)
            return ricodifica(immagine, REGOLE_IMMAGINE)
        return immagine

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        scelta = dati.get("per_conto_di")
        campo = self.fields.get("per_conto_di")
        if isinstance(campo, forms.ChoiceField) and scelta and not campo.valid_value(scelta):
            self.add_error("per_conto_di", _("Scelta non valida."))
        self._controlla_ripetizioni(dati)
        return dati

    def _controlla_ripetizioni(self, dati: dict[str, Any]) -> None:
        """The last weekly repeat must fall inside the edition too (the first date is the model's check)."""
        ripetizioni, edizione = dati.get("ripetizioni") or 0, dati.get("edizione")
        inizio, fine = dati.get("inizio"), dati.get("fine")
        if (
            not ripetizioni
            or edizione is None
            or not inizio
            or not fine
            or fuori_edizione(edizione, inizio, fine)
        ):
            return
        ultima = timezone.localdate(fine + timedelta(weeks=ripetizioni))
        if ultima <= edizione.data_fine:
            return
        possibili = (edizione.data_fine - timezone.localdate(fine)).days // 7
        self.add_error(
            "ripetizioni",
            _(
                "Con %(n)s ripetizioni l'ultima data sarebbe il %(ultima)s, dopo la fine dell'edizione "
                "(%(fine)s): al massimo %(massimo)s ripetizioni."
            )
            % {
                "n": ripetizioni,
                "ultima": formats.date_format(ultima),
                "fine": formats.date_format(edizione.data_fine),
                "massimo": possibili,
            },
        )

    def _update_errors(self, errors):
        # An event of several dates has no start/end in this form: the model's checks of its span (start
        # before end, inside the edition) are made date by date by FormDate, on the dates as typed.
        if "inizio" not in self.fields and hasattr(errors, "error_dict"):
            errors.error_dict.pop("inizio", None)
            errors.error_dict.pop("fine", None)
        super()._update_errors(errors)  # type: ignore[misc]  # BaseModelForm._update_errors

    @transaction.atomic
    def save(self, commit=True):
        evento = super().save(commit=False)
        nuovo = evento.pk is None
        if nuovo:
            evento.slug = slug_unico(
                Evento.objects.all(), evento.titolo, predefinito="evento", riservati=SLUG_RISERVATI
            )
            evento.proposto_da = self.user
            tipo, _sep, pk = (self.cleaned_data.get("per_conto_di") or "").partition(":")
            if tipo == "scuola":
                evento.scuola_proponente_id = int(pk)
            elif tipo == "org":
                evento.organizzazione_proponente_id = int(pk)
        evento.save()
        self.save_m2m()
        if nuovo:
            if evento.scuola_proponente_id:
                evento.scuole.add(evento.scuola_proponente_id)
            if evento.organizzazione_proponente_id:
                evento.organizzazioni.add(evento.organizzazione_proponente_id)
            # Weekly repeats keep the wall-clock time in Europe/Rome across a DST change.
            inizio, fine = timezone.localtime(evento.inizio), timezone.localtime(evento.fine)
            ripetizioni = self.cleaned_data.get("ripetizioni") or 0
            DataEvento.objects.bulk_create(
                DataEvento(evento=evento, inizio=inizio + timedelta(weeks=n), fine=fine + timedelta(weeks=n))
                for n in range(ripetizioni + 1)
            )
            # The reviewers hear of the proposal, the proposer gets a receipt (eventi.notifiche).
            accoda(tasks.notifica_proposta, evento.pk)
        elif "inizio" in self.fields and not evento.date.update(inizio=evento.inizio, fine=evento.fine):
            # A single-date event edited in the form: its one date follows the form, changed in place
            # (the bookings of the event belong to it), or made if it is missing.
            DataEvento.objects.create(evento=evento, inizio=evento.inizio, fine=evento.fine)
        evento.ricalcola_periodo()
        return evento


class DecisioneForm(forms.Form):
    azione = forms.ChoiceField(label=_("Decisione"), choices=Azione.choices)
    motivo = forms.CharField(
        label=_("Nota o motivo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obbligatorio per annullare: il motivo è mostrato pubblicamente."),
    )
