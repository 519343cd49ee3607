"""Forms of the accounts area: role request (also part of signup), decision, invitation, deletion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from alternanza.utenti import ruoli
from alternanza.utenti.models import TipoRuolo
from distretti.models import Comune, Distretto, Scuola
from partnership.models import Organizzazione
from partnership.validatori import normalizza_codice_fiscale, valida_codice_fiscale

MAX_CANDIDATI = 8


def _candidati(oggetti, descrivi) -> str:
    return "; ".join(descrivi(o) for o in oggetti[:MAX_CANDIDATI])


def trova_scuola(testo: str) -> Scuola:
    """The school named by its codice meccanografico, or by a part of its name matching one school."""
    testo = " ".join(testo.split())
    scuola = Scuola.objects.filter(codice_meccanografico__iexact=testo).select_related("comune").first()
    if scuola:
        return scuola
    trovate = list(
        Scuola.objects.attive()
        .filter(denominazione__icontains=testo)
        .select_related("comune")
        .order_by("denominazione")[: MAX_CANDIDATI + 1]
    )
    if len(trovate) == 1:
        return trovate[0]
    if not trovate:
        raise forms.ValidationError(
            _("Nessuna scuola corrisponde a «%(testo)s». Scrivi il codice meccanografico (es. BOIS00100X)."),
            params={"testo": testo},
        )
    raise forms.ValidationError(
        _(
            "Più scuole corrispondono a «%(testo)s»: scrivi il codice meccanografico di una di queste: "
            "%(elenco)s."
        ),
        params={
            "testo": testo,
            "elenco": _candidati(
                trovate, lambda s: f"{s.denominazione} ({s.codice_meccanografico}, {s.comune})"
            ),
        },
    )


def trova_organizzazione(testo: str) -> Organizzazione:
    """The organisation named by its tax code, its exact name or a part of its name matching one."""
    testo = " ".join(testo.split())
    cf = normalizza_codice_fiscale(testo)
    # Public organisations only: the signup form must not tell who is in the network privately (a private
    # organisation's exact tax code answers "not found" like any other).
    pubbliche = Organizzazione.objects.pubbliche()
    esatte = list(pubbliche.filter(Q(codice_fiscale=cf) | Q(nome__iexact=testo))[:2])
    if len(esatte) == 1:
        return esatte[0]
    trovate = list(pubbliche.filter(nome__icontains=testo).order_by("nome")[: MAX_CANDIDATI + 1])
    if len(trovate) == 1:
        return trovate[0]
    if not trovate:
        raise forms.ValidationError(
            _(
                "Nessuna organizzazione corrisponde a «%(testo)s». Se non è ancora nella rete, indica i dati "
                "della nuova organizzazione."
            ),
            params={"testo": testo},
        )
    raise forms.ValidationError(
        _(
            "Più organizzazioni corrispondono a «%(testo)s»: scrivi il nome completo o il codice fiscale: "
            "%(elenco)s."
        ),
        params={"testo": testo, "elenco": _candidati(trovate, lambda o: o.nome)},
    )


class RichiestaRuoloForm(forms.Form):
    """Which role the person asks for, and where. Works without JavaScript: codes and names are typed
    and resolved on the server, which lists the candidates when a name is ambiguous."""

    ruolo = forms.ChoiceField(
        label=_("Ruolo richiesto"),
        choices=TipoRuolo.choices,
        widget=forms.RadioSelect,
        initial=TipoRuolo.REFERENTE_SCUOLA,
    )
    scuola = forms.CharField(
        label=_("Scuola"),
        required=False,
        max_length=255,
        help_text=_(
            "Per il referente scolastico: codice meccanografico (es. BOIS00100X) o nome della scuola."
        ),
    )
    distretto = forms.ModelChoiceField(
        label=_("Distretto"),
        queryset=Distretto.objects.all(),
        required=False,
        help_text=_("Per l'ufficio tecnico distrettuale."),
    )
    organizzazione = forms.CharField(
        label=_("Organizzazione già presente nella rete"),
        required=False,
        max_length=255,
        help_text=_("Per il referente di un'organizzazione: nome o codice fiscale."),
    )
    nuova_organizzazione_nome = forms.CharField(
        label=_("Oppure: nome della nuova organizzazione"), required=False, max_length=255
    )
    nuova_organizzazione_cf = forms.CharField(
        label=_("Codice fiscale o partita IVA della nuova organizzazione"), required=False, max_length=20
    )
    nuova_organizzazione_comune = forms.ModelChoiceField(
        label=_("Comune della sede della nuova organizzazione"),
        queryset=Comune.objects.all(),
        required=False,
        help_text=_("Lascia vuoto se la sede è fuori dalla Città metropolitana."),
    )

    # The fields each role needs: once the role is chosen (signup's first step), only these are shown.
    CAMPI_PER_RUOLO: dict[str, tuple[str, ...]] = {
        TipoRuolo.REFERENTE_SCUOLA: ("scuola",),
        TipoRuolo.UFFICIO_DISTRETTO: ("distretto",),
        TipoRuolo.REFERENTE_ORGANIZZAZIONE: (
            "organizzazione",
            "nuova_organizzazione_nome",
            "nuova_organizzazione_cf",
            "nuova_organizzazione_comune",
        ),
        TipoRuolo.STAFF: (),
    }

    def __init__(self, *args: Any, ruolo_scelto: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ruolo_scelto = ruolo_scelto if ruolo_scelto in self.CAMPI_PER_RUOLO else None
        if self.ruolo_scelto is not None:
            # Only that role's fields; the role itself travels as a hidden field (changeable on step one).
            tutti = {c for campi in self.CAMPI_PER_RUOLO.values() for c in campi}
            for nome in tutti - set(self.CAMPI_PER_RUOLO[self.ruolo_scelto]):
                del self.fields[nome]
            self.fields["ruolo"].widget = forms.HiddenInput()
            self.fields["ruolo"].initial = self.ruolo_scelto
            if self.is_bound and self.data.get(self.add_prefix("ruolo")) != self.ruolo_scelto:
                dati = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
                dati[self.add_prefix("ruolo")] = self.ruolo_scelto
                self.data = dati

    @property
    def etichetta_ruolo(self) -> str:
        return str(TipoRuolo(self.ruolo_scelto).label) if self.ruolo_scelto else ""

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        ruolo = dati.get("ruolo")
        if ruolo == TipoRuolo.REFERENTE_SCUOLA:
            if not dati.get("scuola"):
                self.add_error("scuola", _("Indica la scuola."))
            else:
                try:
                    dati["scuola_trovata"] = trova_scuola(dati["scuola"])
                except forms.ValidationError as exc:
                    self.add_error("scuola", exc)
        elif ruolo == TipoRuolo.UFFICIO_DISTRETTO:
            if not dati.get("distretto"):
                self.add_error("distretto", _("Indica il distretto."))
        elif ruolo == TipoRuolo.REFERENTE_ORGANIZZAZIONE:
            self._clean_organizzazione(dati)
        return dati

    def _clean_organizzazione(self, dati: dict[str, Any]) -> None:
        nome_nuova = " ".join(dati.get("nuova_organizzazione_nome", "").split())
        if dati.get("organizzazione") and nome_nuova:
            self.add_error(
                "organizzazione", _("Indica un'organizzazione esistente oppure una nuova, non entrambe.")
            )
        elif dati.get("organizzazione"):
            try:
                dati["organizzazione_trovata"] = trova_organizzazione(dati["organizzazione"])
            except forms.ValidationError as exc:
                self.add_error("organizzazione", exc)
        elif nome_nuova:
            cf = normalizza_codice_fiscale(dati.get("nuova_organizzazione_cf", ""))
            if not cf:
                self.add_error("nuova_organizzazione_cf", _("Indica il codice fiscale o la partita IVA."))
                return
            try:
                valida_codice_fiscale(cf)
            except forms.ValidationError as exc:
                self.add_error("nuova_organizzazione_cf", exc)
                return
            if Organizzazione.objects.filter(codice_fiscale=cf).exists():
                self.add_error(
                    "nuova_organizzazione_cf",
                    _(
                        "Un'organizzazione con questo codice fiscale è già nella rete: "
                        "indicala per nome o codice."
                    ),
                )
                return
            dati["nuova"] = ruoli.NuovaOrganizzazione(nome_nuova, cf, dati.get("nuova_organizzazione_comune"))
        else:
            self.add_error("organizzazione", _("Indica l'organizzazione."))

    def crea_richiesta(self, utente: User) -> ruoli.Richiesta:
        """Create the request for `utente`; raises ruoli.RichiestaNonValida (e.g. already requested)."""
        dati = self.cleaned_data
        return ruoli.richiedi(
            utente,
            dati["ruolo"],
            scuola=dati.get("scuola_trovata"),
            distretto=dati.get("distretto"),
            organizzazione=dati.get("organizzazione_trovata"),
            nuova_organizzazione=dati.get("nuova"),
        )


class RegistrazioneForm(RichiestaRuoloForm):
    """Fields added to allauth's signup form (ACCOUNT_SIGNUP_FORM_CLASS): name and the role requested."""

    first_name = forms.CharField(
        label=_("Nome"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Cognome"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    field_order = ["email", "first_name", "last_name", "password1", "password2", "ruolo"]

    def signup(self, request: HttpRequest, user: User) -> None:
        """Called by allauth once the user is saved: record the role request (not active until approved);
        a new organisation waits for the e-mail's verification."""
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])
        if getattr(request, "invito_portale", None) is not None:
            return
        if self.cleaned_data.get("nuova") is not None:
            # Not in the network until the address is verified (ruoli.crea_organizzazioni_in_attesa).
            ruoli.rimanda_nuova_organizzazione(user, self.cleaned_data["nuova"])
        else:
            self.crea_richiesta(user)


