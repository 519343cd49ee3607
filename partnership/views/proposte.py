"""Hosts a school does not find: the coordinator proposes one; the district office checks the proposals.

Who checks what is `Organizzazione.objects.da_verificare_per(user)` (staff: all; an office: those of its
districts); what changes is in partnership.services (confirm, merge).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alternanza.core.utenti import richiede
from distretti.models import Scuola
from distretti.permissions import ambito_di, di_staff_o_scuola, di_staff_o_ufficio
from partnership import services
from partnership.forms import CorreggiOrganizzazioneForm, ProponiOrganizzazioneForm, UnisciForm
from partnership.models import Organizzazione

MAX_DA_VERIFICARE = 50  # proposals listed at once (the oldest first)


def _ritorno(request) -> str:
    """The form a proposal returns to (with ?organizzazione=<new id>): only a page of this site."""
    destinazione = request.POST.get("next") or request.GET.get("next") or ""
    if destinazione and url_has_allowed_host_and_scheme(
        destinazione, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return destinazione
    return ""


@richiede(di_staff_o_scuola)
def proponi(request):
    """A school coordinator proposes a host organisation that is not in the network yet."""
    ambito = ambito_di(request.user)
    scuole = Scuola.objects.filter(pk__in=ambito.scuole)
    if not ambito.scuole:
        raise PermissionDenied(_("Le organizzazioni si propongono a nome di una scuola."))
    iniziali = {"nome": request.GET.get("nome", "")[:255]}
    form = ProponiOrganizzazioneForm(request.POST or None, initial=iniziali, scuole=scuole, user=request.user)
    ritorno = _ritorno(request)
    if request.method == "POST" and form.is_valid():
        organizzazione = form.save(commit=False)
        try:
            services.proponi_organizzazione(organizzazione, request.user, form.cleaned_data["scuola"])
        except IntegrityError:
            # The same tax code saved meanwhile by someone else: said at the field, nothing lost.
            form.add_error("codice_fiscale", services.CF_GIA_USATO)
        else:
            messages.success(request, services.PROPOSTA_SALVATA % {"nome": organizzazione.nome})
            if ritorno:
                separatore = "&" if "?" in ritorno else "?"
                return redirect(f"{ritorno}{separatore}{urlencode({'organizzazione': organizzazione.pk})}")
            return redirect("area:home")
    return render(
        request,
        "partnership/proponi.html",
        {"form": form, "ritorno": ritorno, "senza_valutazione": True},
    )


@richiede(di_staff_o_ufficio)
def da_verificare(request):
    """The proposals the office checks, each with the organisations whose name looks the same."""
    proposte = list(
        Organizzazione.objects.da_verificare_per(request.user)
        .select_related("comune", "proposta_da_scuola")
        .order_by("creata_il", "pk")[:MAX_DA_VERIFICARE]
    )
    doppioni = services.possibili_doppioni(proposte)
    righe = [
        {
            "o": o,
            "doppioni": doppioni.get(o.pk, []),
            "unisci": UnisciForm(proposta=o, user=request.user, prefix=f"u{o.pk}"),
        }
        for o in proposte
    ]
    gruppi = []
    if ambito_di(request.user).staff:
        gruppi = _nomi_ripetuti()
    return render(
        request,
        "partnership/ufficio/da_verificare.html",
        {
            "righe": righe,
            "gruppi": gruppi,
            "sezione": "da_verificare",
            "senza_valutazione": True,
        },
    )


def _nomi_ripetuti(limite: int = 20) -> list[list[Organizzazione]]:
    """Staff: organisations whose names have the same normal form (possible duplicates), two queries."""
    from django.db.models import Count

    nomi = list(
        Organizzazione.objects.exclude(nome_normalizzato="")
        .values("nome_normalizzato")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("nome_normalizzato")
        .values_list("nome_normalizzato", flat=True)[:limite]
    )
    gruppi: dict[str, list[Organizzazione]] = {n: [] for n in nomi}
    for o in (
        Organizzazione.objects.filter(nome_normalizzato__in=nomi)
        .only("id", "nome", "slug", "codice_fiscale", "nome_normalizzato", "da_verificare")
        .order_by("nome", "pk")
    ):
        gruppi[o.nome_normalizzato].append(o)
    return list(gruppi.values())


def _proposta(request, pk) -> Organizzazione:
    return get_object_or_404(Organizzazione.objects.da_verificare_per(request.user), pk=pk)


@richiede(di_staff_o_ufficio)
def correggi(request, pk):
    proposta = _proposta(request, pk)
    form = CorreggiOrganizzazioneForm(request.POST or None, instance=proposta, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except IntegrityError:
            form.add_error(
                "codice_fiscale", _("Esiste già un'organizzazione con questo codice fiscale o partita IVA.")
            )
        else:
            messages.success(request, _("Proposta corretta: ora puoi confermarla."))
            return redirect("partnership:da_verificare")
    return render(
        request,
        "partnership/modulo.html",
        {"form": form, "titolo": _("Correggi la proposta"), "senza_valutazione": True},
    )


@require_POST
@richiede(di_staff_o_ufficio)
def conferma(request, pk):
    proposta = _proposta(request, pk)
    services.conferma(proposta)
    messages.success(request, _("«%(nome)s» è confermata.") % {"nome": proposta.nome})
    return redirect("partnership:da_verificare")


@require_POST
@richiede(di_staff_o_ufficio)
def unisci(request, pk):
    proposta = _proposta(request, pk)
    form = UnisciForm(request.POST, proposta=proposta, user=request.user, prefix=f"u{proposta.pk}")
    if not form.is_valid():
        for errore in form.errors.get("tenuta", []):
            messages.error(request, f"{proposta.nome}: {errore}")
        return redirect(reverse("partnership:da_verificare") + f"#proposta-{proposta.pk}")
    tenuta = services.unisci(proposta, form.cleaned_data["tenuta"], request.user)
    messages.success(
        request,
        _("«%(proposta)s» è unita a «%(tenuta)s»: i suoi collegamenti ora sono di questa.")
        % {"proposta": proposta.nome, "tenuta": tenuta.nome},
    )
    return redirect("partnership:da_verificare")
