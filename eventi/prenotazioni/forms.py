"""Forms of the bookings: the public booking form (individual or class), its change form, the message."""

from __future__ import annotations

import dataclasses
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alternanza.core.scelta import SceltaField
from distretti.models import Scuola
from distretti.scelta import SCUOLE
from eventi.models import DataEvento, Evento

# The schools' registry is public open data: the booking form searches it without an account.
SCUOLE_PUBBLICHE = dataclasses.replace(SCUOLE, url="eventi:cerca_scuole")
MAX_PER_CLASSE = 60  # students of one booking when the event sets no per-booking limit


def massimo_per_prenotazione(evento: Evento) -> int:
    return evento.posti_per_prenotazione or evento.posti or 1


def etichetta_data(data: DataEvento) -> str:
    """A date as offered in the booking form: when, and its places left or its waiting list."""
    quando = formats.date_format(timezone.localtime(data.inizio), "GIORNO_ORA_FORMAT")
    liberi = data.posti_liberi
    if not liberi:
        return _("%(quando)s – posti esauriti, lista d'attesa") % {"quando": quando}
    return ngettext(
        "%(quando)s – %(n)s posto disponibile", "%(quando)s – %(n)s posti disponibili", liberi
    ) % {"quando": quando, "n": liberi}


class _Posti:
    """Counts of a booking: places = students + adults for a class, the places asked for otherwise."""

    evento: Evento
    cleaned_data: dict[str, Any]

    def _controlla_posti(self, form: forms.Form, di_classe: bool) -> None:
        dati = self.cleaned_data
        massimo = massimo_per_prenotazione(self.evento)
        if di_classe:
            studenti, adulti = dati.get("studenti"), dati.get("accompagnatori")
            if studenti is None or adulti is None:
                return
            dati["posti"] = studenti + adulti
            if dati["posti"] > massimo:
                form.add_error(
                    "studenti",
                    _("Al massimo %(n)s posti per prenotazione (studenti e adulti insieme).")
                    % {"n": massimo},
                )
        elif (dati.get("posti") or 0) > massimo:
            form.add_error("posti", _("Al massimo %(n)s posti per prenotazione.") % {"n": massimo})


class PrenotazioneForm(_Posti, forms.Form):
    nome = forms.CharField(label=_("Nome e cognome"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Ti inviamo un link per confermare: la prenotazione vale solo dopo la conferma."),
    )
    telefono = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    scuola = SceltaField(label=_("Scuola"), sorgente=SCUOLE_PUBBLICHE, queryset=Scuola.objects.all())
    classe = forms.CharField(label=_("Classe"), max_length=30, help_text=_("Es. 3B."))
    studenti = forms.IntegerField(
        label=_("Numero di studenti"),
        min_value=1,
        max_value=MAX_PER_CLASSE,
        help_text=_("Solo il numero: non servono i nomi degli studenti."),
    )
    accompagnatori = forms.IntegerField(
        label=_("Adulti accompagnatori"), min_value=1, max_value=20, initial=1, help_text=_("Te compreso/a.")
    )
    posti = forms.IntegerField(label=_("Posti"), min_value=1, initial=1)
    maggiorenne = forms.BooleanField(label=_("Dichiaro di essere maggiorenne"))

    # The metaclass moves declared fields into base_fields, so this never shadows BaseForm.data at run time.
    data = forms.TypedChoiceField(label=_("Data"), coerce=int, widget=forms.RadioSelect)  # type: ignore[assignment]

    def __init__(self, *args: Any, evento: Evento, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["data"])
        self.evento = evento
        self.di_classe = evento.tipo_prenotazione == Evento.TipoPrenotazione.CLASSE
        # Each date has its own places and waiting list: with several dates still to come, one is chosen.
        self.date = {d.pk: d for d in evento.date_prenotabili()}
        campo_data = self.fields["data"]
        assert isinstance(campo_data, forms.TypedChoiceField)
        campo_data.choices = [(pk, etichetta_data(d)) for pk, d in self.date.items()]
        if len(self.date) == 1:
            del self.fields["data"]  # nothing to choose: the booking is for the one date
        massimo = massimo_per_prenotazione(evento)
        if self.di_classe:
            self.fields["nome"].label = _("Nome e cognome del/della docente")
            del self.fields["posti"]
            del self.fields["maggiorenne"]
        else:
            for nome in ("scuola", "classe", "studenti", "accompagnatori"):
                del self.fields[nome]
            campo = self.fields["posti"]
            assert isinstance(campo, forms.IntegerField)
            campo.max_value = massimo
            campo.widget.attrs["max"] = massimo
            campo.help_text = _("Al massimo %(n)s, tutti adulti.") % {"n": massimo}
            if massimo == 1:
                campo.widget = forms.HiddenInput()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        self._controlla_posti(self, self.di_classe)
        return dati

    def dati_prenotazione(self) -> dict[str, Any]:
        d = self.cleaned_data
        dati = {
            "data": self.date[d["data"]] if "data" in d else next(iter(self.date.values())),
            "nome": d["nome"],
            "email": d["email"],
            "telefono": d.get("telefono", ""),
            "posti": d["posti"],
        }
        if self.di_classe:
            dati.update(
                scuola=d["scuola"],
                classe=d["classe"],
                studenti=d["studenti"],
                accompagnatori=d["accompagnatori"],
            )
        return dati


class ModificaPrenotazioneForm(_Posti, forms.Form):
    studenti = forms.IntegerField(label=_("Numero di studenti"), min_value=1, max_value=MAX_PER_CLASSE)
    accompagnatori = forms.IntegerField(label=_("Adulti accompagnatori"), min_value=1, max_value=20)
    posti = forms.IntegerField(label=_("Posti"), min_value=1)
    telefono = forms.CharField(label=_("Telefono"), max_length=30, required=False)

    def __init__(self, *args: Any, prenotazione, **kwargs: Any) -> None:
        self.evento = prenotazione.evento
        self.di_classe = prenotazione.di_classe
        iniziali = {
            "studenti": prenotazione.studenti,
            "accompagnatori": prenotazione.accompagnatori,
            "posti": prenotazione.posti,
            "telefono": prenotazione.telefono,
        }
        kwargs["initial"] = iniziali
        super().__init__(*args, **kwargs)
        if self.di_classe:
            del self.fields["posti"]
        else:
            del self.fields["studenti"]
            del self.fields["accompagnatori"]
            self.fields["posti"].widget.attrs["max"] = massimo_per_prenotazione(self.evento)

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        self._controlla_posti(self, self.di_classe)
        return dati


class MessaggioForm(forms.Form):
    oggetto = forms.CharField(label=_("Oggetto"), max_length=150)
    testo = forms.CharField(label=_("Testo"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