class DecisioneForm(forms.Form):
    esito = forms.ChoiceField(choices=[("approva", _("Approva")), ("rifiuta", _("Rifiuta"))])
    nota = forms.CharField(
        label=_("Motivazione"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatoria in caso di rifiuto: sarà inviata al richiedente."),
    )

    def clean(self) -> dict[str, Any]:
        dati = super().clean() or {}
        if dati.get("esito") == "rifiuta" and not dati.get("nota", "").strip():
            self.add_error("nota", _("Indica il motivo del rifiuto."))
        return dati


class InvitoForm(RichiestaRuoloForm):
    """Staff invite a person by e-mail with a role already approved (existing organisations only)."""

    email = forms.EmailField(label=_("E-mail della persona da invitare"))
    field_order = ["email", "ruolo", "scuola", "distretto", "organizzazione"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for nome in ("nuova_organizzazione_nome", "nuova_organizzazione_cf", "nuova_organizzazione_comune"):
            del self.fields[nome]
        self.fields["ruolo"].label = _("Ruolo già approvato")


class AccettaInvitoForm(forms.Form):
    """The invited person's name and password; the e-mail comes from the invitation."""

    first_name = forms.CharField(
        label=_("Nome"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Cognome"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password2 = forms.CharField(
        label=_("Password (di nuovo)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        from allauth.account.adapter import get_adapter
        from django.contrib.auth import get_user_model

        dati = super().clean() or {}
        dati["email"] = self.email
        p1, p2 = dati.get("password1"), dati.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Le due password non coincidono."))
        elif p1:
            provvisorio = get_user_model()(
                email=self.email, first_name=dati.get("first_name", ""), last_name=dati.get("last_name", "")
            )
            try:
                get_adapter().clean_password(p1, user=provvisorio)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return dati


class EliminaAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Password attuale"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    conferma = forms.BooleanField(
        label=_("Ho capito: l'account, i miei ruoli e i miei dati personali saranno eliminati per sempre.")
    )

    def __init__(self, *args, utente, **kwargs):
        super().__init__(*args, **kwargs)
        self.utente = utente

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.utente.check_password(password):
            raise forms.ValidationError(_("La password non è corretta."))
        return password
