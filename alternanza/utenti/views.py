"""Account pages: profile and roles, role requests, the approval queue."""

from __future__ import annotations

from allauth.account.views import SignupView
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alternanza.core.rete import consenti_richiesta
from alternanza.core.utenti import richiede
from alternanza.utenti import ruoli
from alternanza.utenti.forms import DecisioneForm, RichiestaRuoloForm
from alternanza.utenti.models import TipoRuolo
from distretti.permissions import ambito_di, puo_decidere_richieste, richiede_mfa

PER_PAGINA_ATTIVI = 25


@login_required
def profilo(request):
    return render(
        request,
        "utenti/profilo.html",
        {
            "richieste": ruoli.richieste_di(request.user),
            "ambito": ambito_di(request.user),
            "approvatore": puo_decidere_richieste(request.user),
            "mfa_attiva": is_mfa_enabled(request.user),
            "mfa_obbligatoria": richiede_mfa(request.user),
            "senza_valutazione": True,
        },
    )


@login_required
def richiedi_ruolo(request):
    form = RichiestaRuoloForm(request.POST or None)
    if request.method == "POST" and not consenti_richiesta(request, "richiesta-ruolo", 10, 60 * 60):
        form.is_valid()  # what was typed stays in the form
        form.add_error(None, _("Hai inviato troppe richieste di ruolo: riprova tra un'ora."))
        contesto = {"form": form, "senza_valutazione": True}
        return render(request, "utenti/richiedi_ruolo.html", contesto, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            richiesta = form.crea_richiesta(request.user)
        except ruoli.RichiestaNonValida as exc:
            form.add_error(None, str(exc))
        else:
            ruoli.notifica_nuova_richiesta(richiesta)
            messages.success(
                request,
                _("Richiesta inviata: riceverai un'e-mail quando sarà approvata (%(ruolo)s).")
                % {"ruolo": ruoli.descrivi(richiesta)},
            )
            return redirect("utenti:profilo")
    return render(request, "utenti/richiedi_ruolo.html", {"form": form, "senza_valutazione": True})


@richiede(puo_decidere_richieste)
def richieste(request):
    # The active roles one may revoke: a district can hold hundreds, so they are paginated.
    # RuoliAttivi has the slices and length Paginator uses; the stubs also ask for int indexing, iteration.
    attivi: Page[ruoli.Richiesta] = Paginator(
        ruoli.RuoliAttivi(request.user),  # type: ignore[arg-type]
        PER_PAGINA_ATTIVI,
    ).get_page(request.GET.get("pagina"))
    return render(
        request,
        "utenti/richieste.html",
        {
            "richieste": [
                (r, ruoli.tipo_di(r), ruoli.descrivi(r)) for r in ruoli.richieste_decidibili(request.user)
            ],
            "approvati": [(r, ruoli.tipo_di(r), ruoli.descrivi(r)) for r in attivi],
            "pagina": attivi,
            "form": DecisioneForm(),
            "senza_valutazione": True,
        },
    )


@require_POST
@richiede(puo_decidere_richieste)
def decidi(request, tipo: str, pk: int):
    richiesta = ruoli.richiesta_decidibile(request.user, tipo, pk)
    if richiesta is None:
        raise Http404
    form = DecisioneForm(request.POST)
    if not form.is_valid():
        for errori in form.errors.values():
            for errore in errori:
                messages.error(request, str(errore))
        return redirect("utenti:richieste")
    approva = form.cleaned_data["esito"] == "approva"
    try:
        ruoli.decidi(request.user, richiesta, approva=approva, nota=form.cleaned_data["nota"])
    except ruoli.RichiestaNonValida as exc:
        messages.warning(request, str(exc))
    else:
        testo = _("Richiesta approvata: %(r)s.") if approva else _("Richiesta rifiutata: %(r)s.")
        chi = richiesta.utente.get_full_name() or richiesta.utente.email
        messages.success(request, testo % {"r": f"{chi} – {ruoli.descrivi(richiesta)}"})
    return redirect("utenti:richieste")


@require_POST
@richiede(puo_decidere_richieste)
def revoca(request, tipo: str, pk: int):
    """Whoever may approve a role may also revoke it (e.g. a coordinator who left the school)."""
    richiesta = ruoli.richiesta_decidibile(request.user, tipo, pk)
    if richiesta is None:
        raise Http404
    try:
        ruoli.revoca(request.user, richiesta, request.POST.get("nota", "")[:1000])
    except ruoli.RichiestaNonValida as exc:
        messages.warning(request, str(exc))
    else:
        chi = richiesta.utente.get_full_name() or richiesta.utente.email
        messages.success(request, _("Ruolo revocato: %(r)s.") % {"r": f"{chi} – {ruoli.descrivi(richiesta)}"})
    return redirect("utenti:richieste")


class RegistrazioneView(SignupView):
    """allauth's signup, role first: without a role (?ruolo=…) the page asks only for it (a plain GET
    form, no JavaScript needed); with one, the form shows only the fields of that role."""

    def ruolo_scelto(self) -> str | None:
        ruolo = self.request.POST.get("ruolo") or self.request.GET.get("ruolo")
        return ruolo if ruolo in RichiestaRuoloForm.CAMPI_PER_RUOLO else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ruolo_scelto": self.ruolo_scelto()}

    def get_context_data(self, **kwargs):
        contesto = super().get_context_data(**kwargs)
        contesto["scelte_ruolo"] = TipoRuolo.choices
        contesto["ruolo_scelto"] = self.ruolo_scelto()
        return contesto


registrazione = RegistrazioneView.as_view()
